"""/api/categories and /api/products, their stock and its ledger."""

from __future__ import annotations

import re

import pytest

from storefront.services import categories
from tests.api.conftest import assert_problem, error_fields

PRODUCT_KEYS = {
    "id", "name", "slug", "description", "price", "stock_quantity", "in_stock", "category",
    "category_id", "image_url", "thumbnail_url", "is_active", "created_at", "updated_at",
    "options", "variants",
}  # fmt: skip
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")


def test_categories_list_every_category_with_active_counts(client, make_product):
    make_product(category="Books")
    make_product(category="Books", active=False)
    make_product(category="Toys", active=False)
    body = client.get("/api/categories").get_json()
    top = {"description": "", "parent_id": None, "is_archived": False}
    assert body == [
        {"id": body[0]["id"], "name": "Books", "slug": "books", "product_count": 1,
         "position": 0, **top},
        {"id": body[1]["id"], "name": "Toys", "slug": "toys", "product_count": 0,
         "position": 1, **top},
    ]  # fmt: skip


def test_product_shape_money_and_timestamps(client, make_product):
    product = make_product(name="Mug", price="1250", stock=3, category="Kitchen")
    body = client.get(f"/api/products/{product.id}").get_json()
    assert set(body) == PRODUCT_KEYS | {"images"}  # one product shows its gallery
    assert body["images"] == []
    assert body["price"] == "1250.00"
    assert body["category"] == "Kitchen"
    assert body["in_stock"] is True
    assert body["image_url"] is None and body["thumbnail_url"] is None
    assert TIMESTAMP.match(body["created_at"]) and TIMESTAMP.match(body["updated_at"])


def test_list_filters_sorts_and_pages(client, make_product):
    make_product(name="Cheap Mug", price="5.00", stock=0, category="Kitchen")
    make_product(name="Dear Mug", price="50.00", stock=2, category="Kitchen")
    make_product(name="Book", price="20.00", stock=2, category="Books")
    make_product(name="Archived Mug", price="6.00", active=False)

    def names(query):
        response = client.get("/api/products" + query)
        assert response.status_code == 200, response.get_json()
        return [p["name"] for p in response.get_json()["items"]]

    assert names("") == ["Book", "Dear Mug", "Cheap Mug"]
    assert names("?sort=price_asc") == ["Cheap Mug", "Book", "Dear Mug"]
    assert names("?sort=price_desc&category=kitchen") == ["Dear Mug", "Cheap Mug"]
    assert names("?min_price=5&max_price=20.00&sort=name") == ["Book", "Cheap Mug"]
    assert names("?in_stock=true&q=mug") == ["Dear Mug"]
    assert names("?in_stock=false&q=mug&sort=name") == ["Cheap Mug", "Dear Mug"]
    page = client.get("/api/products?per_page=2&page=2").get_json()
    assert (page["total"], page["pages"], page["page"], len(page["items"])) == (3, 2, 2, 1)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?min_price=-1", "min_price"),
        ("?max_price=1.234", "max_price"),
        ("?min_price=1e3", "min_price"),
        ("?min_price=NaN", "min_price"),
        ("?sort=cheapest", "sort"),
        ("?per_page=500", "per_page"),
        ("?page=0", "page"),
        ("?in_stock=maybe", "in_stock"),
    ],
)
def test_list_refuses_bad_queries(client, query, field):
    assert field in error_fields(client.get("/api/products" + query))


def test_search_requires_q(client, make_product):
    make_product(name="Blue Kettle")
    assert error_fields(client.get("/api/products/search")) == {"q"}
    assert error_fields(client.get("/api/products/search?q=%20")) == {"q"}
    body = client.get("/api/products/search?q=kettle").get_json()
    assert [p["name"] for p in body["items"]] == ["Blue Kettle"]
    assert client.get("/api/products/search?q=100%25").get_json()["items"] == []


def test_archived_product_is_404_except_for_admins(client, make_product, as_admin, as_customer):
    product = make_product(active=False)
    assert_problem(client.get(f"/api/products/{product.id}"), 404)
    assert_problem(client.get(f"/api/products/{product.id}", headers=as_customer), 404)
    body = client.get(f"/api/products/{product.id}", headers=as_admin).get_json()
    assert body["is_active"] is False


def test_unknown_product_is_404(client):
    assert_problem(client.get("/api/products/424242"), 404)
    assert_problem(client.get("/api/products/0"), 404)
    assert_problem(client.get("/api/products/99999999999999999999"), 404)


def test_admin_creates_a_product_with_its_initial_movement(client, as_admin):
    categories.create_category("Kitchen")
    response = client.post(
        "/api/products",
        json={"name": "Teapot", "price": 12.5, "stock_quantity": 4, "category": "Kitchen"},
        headers=as_admin,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["price"] == "12.50" and body["category"] == "Kitchen"
    assert response.headers["Location"] == f"/api/products/{body['id']}"
    moves = client.get(f"/api/products/{body['id']}/stock-movements", headers=as_admin).get_json()
    assert [(m["reason"], m["delta"], m["stock_after"]) for m in moves["items"]] == [
        ("initial", 4, 4)
    ]
    assert set(moves["items"][0]) == {
        "id", "product_id", "variant_id", "delta", "reason", "order_id", "stock_after", "note",
        "created_at",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"name", "price", "stock_quantity"}),
        ({"name": "X", "price": "1.234", "stock_quantity": 1}, {"price"}),
        ({"name": "X", "price": "-1", "stock_quantity": 1}, {"price"}),
        ({"name": "X", "price": "1e2", "stock_quantity": 1}, {"price"}),
        ({"name": "X", "price": "10000000000.00", "stock_quantity": 1}, {"price"}),
        ({"name": "X", "price": True, "stock_quantity": 1}, {"price"}),
        ({"name": "X", "price": "1", "stock_quantity": -1}, {"stock_quantity"}),
        ({"name": "X", "price": "1", "stock_quantity": 1.5}, {"stock_quantity"}),
        ({"name": "", "price": "1", "stock_quantity": 1}, {"name"}),
        ({"name": "X\x00", "price": "1", "stock_quantity": 1}, {"name"}),
        ({"name": "X", "price": "1", "stock_quantity": 1, "colour": "red"}, {"colour"}),
    ],
)
def test_create_product_refuses_bad_values_per_field(client, as_admin, body, fields):
    assert error_fields(client.post("/api/products", json=body, headers=as_admin)) == fields


def test_create_product_refuses_nan_and_infinity(client, as_admin):
    for literal in ("NaN", "Infinity", "-Infinity"):
        response = client.post(
            "/api/products",
            data=f'{{"name": "X", "price": {literal}, "stock_quantity": 1}}',
            content_type="application/json",
            headers=as_admin,
        )
        assert error_fields(response) == {"price"}


def test_admin_updates_a_product_and_stock_change_is_an_adjustment(client, as_admin, make_product):
    product = make_product(price="10.00", stock=5)
    response = client.put(
        f"/api/products/{product.id}",
        json={"price": "11", "stock_quantity": 8, "category": None, "is_active": False},
        headers=as_admin,
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["price"], body["stock_quantity"], body["category"], body["is_active"]) == (
        "11.00", 8, None, False
    )  # fmt: skip
    moves = client.get(f"/api/products/{product.id}/stock-movements", headers=as_admin).get_json()
    assert moves["items"][0]["reason"] == "adjustment"
    assert moves["items"][0]["delta"] == 3
    assert moves["items"][0]["note"] == "Set by product update"
    assert error_fields(
        client.put(f"/api/products/{product.id}", json={"is_active": "no"}, headers=as_admin)
    ) == {"is_active"}
    assert_problem(client.put("/api/products/99999", json={"name": "x"}, headers=as_admin), 404)


def test_delete_removes_a_never_ordered_product(client, as_admin, make_product):
    url = f"/api/products/{make_product().id}"
    assert client.delete(url, headers=as_admin).status_code == 204
    assert_problem(client.get(url, headers=as_admin), 404)
    assert_problem(client.delete(url, headers=as_admin), 404)


def test_delete_archives_an_ordered_product(client, as_admin, as_customer, make_product):
    product = make_product(stock=5)
    client.post(
        "/api/cart/items", json={"product_id": product.id, "quantity": 1}, headers=as_customer
    )
    client.post("/api/orders", json={"shipping_address": "1 Road"}, headers=as_customer)
    assert client.delete(f"/api/products/{product.id}", headers=as_admin).status_code == 204
    assert (
        client.get(f"/api/products/{product.id}", headers=as_admin).get_json()["is_active"] is False
    )


def test_stock_adjustment(client, as_admin, make_product):
    product = make_product(stock=3)
    url = f"/api/products/{product.id}/stock"
    response = client.post(url, json={"delta": -2, "note": "Broken"}, headers=as_admin)
    assert response.status_code == 200 and response.get_json()["stock_quantity"] == 1
    assert_problem(
        client.post(url, json={"delta": -2, "note": "Too many"}, headers=as_admin),
        409,
        "insufficient_stock",
    )
    assert error_fields(client.post(url, json={"delta": 0, "note": ""}, headers=as_admin)) == {
        "delta", "note"
    }  # fmt: skip
    assert error_fields(client.post(url, json={"delta": 1, "note": "   "}, headers=as_admin)) == {
        "note"
    }
    assert_problem(
        client.post("/api/products/99999/stock", json={"delta": 1, "note": "x"}, headers=as_admin),
        404,
    )
    assert_problem(client.get("/api/products/99999/stock-movements", headers=as_admin), 404)


def test_catalog_writes_are_for_admins(client, as_customer, make_product):
    product = make_product()
    calls = [
        ("post", "/api/products", {"name": "X", "price": "1", "stock_quantity": 1}),
        ("put", f"/api/products/{product.id}", {"name": "Y"}),
        ("delete", f"/api/products/{product.id}", None),
        ("post", f"/api/products/{product.id}/stock", {"delta": 1, "note": "x"}),
        ("get", f"/api/products/{product.id}/stock-movements", None),
    ]
    for method, url, body in calls:
        assert_problem(getattr(client, method)(url, json=body), 401)
        assert_problem(getattr(client, method)(url, json=body, headers=as_customer), 403)


def test_the_api_refuses_a_price_with_grouping_commas(client, as_admin):
    body = {"name": "Comma mug", "price": "1,250.50", "stock_quantity": 1}
    response = client.post("/api/products", json=body, headers=as_admin)
    assert response.status_code == 422
