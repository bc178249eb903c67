"""A guest buys with an address and a shipping method, without an account, and
reaches the order through its link (on the page and in the email)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Order, OutboxMessage
from storefront.services import catalog, shipping
from tests.browser.conftest import fill_address, save_screenshots

pytestmark = pytest.mark.browser


def _shop() -> dict:
    shipping.create_method({"name": "Standard", "fee": "60.00"})
    shipping.create_method({"name": "Express", "fee": "150.00"})
    kettle = catalog.create_product(name="Brass Kettle", price=Decimal("850.00"), stock_quantity=3)
    return {"id": kettle.id, "slug": kettle.slug}


def _the_order() -> dict:
    order = db.session.scalar(select(Order))
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "order_placed"))
    return {
        "email": order.guest_email,
        "user": order.user_id,
        "total": order.total_amount,
        "shipping": order.shipping_method,
        "mailed_to": mail.to_address,
        "mail": mail.text_body,
    }


def test_a_guest_buys_and_reaches_the_order_through_its_link(page, in_app):
    kettle = in_app(_shop)
    page.goto(f"/products/{kettle['id']}-{kettle['slug']}")
    page.get_by_role("button", name="Add to cart").click()
    page.goto("/cart")
    page.get_by_role("link", name="Check out as a guest").click()
    expect(page.get_by_test_id("guest-checkout")).to_be_visible()
    page.get_by_label("Email").fill("rina@example.com")
    fill_address(page, "Flat 2, Lake Road", full_name="Rina Guest")
    page.get_by_test_id("shipping-choice").get_by_label(re.compile("^Express")).check()
    page.get_by_role("button", name="Update the total").click()
    expect(page.get_by_label("Email")).to_have_value("rina@example.com")
    save_screenshots(page, "shop-guest-checkout")
    page.get_by_role("button", name=re.compile(r"^Place order · BDT 1,000\.00")).click()
    expect(page).to_have_url(re.compile(r"/orders/guest/[^/]+$"))
    expect(page.get_by_test_id("guest-link")).to_contain_text("rina@example.com")
    link = page.url
    order = in_app(_the_order)
    assert order["email"] == "rina@example.com" and order["user"] is None
    assert order["total"] == Decimal("1000.00") and order["shipping"] == "Express"
    assert order["mailed_to"] == "rina@example.com"
    assert link.split("127.0.0.1")[-1].split(":", 1)[-1].split("/", 1)[-1] in order["mail"]
    # The link alone opens the order, in another browser with no session.
    other = page.context.browser.new_context(base_url=page.url.split("/orders")[0])
    try:
        again = other.new_page()
        again.goto(link)
        expect(again.get_by_role("heading", name=re.compile(r"^Order #\d+"))).to_be_visible()
        expect(again.get_by_text("Brass Kettle")).to_be_visible()
    finally:
        other.close()
