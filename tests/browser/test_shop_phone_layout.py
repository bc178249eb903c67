"""The shopper's pages at phone width: nothing wider than the screen, and an
amount never split across two lines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from storefront.services import accounts, cart, catalog, categories, orders
from tests.browser.conftest import PHONE, assert_accessible, log_in, save_screenshot
from tests.conftest import CUSTOMER_PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "phone@example.com"


def _an_order_and_a_cart() -> int:
    user = accounts.register(EMAIL, CUSTOMER_PASSWORD, "Phone Shopper")
    kettle = catalog.create_product(
        name="Cotton T-Shirt",
        price=Decimal("2002.95"),
        stock_quantity=20,
        category_id=categories.ensure_category("Clothing").id,
    )
    lamp = catalog.create_product(
        name="Rain Jacket",
        price=Decimal("1269.43"),
        stock_quantity=20,
        category_id=categories.ensure_category("Clothing").id,
    )
    cart.add_to_cart(user.id, kettle.id, 3)
    cart.add_to_cart(user.id, lamp.id, 1)
    order = orders.place_order(user.id, "House 5, Road 2\nDhaka 1205").order
    cart.add_to_cart(user.id, kettle.id, 3)
    return order.id


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _one_line(locator) -> bool:
    """True when the element's amount (its last text) takes a single line."""
    return locator.evaluate(
        "e => { const t = [...e.childNodes].filter(n => n.nodeType === 3 && n.data.trim()).pop();"
        " const r = document.createRange(); r.selectNodeContents(t);"
        " const tops = [...r.getClientRects()].map(c => Math.round(c.top));"
        " return tops.length > 0 && new Set(tops).size === 1; }"
    )


def test_a_long_unbroken_search_stays_within_a_phone_screen(page):
    page.set_viewport_size(PHONE)
    page.goto("/products?q=" + "verylongword" * 16)  # 192 characters, no space
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results for")
    assert _page_width(page) <= PHONE["width"]
    page.goto("/products?q=" + "verylongword" * 30)  # refused: over 200 characters
    expect(page.get_by_text("Use at most 200 characters.").first).to_be_visible()
    assert _page_width(page) <= PHONE["width"]
    save_screenshot(page, "shop-long-search-phone")


def test_the_order_page_fits_a_phone_and_shows_quantity_and_price(page, in_app):
    order_id = in_app(_an_order_and_a_cart)
    log_in(page, EMAIL, CUSTOMER_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"/orders/{order_id}")
    assert _page_width(page) <= PHONE["width"]
    row = page.get_by_test_id("order-item").first
    expect(row).to_contain_text("3 × BDT 2,002.95")
    expect(row).to_contain_text("BDT 6,008.85")
    expect(page.get_by_test_id("order-total")).to_be_visible()
    assert_accessible(page)
    save_screenshot(page, "shop-order-phone")


def test_amounts_are_never_split_across_lines_on_a_phone(page, in_app):
    in_app(_an_order_and_a_cart)
    log_in(page, EMAIL, CUSTOMER_PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto("/cart")
    for total in page.locator(".cart-line-total").all():
        assert _one_line(total), total.inner_text()
    page.goto("/checkout")
    assert _page_width(page) <= PHONE["width"]
    for line in page.get_by_test_id("summary-line").all():
        assert _one_line(line.locator("span").last), line.inner_text()
    save_screenshot(page, "shop-checkout-phone")
