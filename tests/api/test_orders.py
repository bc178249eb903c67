"""/api/orders: checkout, idempotency, the status machine and who sees what."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from storefront.services import catalog
from tests.api.conftest import assert_problem, error_fields

ORDER_KEYS = {
    "id", "user_id", "status", "total_amount", "shipping_address", "note", "items",
    "status_history", "created_at", "updated_at", "tracking_number", "subtotal",
    "discount_amount", "shipping_fee", "address", "shipping_method", "discount_code",
    "guest_email", "payment_method", "payment_status", "payment_history", "refund_due",
}  # fmt: skip


@pytest.fixture
def filled_cart(client, as_customer, make_product):
    mug = make_product(name="Mug", price="2.50", stock=5)
    pot = make_product(name="Pot", price="10.00", stock=1)
    for product, quantity in ((mug, 2), (pot, 1)):
        response = client.post(
            "/api/cart/items",
            json={"product_id": product.id, "quantity": quantity},
            headers=as_customer,
        )
        assert response.status_code == 201
    return mug, pot


def checkout(client, headers, key=None, **body):
    body.setdefault("shipping_address", "12 Lake Road")
    if key:
        headers = {**headers, "Idempotency-Key": key}
    return client.post("/api/orders", json=body, headers=headers)


def test_checkout_places_the_order(client, as_customer, customer, filled_cart):
    response = checkout(client, as_customer, note="Ring twice")
    assert response.status_code == 201
    order = response.get_json()
    assert set(order) == ORDER_KEYS
    assert response.headers["Location"] == f"/api/orders/{order['id']}"
    assert (order["status"], order["total_amount"], order["user_id"]) == (
        "pending", "15.00", customer.id
    )  # fmt: skip
    assert order["note"] == "Ring twice"
    lines = [
        (i["product_name"], i["quantity"], i["price_at_time"], i["line_total"])
        for i in order["items"]
    ]
    assert lines == [("Mug", 2, "2.50", "5.00"), ("Pot", 1, "10.00", "10.00")]
    assert order["status_history"][0]["from_status"] is None
    assert order["status_history"][0]["to_status"] == "pending"
    assert re.match(r".*\+00:00$", order["status_history"][0]["changed_at"])
    assert client.get("/api/cart", headers=as_customer).get_json()["items"] == []


@pytest.mark.postgres_only
def test_a_checkout_is_one_transaction_from_the_token_to_the_commit(
    client, as_customer, filled_cart
):
    """The token's check and the order share one transaction: no ROLLBACK and BEGIN
    between them (two round trips of a checkout), and the confirmation mail is queued
    without a SAVEPOINT of its own (two more)."""
    from tests.web.conftest import count_queries

    with count_queries() as statements:
        response = checkout(client, as_customer, key="one-transaction")
    assert response.status_code == 201
    assert len(statements.began_transaction) == 1, statements.began_transaction
    assert "token_families" in statements.began_transaction[0]
    assert not [s for s in statements if "SAVEPOINT" in s.upper()], statements
    assert any(s.startswith("INSERT INTO outbox_messages") for s in statements)


def test_idempotency_key_replays_the_same_order(client, as_customer, filled_cart):
    first = checkout(client, as_customer, key="order-abc")
    again = checkout(client, as_customer, key="order-abc")
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    other_body = checkout(client, as_customer, key="order-abc", shipping_address="Elsewhere")
    assert_problem(other_body, 409, "idempotency_key_reused")


def test_idempotency_key_is_checked(client, as_customer, filled_cart):
    assert error_fields(checkout(client, as_customer, key="k" * 256)) == {"Idempotency-Key"}


def test_checkout_with_an_empty_cart_is_409(client, as_customer):
    assert_problem(checkout(client, as_customer), 409, "empty_cart")


def test_checkout_short_of_stock_is_409_naming_every_product(client, as_customer, filled_cart):
    mug, pot = filled_cart
    catalog.update_product(mug.id, stock_quantity=1)
    catalog.update_product(pot.id, stock_quantity=0)
    body = assert_problem(checkout(client, as_customer), 409, "out_of_stock")
    short = sorted((s["product_name"], s["requested"], s["available"]) for s in body["shortages"])
    assert short == [("Mug", 2, 1), ("Pot", 1, 0)]


def test_checkout_with_an_archived_product_is_409(client, as_customer, filled_cart):
    catalog.archive_product(filled_cart[1].id)
    body = assert_problem(checkout(client, as_customer), 409, "product_unavailable")
    assert body["products"] == [{"product_id": filled_cart[1].id, "product_name": "Pot"}]


def test_checkout_needs_an_address(client, as_customer, filled_cart):
    assert error_fields(client.post("/api/orders", json={}, headers=as_customer)) == {
        "shipping_address"
    }
    assert error_fields(checkout(client, as_customer, shipping_address="   ")) == {
        "shipping_address"
    }


def test_my_orders_and_the_owner_reads_an_order(client, as_customer, filled_cart):
    order = checkout(client, as_customer).get_json()
    mine = client.get("/api/orders/my-orders", headers=as_customer).get_json()
    assert [o["id"] for o in mine["items"]] == [order["id"]] and mine["total"] == 1
    assert (
        client.get("/api/orders/my-orders?status=shipped", headers=as_customer).get_json()["items"]
        == []
    )
    assert error_fields(client.get("/api/orders/my-orders?status=lost", headers=as_customer)) == {
        "status"
    }
    assert client.get(f"/api/orders/{order['id']}", headers=as_customer).get_json() == order


def test_another_customers_order_is_404(client, as_customer, other_customer_headers, filled_cart):
    order_id = checkout(client, as_customer).get_json()["id"]
    assert_problem(client.get(f"/api/orders/{order_id}", headers=other_customer_headers), 404)
    assert_problem(client.delete(f"/api/orders/{order_id}", headers=other_customer_headers), 404)
    assert_problem(client.get("/api/orders/424242", headers=as_customer), 404)


def test_admin_lists_reads_and_moves_orders(client, as_customer, as_admin, customer, filled_cart):
    order_id = checkout(client, as_customer).get_json()["id"]
    page = client.get(f"/api/orders?user_id={customer.id}&status=pending", headers=as_admin)
    assert [o["id"] for o in page.get_json()["items"]] == [order_id]
    assert client.get(f"/api/orders/{order_id}", headers=as_admin).status_code == 200
    url = f"/api/orders/{order_id}/status"
    assert_problem(
        client.put(url, json={"status": "delivered"}, headers=as_admin), 409, "invalid_transition"
    )
    assert error_fields(client.put(url, json={"status": "lost"}, headers=as_admin)) == {"status"}
    for status in ("processing", "shipped"):
        response = client.put(url, json={"status": status}, headers=as_admin)
        assert response.status_code == 200 and response.get_json()["status"] == status
    history = response.get_json()["status_history"]
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "pending"), ("pending", "processing"), ("processing", "shipped")
    ]  # fmt: skip
    # Too late to cancel once shipped, for the owner and the admin alike.
    assert_problem(client.delete(f"/api/orders/{order_id}", headers=as_customer), 409)
    assert_problem(client.delete(f"/api/orders/{order_id}", headers=as_admin), 409)
    assert_problem(
        client.put("/api/orders/424242/status", json={"status": "shipped"}, headers=as_admin), 404
    )


def test_owner_cancels_before_shipping_and_stock_returns(
    client, as_customer, filled_cart, as_admin
):
    mug, _ = filled_cart
    order_id = checkout(client, as_customer).get_json()["id"]
    response = client.delete(f"/api/orders/{order_id}", headers=as_customer)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert client.get(f"/api/products/{mug.id}").get_json()["stock_quantity"] == 5
    assert (
        client.get("/api/users/me", headers=as_customer).get_json()["order_cancellation_count"] == 1
    )
    assert_problem(client.delete(f"/api/orders/{order_id}", headers=as_customer), 409)


def test_admin_cancels_any_order(client, as_customer, as_admin, filled_cart):
    order_id = checkout(client, as_customer).get_json()["id"]
    response = client.delete(f"/api/orders/{order_id}", headers=as_admin)
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"


def test_order_roles(client, as_customer, as_admin):
    assert_problem(client.get("/api/orders", headers=as_customer), 403)
    assert_problem(
        client.put("/api/orders/1/status", json={"status": "shipped"}, headers=as_customer), 403
    )
    assert_problem(client.get("/api/orders/my-orders", headers=as_admin), 403)
    assert_problem(
        client.post("/api/orders", json={"shipping_address": "x"}, headers=as_admin), 403
    )
    assert_problem(client.get("/api/orders/my-orders"), 401)


def test_shipping_takes_an_optional_tracking_number_the_order_then_shows(
    client, as_customer, as_admin, filled_cart
):
    order = checkout(client, as_customer).get_json()
    assert order["tracking_number"] is None
    url = f"/api/orders/{order['id']}/status"
    not_yet = client.put(
        url, json={"status": "processing", "tracking_number": "RR1"}, headers=as_admin
    )
    assert error_fields(not_yet) == {"tracking_number"}
    assert client.put(url, json={"status": "processing"}, headers=as_admin).status_code == 200
    too_long = client.put(
        url, json={"status": "shipped", "tracking_number": "x" * 101}, headers=as_admin
    )
    assert error_fields(too_long) == {"tracking_number"}
    shipped = client.put(
        url, json={"status": "shipped", "tracking_number": "RR123456789BD"}, headers=as_admin
    )
    assert shipped.status_code == 200
    assert shipped.get_json()["tracking_number"] == "RR123456789BD"
    mine = client.get(f"/api/orders/{order['id']}", headers=as_customer).get_json()
    assert mine["tracking_number"] == "RR123456789BD"


# --- the total the client confirmed ----------------------------------------------------


def test_checkout_reports_subtotal_discount_shipping_and_total(client, as_customer, filled_cart):
    order = checkout(client, as_customer, expected_total="15.00").get_json()
    assert (order["subtotal"], order["discount_amount"], order["shipping_fee"]) == (
        "15.00", "0.00", "0.00"
    )  # fmt: skip
    assert order["total_amount"] == "15.00"


def test_a_total_other_than_the_expected_one_is_409_with_the_new_figures(
    client, as_customer, filled_cart
):
    mug, _pot = filled_cart
    catalog.update_product(mug.id, price=Decimal("3.00"))
    response = checkout(client, as_customer, expected_total="15.00")
    body = assert_problem(response, 409, "total_changed")
    assert (body["expected_total"], body["subtotal"], body["total_amount"]) == (
        "15.00", "16.00", "16.00"
    )  # fmt: skip
    assert (body["discount_amount"], body["shipping_fee"]) == ("0.00", "0.00")
    assert len(client.get("/api/cart", headers=as_customer).get_json()["items"]) == 2
    assert client.get("/api/orders/my-orders", headers=as_customer).get_json()["total"] == 0
    assert checkout(client, as_customer, expected_total=16).status_code == 201


@pytest.mark.parametrize("bad", ["-1", "1e2", "12.345", "abc", True])
def test_a_malformed_expected_total_is_422(client, as_customer, filled_cart, bad):
    response = checkout(client, as_customer, expected_total=bad)
    assert "expected_total" in error_fields(response)
