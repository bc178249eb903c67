"""POST /api/products/{id}/stock-alerts: anyone, for an out-of-stock product."""

from __future__ import annotations

from storefront.services import stock_alerts
from tests.api.conftest import assert_problem, error_fields


def test_anyone_subscribes_and_twice_is_the_same_answer(client, make_product):
    product = make_product(stock=0)
    url = f"/api/products/{product.id}/stock-alerts"
    for _ in range(2):
        response = client.post(url, json={"email": "guest@example.com"})
        assert response.status_code == 202 and response.get_data() == b""
    assert stock_alerts.waiting_count(product.id) == 1


def test_a_signed_in_customer_may_leave_out_the_email(client, as_customer, make_product):
    product = make_product(stock=0)
    url = f"/api/products/{product.id}/stock-alerts"
    assert client.post(url, json={}, headers=as_customer).status_code == 202
    assert error_fields(client.post(url, json={})) == {"email"}
    assert stock_alerts.waiting_count(product.id) == 1


def test_in_stock_is_409_and_unknown_is_404(client, make_product):
    product = make_product(stock=2)
    body = {"email": "guest@example.com"}
    assert_problem(client.post(f"/api/products/{product.id}/stock-alerts", json=body), 409)
    archived = make_product(stock=0, active=False)
    assert_problem(client.post(f"/api/products/{archived.id}/stock-alerts", json=body), 404)
    assert_problem(client.post("/api/products/999999/stock-alerts", json=body), 404)
    assert error_fields(
        client.post(f"/api/products/{archived.id}/stock-alerts", json={"email": "x"})
    ) == {"email"}
