"""/api/users: your own account, and the admins' list."""

from __future__ import annotations

from tests.api.conftest import assert_problem, error_fields
from tests.conftest import CUSTOMER_PASSWORD


def test_me_shows_the_account(client, customer, as_customer):
    body = client.get("/api/users/me", headers=as_customer).get_json()
    assert set(body) == {
        "id", "email", "full_name", "role", "is_active",
        "order_cancellation_count", "created_at", "updated_at",
    }  # fmt: skip
    assert body["email"] == customer.email


def test_change_name_needs_no_password(client, as_customer):
    response = client.put("/api/users/me", json={"full_name": "Renamed"}, headers=as_customer)
    assert response.status_code == 200
    assert response.get_json()["full_name"] == "Renamed"


def test_change_email_or_password_needs_the_current_password(client, as_customer, login):
    for body in ({"email": "new@example.com"}, {"password": "a-new-password"}):
        assert error_fields(client.put("/api/users/me", json=body, headers=as_customer)) == {
            "current_password"
        }
        wrong = {**body, "current_password": "not-it"}
        assert error_fields(client.put("/api/users/me", json=wrong, headers=as_customer)) == {
            "current_password"
        }
    response = client.put(
        "/api/users/me",
        json={"email": "new@example.com", "password": "a-new-password",
              "current_password": CUSTOMER_PASSWORD},
        headers=as_customer,
    )  # fmt: skip
    assert response.status_code == 200
    assert login("new@example.com", "a-new-password")["user"]["email"] == "new@example.com"


def test_change_email_to_a_taken_one_is_409(client, as_customer, admin):
    response = client.put(
        "/api/users/me",
        json={"email": admin.email, "current_password": CUSTOMER_PASSWORD},
        headers=as_customer,
    )
    assert_problem(response, 409, "duplicate_email")


def test_admin_lists_users_with_filters_and_paging(client, as_admin, customer, make_user):
    for _ in range(3):
        make_user("customer")
    page = client.get("/api/users?per_page=2&page=1", headers=as_admin).get_json()
    assert set(page) == {"items", "page", "per_page", "total", "pages"}
    assert page["total"] == 5 and page["pages"] == 3 and len(page["items"]) == 2
    admins = client.get("/api/users?role=admin", headers=as_admin).get_json()
    assert [u["role"] for u in admins["items"]] == ["admin"]
    found = client.get("/api/users?q=SHOPPER", headers=as_admin).get_json()
    assert [u["id"] for u in found["items"]] == [customer.id]
    past_end = client.get("/api/users?page=9", headers=as_admin)
    assert past_end.status_code == 200 and past_end.get_json()["items"] == []


def test_user_list_refuses_bad_paging_and_role(client, as_admin):
    assert error_fields(client.get("/api/users?per_page=101", headers=as_admin)) == {"per_page"}
    assert error_fields(client.get("/api/users?per_page=0", headers=as_admin)) == {"per_page"}
    assert error_fields(client.get("/api/users?page=0", headers=as_admin)) == {"page"}
    assert error_fields(client.get("/api/users?role=boss", headers=as_admin)) == {"role"}


def test_customers_cannot_list_or_read_users(client, as_customer, admin):
    assert_problem(client.get("/api/users", headers=as_customer), 403, "forbidden")
    assert_problem(client.get(f"/api/users/{admin.id}", headers=as_customer), 403)
    assert_problem(client.delete(f"/api/users/{admin.id}", headers=as_customer), 403)


def test_admin_reads_a_user_and_404s_an_unknown_one(client, as_admin, customer):
    assert client.get(f"/api/users/{customer.id}", headers=as_admin).get_json()["id"] == customer.id
    assert_problem(client.get("/api/users/999999", headers=as_admin), 404)


def test_admin_deactivates_a_user_who_is_then_locked_out(client, as_admin, customer, as_customer):
    response = client.delete(f"/api/users/{customer.id}", headers=as_admin)
    assert response.status_code == 204
    assert (
        client.get(f"/api/users/{customer.id}", headers=as_admin).get_json()["is_active"] is False
    )
    assert_problem(client.get("/api/users/me", headers=as_customer), 401)


def test_admin_cannot_deactivate_themself(client, as_admin, admin):
    assert_problem(
        client.delete(f"/api/users/{admin.id}", headers=as_admin), 409, "cannot_act_on_self"
    )
