"""/api/discount-codes, and discount_code in checkout with its refusals as problem JSON."""

from __future__ import annotations

import pytest

from storefront.services import cart
from tests.api.conftest import assert_problem, error_fields

URL = "/api/discount-codes"
ADDRESS = {
    "full_name": "Nadia Rahman",
    "phone": "+880 1712-345678",
    "line1": "House 7",
    "city": "Dhaka",
    "country": "BD",
}


def test_admins_manage_codes(client, as_admin):
    created = client.post(
        URL,
        json={"code": "eid10", "kind": "percent", "value": "10", "usage_limit": 5,
              "starts_at": "2026-01-01T00:00:00+06:00", "min_subtotal": 500},
        headers=as_admin,
    )  # fmt: skip
    assert created.status_code == 201, created.get_json()
    code = created.get_json()
    assert (code["code"], code["value"], code["min_subtotal"], code["times_used"]) == (
        "EID10", "10.00", "500.00", 0
    )  # fmt: skip
    assert code["starts_at"] == "2025-12-31T18:00:00+00:00"
    assert [c["code"] for c in client.get(URL, headers=as_admin).get_json()] == ["EID10"]
    changed = client.put(f"{URL}/{code['id']}", json={"usage_limit": None}, headers=as_admin)
    assert changed.get_json()["usage_limit"] is None
    assert_problem(client.post(URL, json={"code": "Eid10", "kind": "fixed", "value": 1},
                               headers=as_admin), 409)  # fmt: skip
    assert client.delete(f"{URL}/{code['id']}", headers=as_admin).status_code == 204
    assert_problem(client.get(f"{URL}/{code['id']}", headers=as_admin), 404)


def test_customers_cannot_see_or_manage_codes(client, as_customer):
    assert_problem(client.get(URL, headers=as_customer), 403)
    assert_problem(client.post(URL, json={"code": "X", "kind": "fixed", "value": 1},
                               headers=as_customer), 403)  # fmt: skip
    assert_problem(client.get(URL), 401)


@pytest.mark.parametrize(
    "body",
    [
        {"code": "X", "kind": "percent", "value": "101"},
        {"code": "X", "kind": "half", "value": "1"},
        {"code": "X", "kind": "fixed", "value": "1", "starts_at": "2026-01-01T00:00:00"},
        {"code": "X", "kind": "fixed", "value": "1", "usage_limit": 0},
    ],
)
def test_a_bad_code_is_422(client, as_admin, body):
    assert error_fields(client.post(URL, json=body, headers=as_admin))


@pytest.fixture
def in_cart(customer, make_product):
    cart.add_to_cart(customer.id, make_product(price="33.33").id, 3)


def test_checkout_with_a_code_shows_the_discount(client, as_admin, as_customer, in_cart):
    client.post(URL, json={"code": "SAVE15", "kind": "percent", "value": 15}, headers=as_admin)
    response = client.post(
        "/api/orders",
        json={"address": ADDRESS, "discount_code": "save15", "expected_total": "84.99"},
        headers=as_customer,
    )
    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    assert (order["subtotal"], order["discount_amount"], order["total_amount"]) == (
        "99.99", "15.00", "84.99"
    )  # fmt: skip
    assert order["discount_code"] == "SAVE15"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ({"code": "OTHER", "kind": "fixed", "value": 1}, "discount_unknown"),
        ({"code": "SAVE", "kind": "fixed", "value": 1, "ends_at": "2020-01-01T00:00:00Z"},
         "discount_expired"),
        ({"code": "SAVE", "kind": "fixed", "value": 1, "min_subtotal": "100.00"},
         "discount_minimum"),
    ],
)  # fmt: skip
def test_a_refused_code_is_409_and_nothing_is_ordered(
    client, as_admin, as_customer, in_cart, code, problem
):
    client.post(URL, json=code, headers=as_admin)
    response = client.post(
        "/api/orders", json={"address": ADDRESS, "discount_code": "save"}, headers=as_customer
    )
    body = assert_problem(response, 409, problem)
    assert body["field"] == "discount_code"
    assert client.get("/api/orders/my-orders", headers=as_customer).get_json()["total"] == 0
    assert len(client.get("/api/cart", headers=as_customer).get_json()["items"]) == 1


def test_codes_used_up_and_per_customer_limits_are_409(
    client, as_admin, as_customer, customer, make_product
):
    client.post(
        URL,
        json={"code": "ONCE", "kind": "fixed", "value": 1, "per_customer_limit": 1},
        headers=as_admin,
    )
    client.post(URL, json={"code": "ONE", "kind": "fixed", "value": 1, "usage_limit": 1},
                headers=as_admin)  # fmt: skip
    product = make_product()
    for code, problem in (("once", None), ("once", "discount_customer_limit"),
                          ("one", None), ("one", "discount_exhausted")):  # fmt: skip
        cart.add_to_cart(customer.id, product.id, 1)
        response = client.post(
            "/api/orders", json={"address": ADDRESS, "discount_code": code}, headers=as_customer
        )
        if problem is None:
            assert response.status_code == 201
        else:
            assert_problem(response, 409, problem)


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"])
def test_dates_out_of_range_are_422_not_500(client, as_admin, moment):
    body = {"code": "X", "kind": "fixed", "value": "1", "starts_at": moment}
    assert error_fields(client.post(URL, json=body, headers=as_admin)) == {"starts_at"}


def test_a_usage_limit_out_of_range_is_refused_in_the_back_offices_words(client, as_admin):
    # One rule, one wording: the API says what the back office's form says.
    from storefront.services.discounts import LIMIT_REFUSED

    for limit in (0, 1_000_000_001):
        response = client.post(
            URL,
            json={"code": "X", "kind": "fixed", "value": "1", "per_customer_limit": limit},
            headers=as_admin,
        )
        assert response.status_code == 422
        assert LIMIT_REFUSED in str(response.get_json()["errors"]), response.get_json()
