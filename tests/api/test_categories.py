"""/api/categories: admins create, change, reorder and archive; products choose one."""

from __future__ import annotations

import pytest

from storefront.services import categories
from tests.api.conftest import assert_problem, error_fields


def test_an_admin_creates_a_category_and_a_subcategory(client, as_admin):
    response = client.post(
        "/api/categories", json={"name": "Clothing", "description": "To wear."}, headers=as_admin
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body == {
        "id": body["id"], "name": "Clothing", "slug": "clothing", "description": "To wear.",
        "parent_id": None, "position": 0, "product_count": 0, "is_archived": False,
    }  # fmt: skip
    assert response.headers["Location"] == f"/api/categories/{body['id']}"
    child = client.post(
        "/api/categories", json={"name": "Shirts", "parent_id": body["id"]}, headers=as_admin
    ).get_json()
    assert child["parent_id"] == body["id"]
    listed = client.get("/api/categories").get_json()
    assert [(c["name"], c["parent_id"]) for c in listed] == [
        ("Clothing", None), ("Shirts", body["id"])
    ]  # fmt: skip
    assert client.get(f"/api/categories/{child['id']}").get_json() == child


@pytest.mark.parametrize("name", ["shoes", "SHOES"])
def test_a_name_taken_in_any_case_is_409_on_name(client, as_admin, name):
    assert (
        client.post("/api/categories", json={"name": "Shoes"}, headers=as_admin).status_code == 201
    )
    body = assert_problem(
        client.post("/api/categories", json={"name": name}, headers=as_admin), 409
    )
    assert body["code"] == "duplicate_category" and body["field"] == "name"


def test_refusals_are_problem_json(client, as_admin):
    shoes = client.post("/api/categories", json={"name": "Shoes"}, headers=as_admin).get_json()
    sub = client.post(
        "/api/categories", json={"name": "Boots", "parent_id": shoes["id"]}, headers=as_admin
    ).get_json()
    assert error_fields(client.post("/api/categories", json={}, headers=as_admin)) == {"name"}
    assert error_fields(
        client.post("/api/categories", json={"name": "", "colour": "red"}, headers=as_admin)
    ) == {"name", "colour"}
    third = client.post(
        "/api/categories", json={"name": "Wellies", "parent_id": sub["id"]}, headers=as_admin
    )
    assert error_fields(third) == {"parent_id"}
    assert error_fields(
        client.put(f"/api/categories/{shoes['id']}", json={"position": -1}, headers=as_admin)
    ) == {"position"}
    assert error_fields(
        client.put(f"/api/categories/{shoes['id']}", json={"parent_id": 0}, headers=as_admin)
    ) == {"parent_id"}
    assert_problem(client.put("/api/categories/424242", json={"name": "X"}, headers=as_admin), 404)
    assert_problem(client.delete("/api/categories/424242", headers=as_admin), 404)
    assert_problem(client.get("/api/categories/424242"), 404)


def test_rename_reorder_archive_and_restore(client, as_admin, as_customer, make_product):
    a = client.post("/api/categories", json={"name": "A"}, headers=as_admin).get_json()
    b = client.post("/api/categories", json={"name": "B"}, headers=as_admin).get_json()
    renamed = client.put(
        f"/api/categories/{b['id']}", json={"name": "Bee", "position": 0}, headers=as_admin
    ).get_json()
    assert (renamed["name"], renamed["slug"], renamed["position"]) == ("Bee", "b", 0)
    assert [c["name"] for c in client.get("/api/categories").get_json()] == ["Bee", "A"]

    assert client.delete(f"/api/categories/{a['id']}", headers=as_admin).status_code == 204
    assert [c["name"] for c in client.get("/api/categories").get_json()] == ["Bee"]
    assert_problem(client.get(f"/api/categories/{a['id']}"), 404)
    assert_problem(client.get(f"/api/categories/{a['id']}", headers=as_customer), 404)
    seen = client.get(f"/api/categories/{a['id']}", headers=as_admin).get_json()
    assert seen["is_archived"] is True
    everything = client.get("/api/categories?include_archived=true", headers=as_admin).get_json()
    assert [c["name"] for c in everything] == ["Bee", "A"]
    # A customer asking for archived categories gets the shop's list.
    mine = client.get("/api/categories?include_archived=true", headers=as_customer).get_json()
    assert [c["name"] for c in mine] == ["Bee"]
    restored = client.put(
        f"/api/categories/{a['id']}", json={"is_archived": False}, headers=as_admin
    )
    assert restored.status_code == 200 and restored.get_json()["is_archived"] is False


def test_restoring_under_an_archived_parent_is_409(client, as_admin):
    top = client.post("/api/categories", json={"name": "Top"}, headers=as_admin).get_json()
    sub = client.post(
        "/api/categories", json={"name": "Sub", "parent_id": top["id"]}, headers=as_admin
    ).get_json()
    client.delete(f"/api/categories/{top['id']}", headers=as_admin)
    response = client.put(
        f"/api/categories/{sub['id']}", json={"is_archived": False}, headers=as_admin
    )
    assert assert_problem(response, 409)["code"] == "parent_archived"


WRITES = [
    ("post", "/api/categories", {"name": "X"}),
    ("put", "/api/categories/1", {"name": "X"}),
    ("delete", "/api/categories/1", None),
]


@pytest.mark.parametrize(("method", "url", "body"), WRITES)
def test_guests_get_401_and_customers_403(client, as_customer, method, url, body):
    categories.create_category("Kept")
    send = getattr(client, method)
    assert_problem(send(url, json=body), 401)
    assert_problem(send(url, json=body, headers=as_customer), 403)
    assert [c["name"] for c in client.get("/api/categories").get_json()] == ["Kept"]


def test_products_choose_an_existing_category_by_id_or_name(client, as_admin):
    kitchen = categories.create_category("Kitchen")
    base = {"name": "Pot", "price": "5.00", "stock_quantity": 1}
    by_id = client.post("/api/products", json={**base, "category_id": kitchen.id}, headers=as_admin)
    assert by_id.status_code == 201
    assert (by_id.get_json()["category"], by_id.get_json()["category_id"]) == (
        "Kitchen",
        kitchen.id,
    )
    by_name = client.post("/api/products", json={**base, "category": "kitchen"}, headers=as_admin)
    assert by_name.get_json()["category_id"] == kitchen.id
    # Not created if new any more: 422 on the field that named it.
    unknown = client.post("/api/products", json={**base, "category": "Garden"}, headers=as_admin)
    assert error_fields(unknown) == {"category"}
    ghost = client.post("/api/products", json={**base, "category_id": 424242}, headers=as_admin)
    assert error_fields(ghost) == {"category_id"}
    both = client.post(
        "/api/products", json={**base, "category": "Kitchen", "category_id": kitchen.id},
        headers=as_admin,
    )  # fmt: skip
    assert error_fields(both) == {"category_id"}
    categories.archive_category(kitchen.id)
    archived = client.post("/api/products", json={**base, "category": "Kitchen"}, headers=as_admin)
    assert error_fields(archived) == {"category"}
    product_id = by_id.get_json()["id"]
    cleared = client.put(
        f"/api/products/{product_id}", json={"category_id": None}, headers=as_admin
    )
    assert cleared.get_json()["category"] is None
    assert [c["name"] for c in client.get("/api/categories").get_json()] == []


def test_the_catalog_filter_on_a_parent_includes_its_subcategories(client, make_product):
    clothing = categories.create_category("Clothing")
    categories.create_category("Shirts", parent_id=clothing.id)
    make_product(name="Coat", category="Clothing")
    make_product(name="Polo", category="Shirts")
    body = client.get("/api/products?category=clothing&sort=name").get_json()
    assert [p["name"] for p in body["items"]] == ["Coat", "Polo"]
    counts = {c["name"]: c["product_count"] for c in client.get("/api/categories").get_json()}
    assert counts == {"Clothing": 2, "Shirts": 1}
