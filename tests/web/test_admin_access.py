"""Every route under /admin: guests go to login, customers get 403, admins get in.

The routes come from the URL map, so a route added later is checked without
anyone remembering to list it here.
"""

from __future__ import annotations

import re

import pytest
from flask_login.utils import _create_identifier

from storefront import create_app
from storefront.services import cart, discounts, images, orders, outbox, shipping
from tests.conftest import base_config
from tests.gallery_helpers import uploads


def log_in(client, user) -> None:
    """What Flask-Login's login_user leaves in the session, set directly."""
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_id"] = identifier


def _admin_rules():
    app = create_app(base_config("sqlite://", "/nonexistent"))
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.rule == "/admin" or rule.rule.startswith("/admin/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                rules.append(pytest.param(rule.rule, method, id=f"{method} {rule.rule}"))
    return rules


ADMIN_RULES = _admin_rules()


@pytest.fixture
def records(app, make_user, make_product):
    """Real records for every kind of id an admin URL takes."""
    shopper = make_user("customer", email="buyer@example.com")
    product = make_product(stock=5)
    cart.add_to_cart(shopper.id, product.id, 1)
    order = orders.place_order(shopper.id, "1 Test Road").order
    message_id = outbox.list_messages().items[0].id  # the order's confirmation
    method = shipping.create_method({"name": "Standard", "fee": "60.00"})
    code = discounts.create_code({"code": "SAVE", "kind": "fixed", "value": "1"})
    (image,) = images.add_images(product.id, uploads(1))
    return {
        "product_id": product.id,
        "image_id": image.id,
        "order_id": order.id,
        "user_id": shopper.id,
        "message_id": message_id,
        "method_id": method.id,
        "code_id": code.id,
        "category_id": product.category_id,
    }


def _url(rule: str, records: dict) -> str:
    url = rule
    for name, value in records.items():
        url = url.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
    assert "<" not in url, f"no test record for an argument of {rule}: add one to `records`"
    return url


def test_the_url_map_has_admin_routes():
    # A guard against the walk below silently testing nothing.
    rules = {p.values[0] for p in ADMIN_RULES}
    assert {"/admin/", "/admin/products", "/admin/orders/<int:order_id>"} <= rules
    assert len(ADMIN_RULES) >= 15


@pytest.mark.parametrize(("rule", "method"), ADMIN_RULES)
def test_a_guest_is_sent_to_login(client, records, rule, method):
    url = _url(rule, records)
    response = client.open(url, method=method)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/login")
    answers_get = any(
        r.rule == rule and "GET" in r.methods for r in client.application.url_map.iter_rules()
    )
    if answers_get:
        assert "next=" in location
    else:
        # A POST-only URL is no place to come back to after logging in.
        assert location == "/login"


def test_a_guest_posting_from_an_admin_page_comes_back_to_that_page(client, records):
    order_url = f"/admin/orders/{records['order_id']}"
    response = client.post(
        f"{order_url}/status",
        data={"status": "processing"},
        headers={"Referer": f"http://localhost{order_url}"},
    )
    assert response.status_code == 302
    order_id = records["order_id"]
    assert response.headers["Location"] == f"/login?next=%2Fadmin%2Forders%2F{order_id}"


@pytest.mark.parametrize(("rule", "method"), ADMIN_RULES)
def test_a_customer_is_refused_with_403(client, customer, records, rule, method):
    log_in(client, customer)
    response = client.open(_url(rule, records), method=method)
    assert response.status_code == 403


@pytest.mark.parametrize("rule", sorted({p.values[0] for p in ADMIN_RULES if p.values[1] == "GET"}))
def test_an_admin_can_open_every_admin_page(client, admin, records, rule):
    log_in(client, admin)
    response = client.get(_url(rule, records))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    if rule.endswith(".csv"):  # a download, not a page
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        return
    assert 'class="admin' in body  # marked as the back office
    assert "style=" not in body
    assert "<script>" not in body and " on" + "click=" not in body


def test_a_post_without_csrf_token_is_refused(make_app, make_user):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from storefront.services import accounts

        boss = accounts.register("boss@example.com", "admin-pass-123", role="admin")
        victim = accounts.register("victim@example.com", "customer-pass-123")
        client = app.test_client()
        log_in(client, boss)
        response = client.post(f"/admin/users/{victim.id}/deactivate")
        assert response.status_code == 400
        assert accounts.get_user(victim.id).is_active


def test_a_deactivated_admin_is_logged_out_of_the_back_office(client, make_user):
    from storefront.services import accounts

    other = make_user("admin")
    log_in(client, other)
    assert client.get("/admin/").status_code == 200
    accounts.deactivate_user(other.id)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


MISSING = 999_999_999


@pytest.mark.parametrize(("rule", "method"), [p for p in ADMIN_RULES if "<int:" in p.values[0]])
def test_an_id_that_names_nothing_is_the_404_page(client, admin, rule, method):
    """Every admin URL with an id: a record that does not exist (deleted in another tab,
    a mistyped address) is the shop's 404 page, whichever service found it missing."""
    log_in(client, admin)
    missing = {name: MISSING for name in re.findall(r"<int:(\w+)>", rule)}
    # What the pages' buttons send (CSRF is off here): each form is valid but for its id.
    status = "paid" if rule.endswith("/payment") else "processing"
    data = {"direction": "up", "new_status": status} if method == "POST" else None
    response = client.open(_url(rule, missing), method=method, data=data)
    if rule == "/admin/mail/<int:message_id>/retry":
        # A button on the mail list: it says so there rather than leaving the list.
        assert response.status_code == 302
        assert "Not retried" in client.get(response.headers["Location"]).get_data(as_text=True)
        return
    assert response.status_code == 404, response.get_data(as_text=True)[:500]
    assert "couldn’t find that page" in response.get_data(as_text=True)
