"""/api/cart: a customer's cart; admins have none."""

from __future__ import annotations

from decimal import Decimal

from storefront.services import catalog
from tests.api.conftest import assert_problem, error_fields


def add(client, headers, product_id, quantity):
    return client.post(
        "/api/cart/items", json={"product_id": product_id, "quantity": quantity}, headers=headers
    )


def test_empty_cart(client, as_customer):
    body = client.get("/api/cart", headers=as_customer).get_json()
    assert body == {"id": None, "items": [], "item_count": 0, "total": "0.00"}


def test_add_twice_adds_to_the_same_line_and_shows_prices(client, as_customer, make_product):
    product = make_product(name="Mug", price="2.50", stock=10)
    assert add(client, as_customer, product.id, 2).status_code == 201
    response = add(client, as_customer, product.id, 3)
    assert response.status_code == 201
    body = response.get_json()
    assert body["item_count"] == 5 and body["total"] == "12.50"
    (line,) = body["items"]
    assert set(line) == {
        "id", "product_id", "variant_id", "sku", "options", "product", "quantity",
        "unit_price", "line_total", "price_at_time", "price_changed",
    }  # fmt: skip
    assert set(line["product"]) == {
        "id", "name", "price", "stock_quantity", "image_url", "thumbnail_url"
    }  # fmt: skip
    assert (line["quantity"], line["unit_price"], line["line_total"]) == (5, "2.50", "12.50")
    assert line["price_changed"] is False

    catalog.update_product(product.id, price=Decimal("3.00"))
    line = client.get("/api/cart", headers=as_customer).get_json()["items"][0]
    assert (line["unit_price"], line["price_at_time"], line["price_changed"]) == (
        "3.00", "2.50", True
    )  # fmt: skip


def test_adding_more_than_the_stock_is_409_naming_the_product(client, as_customer, make_product):
    product = make_product(name="Rare Lamp", stock=2)
    body = assert_problem(add(client, as_customer, product.id, 3), 409, "out_of_stock")
    assert body["shortages"] == [
        {"product_id": product.id, "product_name": "Rare Lamp", "requested": 3, "available": 2}
    ]


def test_adding_unknown_or_archived_product_is_404(client, as_customer, make_product):
    archived = make_product(active=False)
    assert_problem(add(client, as_customer, archived.id, 1), 404)
    assert_problem(add(client, as_customer, 987654, 1), 404)


def test_add_refuses_bad_quantities(client, as_customer, make_product):
    product = make_product()
    assert error_fields(add(client, as_customer, product.id, 0)) == {"quantity"}
    assert error_fields(add(client, as_customer, product.id, "2")) == {"quantity"}
    assert error_fields(add(client, as_customer, 0, 1)) == {"product_id"}
    assert error_fields(client.post("/api/cart/items", json={}, headers=as_customer)) == {
        "variant_id", "quantity"
    }  # fmt: skip


def test_change_and_remove_a_line(client, as_customer, make_product):
    product = make_product(stock=5)
    item_id = add(client, as_customer, product.id, 1).get_json()["items"][0]["id"]
    response = client.put(f"/api/cart/items/{item_id}", json={"quantity": 4}, headers=as_customer)
    assert response.status_code == 200 and response.get_json()["item_count"] == 4
    assert_problem(
        client.put(f"/api/cart/items/{item_id}", json={"quantity": 6}, headers=as_customer), 409
    )
    assert error_fields(
        client.put(f"/api/cart/items/{item_id}", json={"quantity": 0}, headers=as_customer)
    ) == {"quantity"}
    response = client.delete(f"/api/cart/items/{item_id}", headers=as_customer)
    assert response.status_code == 200 and response.get_json()["items"] == []
    assert_problem(client.delete(f"/api/cart/items/{item_id}", headers=as_customer), 404)


def test_another_customers_line_is_404(client, as_customer, other_customer_headers, make_product):
    product = make_product()
    item_id = add(client, as_customer, product.id, 1).get_json()["items"][0]["id"]
    url = f"/api/cart/items/{item_id}"
    assert_problem(client.put(url, json={"quantity": 2}, headers=other_customer_headers), 404)
    assert_problem(client.delete(url, headers=other_customer_headers), 404)
    assert client.get("/api/cart", headers=as_customer).get_json()["item_count"] == 1


def test_clear_cart(client, as_customer, make_product):
    add(client, as_customer, make_product().id, 1)
    response = client.delete("/api/cart", headers=as_customer)
    assert response.status_code == 204 and response.get_data() == b""
    assert client.get("/api/cart", headers=as_customer).get_json()["items"] == []


def test_cart_is_for_customers_only(client, as_admin, make_product):
    product = make_product()
    assert_problem(client.get("/api/cart"), 401)
    for method, url, body in [
        ("get", "/api/cart", None),
        ("post", "/api/cart/items", {"product_id": product.id, "quantity": 1}),
        ("put", "/api/cart/items/1", {"quantity": 1}),
        ("delete", "/api/cart/items/1", None),
        ("delete", "/api/cart", None),
    ]:
        assert_problem(getattr(client, method)(url, json=body, headers=as_admin), 403)
