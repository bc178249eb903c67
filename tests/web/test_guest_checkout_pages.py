"""Guest checkout on the pages: from the cart to the order's page through its link."""

from __future__ import annotations

import re

from storefront.extensions import db
from storefront.models import Order
from tests.web.conftest import ADDRESS_FORM


def _checkout_form(client, **changes) -> dict:
    page = client.get("/checkout").get_data(as_text=True)
    fields = dict(
        re.findall(r'name="(csrf_token|idempotency_key|expected_total)"[^>]*value="([^"]*)"', page)
    )
    return {**fields, **ADDRESS_FORM, "email": "guest@example.com", **changes}


def test_a_guest_checks_out_and_reaches_the_order_through_its_link(client, make_product):
    mug = make_product(name="Mug", price="12.50", stock=5)
    client.post("/cart/add", data={"product_id": mug.id, "quantity": 2})
    page = client.get("/checkout")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="guest-checkout"' in html and 'name="email"' in html
    assert "Save this address" not in html
    response = client.post("/checkout", data=_checkout_form(client))
    assert response.status_code == 303
    link = response.headers["Location"]
    assert link.startswith("/orders/guest/")
    order_page = client.get(link)
    assert order_page.status_code == 200
    assert order_page.headers["Cache-Control"] == "private, no-store"
    body = order_page.get_data(as_text=True)
    assert "guest@example.com" in body and "Mug" in body and "BDT 25.00" in body
    assert client.get("/cart").get_data(as_text=True).count('data-testid="cart-line"') == 0
    order = db.session.query(Order).one()
    assert order.guest_email == "guest@example.com" and order.user_id is None


def test_a_bad_email_is_refused_keeping_what_was_typed(client, make_product):
    mug = make_product(stock=5)
    client.post("/cart/add", data={"product_id": mug.id, "quantity": 1})
    response = client.post("/checkout", data=_checkout_form(client, email="nobody-at-all"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="nobody-at-all"' in html and 'value="House 7, Road 3"' in html
    assert db.session.query(Order).count() == 0


def test_a_guest_with_an_empty_cart_is_sent_back_to_it(client):
    response = client.get("/checkout")
    assert response.status_code == 302 and response.headers["Location"].endswith("/cart")


def test_a_forged_order_link_is_404(client):
    assert client.get("/orders/guest/not-a-real-key").status_code == 404


def test_guest_orders_join_the_account_after_a_link_sent_to_its_email(
    client, customer, make_product
):
    from storefront.models import OutboxMessage
    from storefront.services import orders
    from tests.unit.test_guest_checkout import ADDRESS
    from tests.web.conftest import log_in_with_form

    mug = make_product(stock=5)
    orders.place_guest_order(customer.email, {mug.variants[0].id: 1}, address=ADDRESS)
    orders.place_guest_order("someone-else@example.com", {mug.variants[0].id: 1}, address=ADDRESS)
    log_in_with_form(client, customer.email)
    page = client.get("/orders").get_data(as_text=True)
    assert 'data-testid="guest-orders-waiting"' in page and "1 order was placed as a guest" in page
    assert client.post("/orders/claim").status_code == 303
    mail = db.session.query(OutboxMessage).filter_by(kind="claim_guest_orders").one()
    assert mail.to_address == customer.email
    link = re.search(r"https?://[^\s]+(/orders/claim/\S+)", mail.text_body).group(1)
    confirm = client.get(link)
    assert confirm.status_code == 200 and "Add it to my account" in confirm.get_data(as_text=True)
    assert db.session.query(Order).filter_by(user_id=customer.id).count() == 0  # GET: nothing
    done = client.post(link)
    assert done.status_code == 303
    assert db.session.query(Order).filter_by(user_id=customer.id).count() == 1
    assert db.session.query(Order).filter(Order.user_id.is_(None)).count() == 1  # not theirs
    assert "1 guest order added" in client.get("/orders").get_data(as_text=True)


def test_a_claim_link_for_another_account_joins_nothing(client, customer, make_user, make_product):
    from storefront.services import orders
    from tests.unit.test_guest_checkout import ADDRESS
    from tests.web.conftest import log_in_with_form

    mug = make_product(stock=5)
    orders.place_guest_order(customer.email, {mug.variants[0].id: 1}, address=ADDRESS)
    other = make_user(email="other@example.com")
    token = orders._claim_signer().dumps({"user": customer.id, "email": customer.email})
    log_in_with_form(client, other.email)
    response = client.post(f"/orders/claim/{token}")
    assert response.status_code == 303
    assert db.session.query(Order).filter(Order.user_id.is_(None)).count() == 1


def test_the_admin_sees_guest_orders_in_the_list_and_finds_them_by_email(
    client, admin, make_product
):
    from storefront.services import orders
    from tests.unit.test_guest_checkout import ADDRESS
    from tests.web.test_admin_access import log_in

    mug = make_product(stock=5)
    order = orders.place_guest_order(
        "rina@example.com", {mug.variants[0].id: 1}, address=ADDRESS
    ).order
    log_in(client, admin)
    listing = client.get("/admin/orders?customer=rina@").get_data(as_text=True)
    assert "rina@example.com" in listing and "Guest" in listing
    page = client.get(f"/admin/orders/{order.id}").get_data(as_text=True)
    assert "rina@example.com" in page and "Rina Guest" in page
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200


def test_a_guests_discount_preview_counts_their_earlier_orders_by_email_in_any_case(
    client, make_product
):
    from storefront.services import discounts, orders
    from tests.unit.test_guest_checkout import ADDRESS

    mug = make_product(price="100.00", stock=5)
    discounts.create_code(
        {"code": "ONCE", "kind": "percent", "value": "10", "per_customer_limit": 1}
    )
    orders.place_guest_order(
        "rina@example.com", {mug.variants[0].id: 1}, address=ADDRESS, discount_code="ONCE"
    )
    client.post("/cart/add", data={"product_id": mug.id, "quantity": 1})
    page = client.post(
        "/checkout",
        data=_checkout_form(client, email=" Rina@Example.COM ", discount_code="once", review="y"),
    )
    assert "as many times as it allows" in page.get_data(as_text=True)


def test_guest_checkouts_from_one_address_are_limited_as_logins_are(make_app, make_product):
    """A guest order mails an address anyone may type: counted per client address."""
    client = make_app(
        RATELIMIT_ENABLED=True, RATELIMIT_AUTH_PER_ADDRESS="2 per minute"
    ).test_client()
    mug = make_product(name="Mug", price="12.50", stock=10)
    for n in range(2):
        client.post("/cart/add", data={"product_id": mug.id, "quantity": 1})
        placed = client.post("/checkout", data=_checkout_form(client, email=f"g{n}@example.com"))
        assert placed.status_code == 303
    client.post("/cart/add", data={"product_id": mug.id, "quantity": 1})
    refused = client.post("/checkout", data=_checkout_form(client, email="g3@example.com"))
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "Too many orders placed as a guest" in refused.get_data(as_text=True)
    db.session.rollback()
    assert db.session.query(Order).count() == 2
    assert client.get("/cart").get_data(as_text=True).count('data-testid="cart-line"') == 1
