"""axe-core in Chromium on every shopper page: no serious or critical violation.

Pages are checked in the states a shopper meets: with products, with a cart,
with form errors showing, as a guest and as a customer, at desktop width and
(for the busiest pages) at phone width.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from storefront.services import accounts, cart, catalog, categories, orders
from tests.browser.conftest import PHONE, assert_accessible, log_in
from tests.conftest import CUSTOMER_PASSWORD

pytestmark = pytest.mark.browser

EMAIL = "shopper@example.com"


def _shop() -> dict:
    user = accounts.register(EMAIL, CUSTOMER_PASSWORD, "Sumi Shopper")
    ids = []
    for n, (name, stock) in enumerate(
        [("Brass Kettle", 12), ("Clay Pot", 3), ("Tin Cup", 0), ("Oak Spoon", 40)]
    ):
        product = catalog.create_product(
            name=name,
            price=Decimal("250.00") * (n + 1),
            stock_quantity=stock,
            category_id=categories.ensure_category("Kitchen" if n % 2 else "Home").id,
            description="Made by hand.",
        )
        ids.append(product.id)
    cart.add_to_cart(user.id, ids[0], 1)
    order = orders.place_order(user.id, "House 4, Road 2\nDhaka").order
    cart.add_to_cart(user.id, ids[1], 2)
    return {"product": ids[0], "order": order.id}


GUEST_PAGES = [
    "/",
    "/products",
    "/products?q=pot&category=kitchen&in_stock=1&sort=price_desc",
    "/products?min_price=cheap",
    "/products?q=nothing-matches",
    "/product",
    "/cart",
    "/login",
    "/register",
    "/no-such-page",
]
CUSTOMER_PAGES = [
    "/cart",
    "/cart/clear",  # the confirmation page, as a browser without script meets it
    "/checkout",
    "/orders",
    "/order",
    "/order/cancel",
    "/account",
    "/logout",
]


def _url(path: str, shop: dict) -> str:
    if path == "/product":
        return f"/products/{shop['product']}"
    if path.startswith("/order") and not path.startswith("/orders"):
        return f"/orders/{shop['order']}" + path.removeprefix("/order")
    return path


@pytest.mark.parametrize("path", GUEST_PAGES)
def test_guest_pages_are_accessible(page, in_app, path):
    shop = in_app(_shop)
    page.goto(f"/products/{shop['product']}")
    page.get_by_role("button", name="Add to cart").click()  # a guest cart too
    page.goto(_url(path, shop))
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)


@pytest.mark.parametrize("path", CUSTOMER_PAGES)
def test_customer_pages_are_accessible(page, in_app, path):
    shop = in_app(_shop)
    log_in(page, EMAIL, CUSTOMER_PASSWORD)
    page.goto(_url(path, shop))
    expect(page.locator("h1")).to_have_count(1)
    assert_accessible(page)


def test_forms_with_errors_and_the_open_menu_are_accessible_on_a_phone(page, in_app):
    in_app(_shop)
    page.set_viewport_size(PHONE)
    page.goto("/register")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)
    page.goto("/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Incorrect email or password.")
    assert_accessible(page)
    log_in(page, EMAIL, CUSTOMER_PASSWORD)
    page.goto("/checkout")
    page.get_by_role("button", name="Place order", exact=False).click()
    expect(page.get_by_text("Enter the street and house number.").first).to_be_visible()
    page.locator("summary").filter(has_text="Sumi Shopper").click()
    expect(page.get_by_role("link", name="Account settings")).to_be_visible()
    assert_accessible(page)
