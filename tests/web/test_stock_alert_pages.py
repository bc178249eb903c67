"""The out-of-stock product page's "Email me when it's back", unsubscribing, the admin's count."""

from __future__ import annotations

from storefront.services import stock_alerts
from tests.web.test_admin_access import log_in


def product_path(product) -> str:
    return f"/products/{product.id}-{product.slug}"


def test_a_guest_gives_an_email_on_an_out_of_stock_page(client, make_product):
    product = make_product(stock=0)
    page = client.get(product_path(product)).get_data(as_text=True)
    assert "Email me when it’s back" in page and "check back later" not in page
    response = client.post(
        f"/products/{product.id}/stock-alert",
        data={"email": "guest@example.com"},
        follow_redirects=True,
    )
    assert "We will email guest@example.com once" in response.get_data(as_text=True)
    assert stock_alerts.waiting_count(product.id) == 1


def test_a_bad_email_is_kept_with_a_message(client, make_product):
    product = make_product(stock=0)
    response = client.post(f"/products/{product.id}/stock-alert", data={"email": "nope"})
    assert response.status_code == 422
    assert 'value="nope"' in response.get_data(as_text=True)
    assert stock_alerts.waiting_count(product.id) == 0


def test_a_signed_in_shopper_subscribes_with_one_click(shopper_client, customer, make_product):
    product = make_product(stock=0)
    page = shopper_client.get(product_path(product)).get_data(as_text=True)
    assert customer.email in page and 'name="email"' not in page
    response = shopper_client.post(f"/products/{product.id}/stock-alert", data={})
    assert response.status_code == 303
    assert stock_alerts.waiting_count(product.id) == 1


def test_an_in_stock_product_offers_no_alert(client, make_product):
    product = make_product(stock=3)
    assert "Email me when" not in client.get(product_path(product)).get_data(as_text=True)
    client.post(f"/products/{product.id}/stock-alert", data={"email": "guest@example.com"})
    assert stock_alerts.waiting_count(product.id) == 0


def test_one_click_unsubscribe_needs_no_csrf_token_only_the_signed_link(make_app, make_product):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        product = make_product(stock=0)
        stock_alerts.subscribe(product.id, "guest@example.com")
        token = stock_alerts.unsubscribe_token("guest@example.com")
        client = app.test_client()
        page = client.get(f"/unsubscribe/{token}")
        assert page.status_code == 200 and b"guest@example.com" in page.data
        # What a mail provider sends for RFC 8058's one click.
        response = client.post(
            f"/unsubscribe/{token}",
            data={"List-Unsubscribe": "One-Click"},
        )
        assert response.status_code == 200 and b"You are unsubscribed" in response.data
        assert stock_alerts.waiting_count(product.id) == 0
        assert client.post("/unsubscribe/forged-token").status_code == 404
        assert client.get("/unsubscribe/forged-token").status_code == 404


def test_the_admin_product_page_counts_who_is_waiting(client, admin, make_product):
    product = make_product(stock=0)
    for email in ("a@example.com", "b@example.com"):
        stock_alerts.subscribe(product.id, email)
    log_in(client, admin)
    page = client.get(f"/admin/products/{product.id}/edit").get_data(as_text=True)
    assert "2 addresses are waiting for a back-in-stock email." in page


def test_an_alert_for_a_product_that_does_not_exist_is_the_404_page(client):
    response = client.post("/products/999999/stock-alert", data={"email": "guest@example.com"})
    assert response.status_code == 404
    assert "couldn’t find that page" in response.get_data(as_text=True)
    from sqlalchemy import func, select

    from storefront.extensions import db
    from storefront.models import StockAlert

    assert db.session.scalar(select(func.count()).select_from(StockAlert)) == 0
