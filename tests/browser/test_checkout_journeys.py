"""Issue 11's journeys through a real browser: the address book at checkout, and a
price change between the cart and placing the order."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Order, Product, User
from storefront.services import accounts, cart, catalog, categories, discounts, orders, shipping
from tests.browser.conftest import fill_address, log_in, save_screenshots
from tests.conftest import CUSTOMER_PASSWORD

pytestmark = pytest.mark.browser
EMAIL = "shopper@example.com"


def _shopper_with_cart(price: str = "850.00", with_shipping: bool = False) -> int:
    user = accounts.register(EMAIL, CUSTOMER_PASSWORD, "Sumi Shopper")
    if with_shipping:
        shipping.create_method({"name": "Standard", "fee": "60.00", "free_over": "5000.00"})
        shipping.create_method({"name": "Express", "fee": "150.00", "countries": "BD"})
    product = catalog.create_product(
        name="Brass Kettle",
        price=Decimal(price),
        stock_quantity=5,
        category_id=categories.ensure_category("Kitchen").id,
    )
    cart.add_to_cart(user.id, product.id, 2)
    return product.id


def _last_order() -> dict:
    order = db.session.scalar(select(Order).order_by(Order.id.desc()))
    return {
        "line1": order.address_line1,
        "total": order.total_amount,
        "shipping": order.shipping_method,
    }


def test_a_shopper_saves_two_addresses_and_checks_out_with_the_second(page, in_app):
    in_app(_shopper_with_cart, with_shipping=True)
    log_in(page, EMAIL, CUSTOMER_PASSWORD)
    for line1 in ("House 4, Road 2", "Flat 9, Lake View"):
        page.goto("/account/addresses")
        page.get_by_role("link", name="Add an address").click()
        fill_address(page, line1)
        page.get_by_role("button", name="Save the address").click()
        expect(page.get_by_text("The address is saved.")).to_be_visible()
    expect(page.get_by_test_id("saved-address")).to_have_count(2)
    save_screenshots(page, "shop-address-book")

    page.goto("/checkout")
    choice = page.get_by_test_id("address-choice")
    expect(choice.get_by_label(re.compile("^Sumi Shopper, House 4, Road 2"))).to_be_checked()
    choice.get_by_label(re.compile("^Sumi Shopper, Flat 9, Lake View")).check()
    expect(page.get_by_test_id("checkout-total")).to_have_text("BDT 1,760.00")
    page.get_by_test_id("shipping-choice").get_by_label(re.compile("^Express")).check()
    page.get_by_role("button", name="Update the total").click()
    expect(page.get_by_test_id("checkout-total")).to_have_text("BDT 1,850.00")
    expect(
        page.get_by_test_id("shipping-choice").get_by_label(re.compile("^Express"))
    ).to_be_checked()
    save_screenshots(page, "shop-checkout-address-book")
    page.get_by_role("button", name=re.compile("^Place order · BDT 1,850.00")).click()

    expect(page).to_have_url(re.compile(r"/orders/\d+$"))
    expect(page.locator("address.address")).to_contain_text("Flat 9, Lake View")
    expect(page.get_by_test_id("order-total")).to_have_text("BDT 1,850.00")
    assert in_app(_last_order) == {
        "line1": "Flat 9, Lake View", "total": Decimal("1850.00"), "shipping": "Express"
    }  # fmt: skip


def test_a_price_change_between_cart_and_checkout_is_shown_and_confirmed(page, in_app):
    product_id = in_app(_shopper_with_cart, "850.00")
    log_in(page, EMAIL, CUSTOMER_PASSWORD)
    page.goto("/checkout")
    expect(page.get_by_test_id("checkout-total")).to_have_text("BDT 1,700.00")
    fill_address(page)
    # The price goes up while the shopper types.
    in_app(catalog.update_product, product_id, price=Decimal("900.00"))
    page.get_by_role("button", name=re.compile("^Place order")).click()

    notice = page.get_by_test_id("total-changed")
    expect(notice).to_contain_text("It is now BDT 1,800.00, not BDT 1,700.00")
    expect(page.get_by_test_id("price-was")).to_contain_text("BDT 1,700.00")
    expect(page.get_by_test_id("checkout-total")).to_have_text("BDT 1,800.00")
    expect(page.get_by_label("Address line 1")).to_have_value("House 4, Road 2")
    assert in_app(_count) == 0
    save_screenshots(page, "shop-checkout-total-changed")

    page.get_by_role("button", name=re.compile("^Place order · BDT 1,800.00")).click()
    expect(page).to_have_url(re.compile(r"/orders/\d+$"))
    expect(page.get_by_test_id("order-total")).to_have_text("BDT 1,800.00")
    assert in_app(_last_order)["total"] == Decimal("1800.00")


def _count() -> int:
    return len(list(db.session.scalars(select(Order.id))))


def _codes_and_a_used_one() -> None:
    from datetime import timedelta

    from storefront.models import utcnow

    discounts.create_code({"code": "SAVE10", "kind": "percent", "value": "10"})
    discounts.create_code(
        {"code": "OLD", "kind": "fixed", "value": "5", "ends_at": utcnow() - timedelta(days=1)}
    )
    discounts.create_code(
        {"code": "BIGSPEND", "kind": "fixed", "value": "100", "min_subtotal": "5000.00"}
    )
    discounts.create_code({"code": "ONCE", "kind": "fixed", "value": "50", "per_customer_limit": 1})
    user_id = db.session.scalar(select(User.id).where(User.email == EMAIL))
    product_id = db.session.scalar(select(Product.id))
    # An earlier order used ONCE already.
    cart.add_to_cart(user_id, product_id, 1)
    orders.place_order(user_id, "1 Old Road", discount_code="ONCE")
    cart.add_to_cart(user_id, product_id, 2)


def test_discount_codes_are_shown_before_confirming_and_refusals_lose_nothing(page, in_app):
    in_app(_shopper_with_cart)
    in_app(_codes_and_a_used_one)
    log_in(page, EMAIL, CUSTOMER_PASSWORD)
    page.goto("/checkout")
    fill_address(page)
    expect(page.get_by_test_id("summary-line")).to_contain_text("2 × Brass Kettle")

    for entered, message in (
        ("old", "The code OLD is not valid now."),
        ("bigspend", "The code BIGSPEND needs an order of at least BDT 5,000.00."),
        ("once", "You have used the code ONCE as many times as it allows."),
    ):
        page.get_by_label("Discount code (optional)").fill(entered)
        page.get_by_role("button", name=re.compile("^Place order")).click()
        expect(page.locator("#discount_code-error")).to_contain_text(message)
        expect(page.get_by_test_id("summary-line")).to_contain_text("2 × Brass Kettle")
        expect(page.get_by_label("Address line 1")).to_have_value("House 4, Road 2")
        expect(page.get_by_test_id("checkout-total")).to_have_text("BDT 1,700.00")
    assert in_app(_count) == 1  # only the earlier order
    save_screenshots(page, "shop-checkout-code-refused")

    page.get_by_label("Discount code (optional)").fill("save10")
    page.get_by_role("button", name="Apply the code").click()
    expect(page.get_by_test_id("checkout-discount")).to_have_text("−BDT 170.00")
    expect(page.get_by_test_id("checkout-total")).to_have_text("BDT 1,530.00")
    save_screenshots(page, "shop-checkout-code-applied")
    page.get_by_role("button", name=re.compile("^Place order · BDT 1,530.00")).click()
    expect(page).to_have_url(re.compile(r"/orders/\d+$"))
    expect(page.get_by_test_id("order-discount")).to_have_text("−BDT 170.00")
    expect(page.get_by_test_id("order-total")).to_have_text("BDT 1,530.00")
