"""The forbidden and the bad: CSRF, login-required pages, error pages."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storefront import create_app
from storefront.extensions import db
from storefront.models import CartItem, Order
from storefront.services import cart
from tests.conftest import CUSTOMER_PASSWORD, base_config
from tests.web.conftest import csrf_token_from

# Every page of these blueprints needs a logged-in customer, but for guest checkout and
# a guest order's signed link (tests/web/test_guest_checkout_pages.py).
LOGIN_REQUIRED_BLUEPRINTS = ("checkout", "orders", "account")
OPEN_TO_GUESTS = ("checkout.checkout", "checkout.place_order", "orders.guest_detail")


def _login_required_routes():
    app = create_app(base_config("sqlite://", "/nonexistent"))
    params = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.split(".")[0]
        if blueprint in LOGIN_REQUIRED_BLUEPRINTS and rule.endpoint not in OPEN_TO_GUESTS:
            url = rule.rule.replace("<int:order_id>", "1").replace("<int:address_id>", "1")
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                params.append(pytest.param(method, url, id=f"{method} {rule.rule}"))
    return params


LOGIN_REQUIRED = _login_required_routes()


def test_the_walk_covers_the_shoppers_private_pages():
    walked = {(p.values[0], p.values[1]) for p in LOGIN_REQUIRED}
    assert {("GET", "/orders"), ("POST", "/orders/claim")} <= walked
    assert {("GET", "/orders/1"), ("POST", "/orders/1/cancel"), ("POST", "/account")} <= walked
    assert ("GET", "/orders/1/cancel") in walked


@pytest.mark.parametrize(("method", "url"), LOGIN_REQUIRED)
def test_guests_are_sent_to_login(client, method, url):
    response = client.open(url, method=method)
    assert response.status_code == 302
    # A POST with no page it came from returns to its own URL: each one here
    # answers GET too (the cancel's is its confirmation page).
    assert response.headers["Location"].startswith("/login?next=")


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/login", {"email": "shopper@example.com", "password": CUSTOMER_PASSWORD}),
        ("/register", {"email": "n@example.com", "password": "x" * 9, "confirm_password": "x" * 9}),
        ("/cart/add", {"product_id": "1", "quantity": "1"}),
        ("/cart/clear", {}),
        ("/logout", {}),
    ],
)
def test_a_post_without_a_csrf_token_is_refused(csrf_app, url, data):
    with csrf_app.app_context():
        from storefront.services import accounts

        accounts.register("shopper@example.com", CUSTOMER_PASSWORD)
    client = csrf_app.test_client()
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_checkout_and_cancel_without_a_csrf_token_change_nothing(csrf_app):
    with csrf_app.app_context():
        from storefront.services import accounts, catalog

        user = accounts.register("shopper@example.com", CUSTOMER_PASSWORD)
        product = catalog.create_product("Lamp", "10.00", stock_quantity=5)
        cart.add_to_cart(user.id, product.id, 1)
        user_id = user.id
    client = csrf_app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"email": "shopper@example.com", "password": CUSTOMER_PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 303  # with its token the form works
    assert client.post("/checkout", data={"line1": "1 Road"}).status_code == 400
    assert client.post("/cart/clear").status_code == 400
    assert client.post("/account/addresses/new", data={"line1": "1 Road"}).status_code == 400
    with csrf_app.app_context():
        from storefront.services import addresses

        saved = addresses.add_address(
            user_id,
            {"full_name": "A", "phone": "+8801712345678", "line1": "1 Road", "city": "Dhaka"},
        )
        saved_id = saved.id
    for action in ("default", "delete"):
        assert client.post(f"/account/addresses/{saved_id}/{action}").status_code == 400
    with csrf_app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 0
        assert db.session.scalar(select(func.count(CartItem.id))) == 1
        assert len(addresses.list_addresses(user_id)) == 1


def test_a_customer_sees_the_cart_and_orders_of_nobody_else(client, make_user, make_product):
    other = make_user()
    cart.add_to_cart(other.id, make_product(name="Secret Thing").id, 1)
    html = client.get("/cart").get_data(as_text=True)
    assert "Secret Thing" not in html


def test_error_pages_use_the_layout(client):
    html = client.get("/no/such/page").get_data(as_text=True)
    assert 'class="site-header"' in html and html.count("<h1") == 1
    assert client.post("/products").status_code == 405


def test_an_unexpected_error_shows_a_friendly_page_with_a_reference(make_app):
    app = make_app(new_app=True)  # a route of its own

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom-for-test")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in html and "secret detail" not in html
    assert response.headers["X-Request-ID"] in html
