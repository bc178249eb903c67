"""Variants in a real browser: an admin gives a T-shirt sizes and colours and stock per
variant; a shopper without JavaScript picks "M / Blue", adds it and checks out; with
JavaScript the price and availability follow the choice and a sold-out one cannot be added."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Order, Product
from storefront.services import accounts, catalog, variants
from tests.browser.conftest import fill_address, log_in, save_screenshots
from tests.conftest import ADMIN_PASSWORD, CUSTOMER_PASSWORD

pytestmark = pytest.mark.browser
EMAIL = "shopper@example.com"


def _tee(stock_each: int = 3, sold_out: str | None = None) -> dict:
    accounts.register(EMAIL, CUSTOMER_PASSWORD, "Sumi Shopper")
    tee = catalog.create_product(name="Cotton Tee", price=Decimal("500.00"), stock_quantity=0)
    tee = variants.set_options(tee.id, [("Size", "S, M, L"), ("Colour", "Red, Blue")])
    changes = {v.id: {"stock_quantity": stock_each} for v in tee.variants}
    for v in tee.variants:
        if v.label == "L / Red":
            changes[v.id]["price"] = "550.00"
        if v.label == sold_out:
            changes[v.id]["stock_quantity"] = 0
    variants.update_variants(tee.id, changes)
    return {"id": tee.id, "slug": tee.slug}


def _last_order_lines() -> list[tuple[str, dict, int]]:
    order = db.session.scalar(select(Order).order_by(Order.id.desc()))
    return [(i.product_name, i.variant_options, i.quantity) for i in order.items]


def _stock_of(product_id: int) -> dict[str, int]:
    product = db.session.get(Product, product_id)
    return {v.label: v.stock_quantity for v in product.variants}


def test_a_shopper_without_javascript_picks_m_blue_and_checks_out(browser, live_server, in_app):
    tee = in_app(_tee)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        log_in(page, EMAIL, CUSTOMER_PASSWORD)
        page.goto(f"/products/{tee['id']}-{tee['slug']}")
        page.get_by_role("group", name="Size").get_by_label("M", exact=True).check()
        page.get_by_role("group", name="Colour").get_by_label("Blue").check()
        page.get_by_label("Quantity").fill("2")
        page.get_by_role("button", name="Add to cart").click()
        expect(page.get_by_text("Added 2 × Cotton Tee (M / Blue) to your cart.")).to_be_visible()
        page.goto("/cart")
        expect(page.get_by_test_id("variant-label")).to_have_text("M / Blue")
        page.goto("/checkout")
        fill_address(page)
        page.get_by_role("button", name=re.compile("^Place order")).click()
        expect(page).to_have_url(re.compile(r"/orders/\d+$"))
        expect(page.get_by_text("(M / Blue)")).to_be_visible()
    finally:
        context.close()
    assert in_app(_last_order_lines) == [("Cotton Tee", {"Size": "M", "Colour": "Blue"}, 2)]
    stock = in_app(_stock_of, tee["id"])
    assert stock["M / Blue"] == 1 and stock["S / Red"] == 3


def test_with_javascript_the_choice_shows_its_price_and_a_sold_out_one_cannot_be_added(
    page, in_app
):
    tee = in_app(_tee, sold_out="M / Blue")
    page.goto(f"/products/{tee['id']}-{tee['slug']}")
    price = page.locator(".product-detail-info").get_by_test_id("price")
    page.get_by_role("group", name="Size").get_by_label("L", exact=True).check()
    page.get_by_role("group", name="Colour").get_by_label("Red").check()
    expect(price).to_have_text("BDT 550.00")
    page.get_by_role("group", name="Size").get_by_label("M", exact=True).check()
    page.get_by_role("group", name="Colour").get_by_label("Blue").check()
    expect(page.get_by_text("M / Blue: Out of stock.")).to_be_visible()
    expect(page.get_by_role("button", name="Add to cart")).to_be_disabled()
    save_screenshots(page, "shop-product-variants")


def test_an_admin_gives_a_tee_sizes_and_colours_and_stock_per_variant(page, in_app):
    in_app(accounts.create_admin, "boss@example.com", ADMIN_PASSWORD, "Boss")
    product_id = in_app(
        lambda: catalog.create_product(name="Plain Tee", price="400.00", stock_quantity=0).id
    )
    log_in(page, "boss@example.com", ADMIN_PASSWORD)
    page.goto(f"/admin/products/{product_id}/edit")
    page.get_by_role("link", name="Edit options and variants").click()
    page.locator("#option-0-name").fill("Size")
    page.locator("#option-0-values").fill("S, M, L")
    page.locator("#option-1-name").fill("Colour")
    page.locator("#option-1-values").fill("Red, Blue")
    page.get_by_role("button", name="Save options").click()
    expect(page.get_by_text("has 6 variants")).to_be_visible()
    page.get_by_label("Stock of M / Blue").fill("7")
    page.get_by_label("Price of L / Red").fill("450.00")
    page.get_by_role("button", name="Save variants").click()
    expect(page.get_by_text("Variants of “Plain Tee” saved.")).to_be_visible()
    save_screenshots(page, "admin-product-variants")
    stock = in_app(_stock_of, product_id)
    assert stock["M / Blue"] == 7 and sum(stock.values()) == 7
