"""An admin marks an order paid, then cancels it, and sees it is to refund; the
shopper chose bank transfer at checkout."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from storefront.services import accounts, cart, catalog, orders
from tests.browser.conftest import log_in
from tests.conftest import ADMIN_PASSWORD, CUSTOMER_PASSWORD

pytestmark = pytest.mark.browser


def _order() -> int:
    accounts.create_admin("boss@example.com", ADMIN_PASSWORD, "Boss")
    shopper = accounts.register("sumi@example.com", CUSTOMER_PASSWORD, "Sumi")
    lamp = catalog.create_product(name="Desk Lamp", price=Decimal("900.00"), stock_quantity=4)
    cart.add_to_cart(shopper.id, lamp.variants[0].id, 1)
    return orders.place_order(shopper.id, "1 Road", payment_method="bank_transfer").order.id


def test_an_admin_marks_an_order_paid_then_cancels_it_and_sees_to_refund(page, in_app):
    order_id = in_app(_order)
    log_in(page, "boss@example.com", ADMIN_PASSWORD)
    page.goto(f"/admin/orders/{order_id}")
    payment = page.get_by_test_id("payment")
    expect(payment).to_contain_text("Bank transfer")
    expect(page.get_by_test_id("payment-status")).to_have_text("Unpaid")
    payment.get_by_role("button", name="Mark paid").click()
    expect(page.get_by_text(f"Order #{order_id} is marked paid.")).to_be_visible()
    expect(page.get_by_test_id("payment-status")).to_have_text("Paid")
    expect(page.get_by_test_id("payment")).to_contain_text("by Boss")
    page.get_by_role("button", name="Cancel order and restock").click()
    page.get_by_role("button", name=re.compile("Yes, cancel and restock")).click()
    expect(page.get_by_test_id("refund-due")).to_have_text("To refund")
    page.get_by_test_id("payment").get_by_role("button", name="Mark refunded").click()
    expect(page.get_by_test_id("payment-status")).to_have_text("Refunded")
    expect(page.get_by_test_id("refund-due")).to_have_count(0)
