"""axe-core on the pages this session added for shoppers: the variant picker (with a
sold-out choice and with a refusal showing), the guest checkout (with errors), the
guest order's link and the confirmation that joins guest orders to an account."""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from storefront.services import accounts, catalog, orders, variants
from tests.browser.conftest import PHONE, assert_accessible, log_in
from tests.conftest import CUSTOMER_PASSWORD

pytestmark = pytest.mark.browser
EMAIL = "sumi@example.com"
ADDRESS = {
    "full_name": "Sumi Shopper",
    "phone": "+880 1711-000000",
    "line1": "House 1, Road 1",
    "line2": "",
    "city": "Dhaka",
    "region": "",
    "postal_code": "1205",
    "country": "BD",
}


def _shop() -> dict:
    accounts.register(EMAIL, CUSTOMER_PASSWORD, "Sumi Shopper")
    tee = catalog.create_product(name="Cotton Tee", price=Decimal("500.00"), stock_quantity=0)
    tee = variants.set_options(tee.id, [("Size", "S, M"), ("Colour", "Red, Blue")])
    variants.update_variants(
        tee.id, {v.id: {"stock_quantity": 0 if v.label == "M / Blue" else 3} for v in tee.variants}
    )
    order = orders.place_guest_order(EMAIL, {tee.variants[0].id: 1}, address=ADDRESS).order
    return {
        "product": f"/products/{tee.id}-{tee.slug}",
        "link": f"/orders/guest/{orders.guest_order_token(order)}",
        "claim": "/orders/claim/" + orders._claim_signer().dumps({"user": 1, "email": EMAIL}),
    }


@pytest.mark.parametrize("width", [None, PHONE])
def test_the_variant_picker_is_accessible_also_with_a_refusal(page, in_app, width):
    shop = in_app(_shop)
    if width:
        page.set_viewport_size(width)
    page.goto(shop["product"])
    page.get_by_role("group", name="Size").get_by_label("M", exact=True).check()
    page.get_by_role("group", name="Colour").get_by_label("Blue").check()
    expect(page.get_by_text("M / Blue: Out of stock.")).to_be_visible()
    assert_accessible(page)


def test_the_guest_checkout_with_errors_and_the_orders_link_are_accessible(page, in_app):
    shop = in_app(_shop)
    page.goto(shop["product"])
    page.get_by_role("button", name="Add to cart").click()
    page.goto("/checkout")
    expect(page.get_by_test_id("guest-checkout")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Place order", exact=False).click()
    expect(page.locator(".field-error").first).to_be_visible()
    assert_accessible(page)
    page.goto(shop["link"])
    expect(page.get_by_test_id("guest-link")).to_be_visible()
    assert_accessible(page)


def test_the_join_confirmation_is_accessible(page, in_app):
    shop = in_app(_shop)
    log_in(page, EMAIL, CUSTOMER_PASSWORD)
    page.goto("/orders")
    expect(page.get_by_test_id("guest-orders-waiting")).to_be_visible()
    assert_accessible(page)
    page.goto(shop["claim"])
    expect(page.get_by_role("button", name="Add it to my account")).to_be_visible()
    assert_accessible(page)
