"""POST /api/guest-orders and GET /api/guest-orders/{token}."""

from __future__ import annotations

from tests.api.test_addresses import ADDRESS as API_ADDRESS


def _order(client, variant_id, quantity=1, **changes):
    body = {
        "email": "guest@example.com",
        "items": [{"variant_id": variant_id, "quantity": quantity}],
        "address": API_ADDRESS,
        **changes,
    }
    return client.post("/api/guest-orders", json=body)


def test_a_guest_orders_and_reads_the_order_by_its_key(client, make_product):
    mug = make_product(price="12.50", stock=5)
    response = _order(client, mug.variants[0].id, 2)
    assert response.status_code == 201
    body = response.get_json()
    assert body["order"]["guest_email"] == "guest@example.com"
    assert body["order"]["user_id"] is None and body["order"]["total_amount"] == "25.00"
    assert body["order_url"] == f"/orders/guest/{body['token']}"
    again = client.get(f"/api/guest-orders/{body['token']}")
    assert again.status_code == 200 and again.get_json()["id"] == body["order"]["id"]
    assert client.get("/api/guest-orders/forged").status_code == 404


def test_refusals_are_problems(client, make_product):
    mug = make_product(stock=1)
    short = _order(client, mug.variants[0].id, 2)
    assert short.status_code == 409 and short.content_type == "application/problem+json"
    assert short.get_json()["shortages"][0]["available"] == 1
    bad = _order(client, mug.variants[0].id, email="nope")
    assert bad.status_code == 422 and bad.content_type == "application/problem+json"
    empty = _order(client, mug.variants[0].id, items=[])
    assert empty.status_code == 422


def test_an_idempotency_key_replays_the_guests_order(client, make_product):
    mug = make_product(stock=5)
    headers = {"Idempotency-Key": "guest-key-1"}
    body = {
        "email": "guest@example.com",
        "items": [{"variant_id": mug.variants[0].id, "quantity": 1}],
        "address": API_ADDRESS,
    }
    first = client.post("/api/guest-orders", json=body, headers=headers)
    second = client.post("/api/guest-orders", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.get_json()["order"]["id"] == second.get_json()["order"]["id"]


def test_an_admin_marks_an_order_paid_then_refunded(client, as_admin, as_customer, make_product):
    mug = make_product(stock=5)
    order = _order(client, mug.variants[0].id, payment_method="bank_transfer").get_json()["order"]
    assert (order["payment_method"], order["payment_status"]) == ("bank_transfer", "unpaid")
    url = f"/api/orders/{order['id']}/payment"
    assert client.put(url, json={"status": "paid"}).status_code == 401
    assert client.put(url, json={"status": "paid"}, headers=as_customer).status_code == 403
    paid = client.put(url, json={"status": "paid"}, headers=as_admin)
    assert paid.status_code == 200 and paid.get_json()["payment_status"] == "paid"
    again = client.put(url, json={"status": "paid"}, headers=as_admin)
    assert again.status_code == 409 and again.get_json()["code"] == "invalid_payment_change"
    cancel = client.put(
        f"/api/orders/{order['id']}/status", json={"status": "cancelled"}, headers=as_admin
    )
    assert cancel.get_json()["refund_due"] is True
    refunded = client.put(url, json={"status": "refunded"}, headers=as_admin).get_json()
    assert refunded["refund_due"] is False
    assert [c["to_status"] for c in refunded["payment_history"]] == ["paid", "refunded"]
    bad = client.put(url, json={"status": "lost"}, headers=as_admin)
    assert bad.status_code == 422
