"""The dashboard in Chromium: an admin lands on it, changes the range, and reads
the figures of the orders placed in the test; on a phone the chart opens at today."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from storefront.extensions import db
from storefront.models import Order
from storefront.services import accounts, cart, catalog, orders
from tests.browser.conftest import PHONE, assert_accessible, save_screenshot
from tests.conftest import ADMIN_PASSWORD, CUSTOMER_PASSWORD

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "boss@example.com"


def _orders_over_weeks() -> dict:
    """Orders through the checkout, dated some days back (the shop's days are UTC)."""
    accounts.register(ADMIN_EMAIL, ADMIN_PASSWORD, "Boss Admin", role="admin")
    buyer = accounts.register("buyer@example.com", CUSTOMER_PASSWORD, "Rina Buyer")
    now = datetime.now(UTC)
    for name, price, quantity, days_ago, cancelled in (
        ("Clay teapot", "480.00", 1, 0, False),
        ("Tea towel", "120.00", 3, 2, False),
        ("Brass lamp", "2500.00", 1, 4, True),  # cancelled: never counted
        ("Jute rug", "1500.00", 1, 12, False),
        ("Steel kettle", "850.00", 2, 45, False),
    ):
        product = catalog.create_product(name=name, price=Decimal(price), stock_quantity=5)
        cart.add_to_cart(buyer.id, product.id, quantity)
        order = orders.place_order(buyer.id, "House 4, Road 2, Dhaka").order
        if cancelled:
            orders.cancel_order(order.id, buyer.id)
        db.session.execute(
            update(Order)
            .where(Order.id == order.id)
            .values(created_at=now - timedelta(days=days_ago))
        )
        db.session.commit()
    return {"today": now.date()}


def _log_in_to_back_office(page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_admin_changes_the_range_and_reads_its_figures(page, in_app):
    today = in_app(_orders_over_weeks)["today"]

    _log_in_to_back_office(page)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    # The last 30 days: teapot, towels and rug; the lamp was cancelled, the kettle is older.
    expect(page.locator('[data-figure="revenue"]')).to_have_text("BDT 2,340.00")
    expect(page.locator('[data-figure="orders"]')).to_have_text("3")
    expect(page.locator('[data-figure="units"]')).to_have_text("5")
    expect(page.locator('[data-figure="average"]')).to_have_text("BDT 780.00")
    expect(page.locator('[data-previous="revenue"]')).to_have_text("BDT 1,700.00")
    expect(page.locator('[data-change="up"]').first).to_contain_text("Up BDT 640.00 (37.6%)")

    page.get_by_role("link", name="Last 7 days").click()
    expect(page.get_by_role("link", name="Last 7 days")).to_have_attribute("aria-current", "true")
    expect(page.locator('[data-figure="revenue"]')).to_have_text("BDT 840.00")
    expect(page.locator('[data-figure="orders"]')).to_have_text("2")
    expect(page.locator('[data-previous="revenue"]')).to_have_text("BDT 1,500.00")
    revenue_change = page.locator('[data-figure-card="revenue"] [data-change]')
    expect(revenue_change).to_have_text(re.compile(r"Down BDT 660\.00 \(44\.0%\)"))
    expect(page.locator("svg.chart circle.chart-point")).to_have_count(7)
    top = page.locator('[data-top="revenue"] tbody tr')
    expect(top.nth(0)).to_contain_text("Clay teapot")
    expect(top.nth(1)).to_contain_text("Tea towel")
    expect(top).to_have_count(2)

    # A custom range: the day of the towels only.
    day = (today - timedelta(days=2)).isoformat()
    page.get_by_label("From", exact=True).fill(day)
    page.get_by_label("To", exact=True).fill(day)
    page.get_by_role("button", name="Show these days").click()
    expect(page.locator('[data-figure="revenue"]')).to_have_text("BDT 360.00")
    expect(page.locator('[data-figure="units"]')).to_have_text("3")
    expect(page.get_by_label("From", exact=True)).to_have_value(day)

    # A range backwards is refused, saying why, with the days as typed.
    page.get_by_label("From", exact=True).fill(today.isoformat())
    page.get_by_label("To", exact=True).fill(day)
    page.get_by_role("button", name="Show these days").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The last day must be on or after the first day."
    )
    expect(page.get_by_label("To", exact=True)).to_have_value(day)
    expect(page.get_by_label("To", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    page.get_by_role("link", name="Last 90 days").click()
    expect(page.locator('[data-figure="revenue"]')).to_have_text("BDT 4,040.00")
    save_screenshot(page, "admin-dashboard-90-days")
    assert_accessible(page)


def test_on_a_phone_the_chart_opens_at_the_latest_day_without_script(browser, live_server, in_app):
    in_app(_orders_over_weeks)
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        _log_in_to_back_office(page)
        page.goto("/admin/?range=30d")
        box = page.locator(".chart-scroll")
        box.scroll_into_view_if_needed()
        view = box.bounding_box()
        points = page.locator("svg.chart circle.chart-point")
        expect(points).to_have_count(30)
        latest = points.nth(29).bounding_box()
        oldest = points.nth(0).bounding_box()
        # Today's point is inside the box; the oldest is off to the left, a scroll away.
        assert (
            view["x"] <= latest["x"] and latest["x"] + latest["width"] <= view["x"] + view["width"]
        )
        assert oldest["x"] < view["x"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        save_screenshot(page, "admin-dashboard-phone")
    finally:
        context.close()
