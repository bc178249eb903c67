"""The back office in Chromium: the admin's day, and axe on every admin page."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from PIL import Image
from playwright.sync_api import expect

from storefront.services import (
    accounts,
    cart,
    catalog,
    categories,
    orders,
)
from tests.browser.conftest import assert_accessible, save_screenshot
from tests.conftest import ADMIN_PASSWORD, CUSTOMER_PASSWORD

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "boss@example.com"
CUSTOMER_EMAIL = "shopper@example.com"


def _png(colour=(30, 120, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(out, "PNG")
    return out.getvalue()


def _log_in(page, email: str, password: str, next_path: str = "/admin/") -> None:
    page.goto(next_path)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def _set_up_shop() -> dict:
    accounts.register(ADMIN_EMAIL, ADMIN_PASSWORD, "Boss Admin", role="admin")
    shopper = accounts.register(CUSTOMER_EMAIL, CUSTOMER_PASSWORD, "Sumi Shopper")
    kettle = catalog.create_product(
        name="Steel kettle",
        price=Decimal("850.00"),
        stock_quantity=5,
        category_id=categories.ensure_category("Kitchen").id,
    )
    cart.add_to_cart(shopper.id, kettle.id, 2)
    order = orders.place_order(shopper.id, "House 4, Road 2\nDhanmondi, Dhaka").order
    cart.add_to_cart(shopper.id, kettle.id, 1)
    cancelled = orders.place_order(shopper.id, "House 4, Road 2").order
    orders.cancel_order(cancelled.id, shopper.id)
    return {"order_id": order.id, "customer_id": shopper.id, "revenue": order.total_amount}


def test_an_admin_runs_the_shop_from_the_back_office(page, in_app, live_app):
    shop = in_app(_set_up_shop)
    assert shop["revenue"] == Decimal("1700.00")

    # Logs in through the login page, which sends them back to the dashboard.
    _log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()

    # Adds a category, then a product chosen into it from the list, then gives it an image.
    page.get_by_role("navigation", name="Back office").get_by_role(
        "link", name="Categories"
    ).click()
    page.get_by_role("link", name="Add a category").click()
    page.get_by_label("Name").fill("Lighting")
    page.get_by_label("Description").fill("Lamps for desks and tables.")
    page.get_by_role("button", name="Add the category").click()
    expect(page.locator(".flash-success")).to_contain_text("Lighting")
    expect(page.get_by_test_id("category-row").filter(has_text="Lighting")).to_be_visible()
    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Products").click()
    page.get_by_role("link", name="New product").click()
    page.get_by_label("Name").fill("Brass lamp")
    page.get_by_label("Price").fill("1250.00")
    page.get_by_label("Opening stock").fill("4")
    page.get_by_label("Category").select_option(label="Lighting")
    page.get_by_label("Description").fill("A desk lamp in solid brass.")
    page.get_by_role("button", name="Create product").click()
    expect(page.locator(".flash-success")).to_contain_text("Brass lamp")
    page.get_by_label("Add images").set_input_files(
        {"name": "lamp.png", "mimeType": "image/png", "buffer": _png()}
    )
    page.get_by_role("button", name="Upload images").click()
    expect(page.locator(".flash-success")).to_contain_text("1 image added")
    current = page.get_by_role("img", name="Cover: Brass lamp")
    expect(current).to_be_visible()
    assert "_thumb.png" in current.get_attribute("src")
    save_screenshot(page, "admin-product-form")
    product_id = int(re.search(r"/admin/products/(\d+)/edit", page.url).group(1))

    # The storefront shows the thumbnail.
    page.goto("/products?q=brass")
    thumb = page.get_by_test_id("product-card").get_by_role("img", name="Brass lamp")
    expect(thumb).to_be_visible()
    assert "_thumb.png" in thumb.get_attribute("src")
    assert thumb.evaluate("img => img.complete && img.naturalWidth > 0")

    # Edits the price.
    page.goto(f"/admin/products/{product_id}/edit")
    page.get_by_label("Price").fill("1100.00")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".flash-success")).to_contain_text("saved")
    expect(page.get_by_label("Price")).to_have_value("1100.00")
    assert in_app(catalog.get_product, product_id).price == Decimal("1100.00")

    # Adjusts the stock and reads the ledger with its running stock.
    page.get_by_role("link", name="Adjust stock and see the ledger").click()
    page.get_by_label("Change").fill("6")
    page.get_by_label("Reason").fill("Delivery from the supplier")
    page.get_by_role("button", name="Adjust stock").click()
    expect(page.locator("#current-stock")).to_have_text("10")
    rows = page.locator("table.ledger tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Adjustment")
    expect(rows.nth(0)).to_contain_text("+6")
    expect(rows.nth(0)).to_contain_text("Delivery from the supplier")
    expect(rows.nth(0).locator("td").nth(3)).to_have_text("10")
    expect(rows.nth(1)).to_contain_text("Initial")
    expect(rows.nth(1).locator("td").nth(3)).to_have_text("4")

    # Moves the customer's order along: pending -> processing -> shipped.
    order_id = shop["order_id"]
    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Orders").click()
    page.get_by_role("link", name=f"#{order_id}", exact=True).click()
    expect(page.locator("#order-status")).to_have_text("Pending")
    page.get_by_role("button", name="Start processing").click()
    expect(page.locator("#order-status")).to_have_text("Processing")
    # A second tab, left open on the processing order, still offers to cancel it.
    stale = page.context.new_page()
    stale.goto(f"/admin/orders/{order_id}")
    page.get_by_role("button", name="Mark as shipped").click()
    expect(page.locator("#order-status")).to_have_text("Shipped")
    expect(page.get_by_role("button", name="Cancel order and restock")).to_have_count(0)
    # Cancelling after shipping is refused, with the reason.
    stale.get_by_role("button", name="Cancel order and restock").click()
    # The dialog, or (a click before the script is ready) the confirmation page: one button.
    stale.get_by_role("button", name="Yes, cancel and restock").click()
    expect(stale.locator(".flash-error")).to_contain_text(
        "An order that is shipped cannot become cancelled"
    )
    expect(stale.locator("#order-status")).to_have_text("Shipped")
    stale.close()
    assert in_app(orders.get_order, order_id).status == "shipped"
    # The refused cancel returned nothing to stock: 5, less 2 shipped, less 1 ordered then
    # cancelled and returned.
    assert in_app(lambda: catalog.search_products(q="kettle").items[0].stock_quantity) == 3

    # Deactivates the customer, who then cannot log in.
    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Users").click()
    page.get_by_label("Name or email").fill("shopper")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("link", name="Sumi Shopper").click()
    page.get_by_role("button", name="Deactivate account").click()
    # The dialog, or (a click before the script is ready) the confirmation page: one button.
    page.get_by_role("button", name="Yes, deactivate").click()
    expect(page.locator(".flash-success")).to_contain_text("can no longer log in")
    expect(page.locator("#user-state")).to_have_text("Deactivated")
    customer_context = page.context.browser.new_context(base_url=live_app_url(page))
    try:
        shopper_page = customer_context.new_page()
        _log_in(shopper_page, CUSTOMER_EMAIL, CUSTOMER_PASSWORD, next_path="/orders")
        expect(shopper_page.get_by_text("This account has been deactivated.")).to_be_visible()
        expect(shopper_page).to_have_url(re.compile(r"/login"))
    finally:
        customer_context.close()

    # The dashboard's figures (the last 30 days) match the orders placed; the chart has 30 points.
    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Dashboard").click()
    revenue = "BDT 1,700.00"
    expect(page.locator('[data-figure="revenue"]')).to_have_text(revenue)
    expect(page.locator('[data-figure="orders"]')).to_have_text("1")
    chart = page.locator("svg.chart")
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("circle.chart-point")).to_have_count(30)
    expect(chart.locator("text.chart-max")).to_contain_text(revenue)
    save_screenshot(page, "admin-dashboard")
    assert_accessible(page)


def live_app_url(page) -> str:
    return re.match(r"https?://[^/]+", page.url).group(0)


def test_an_admin_form_showing_its_errors_passes_axe(page, in_app):
    """Every admin page is checked by test_every_page_axe.py; a form with errors here."""
    in_app(_set_up_shop)
    product_id = in_app(lambda: catalog.search_products(q="kettle").items[0].id)
    _log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto(f"/admin/products/{product_id}/stock")
    page.get_by_label("Change").fill("0")
    page.get_by_label("Reason").fill("Nothing")
    page.get_by_role("button", name="Adjust stock").click()
    expect(page.locator("#delta-error")).to_be_visible()
    assert_accessible(page)
