"""Every destructive action asks first: "no" leaves everything as it was,
"yes" acts. With script the question is a native <dialog>; without it, a
confirmation page at the button's URL."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from storefront.services import accounts, addresses, cart, catalog, discounts, orders, shipping
from tests.browser.conftest import assert_accessible, log_in
from tests.conftest import ADMIN_PASSWORD, CUSTOMER_PASSWORD

pytestmark = pytest.mark.browser

ADMIN = "boss@example.com"
SHOPPER = "shopper@example.com"


@pytest.fixture(params=[True, False], ids=["with-js", "without-js"])
def js(request):
    return request.param


@pytest.fixture
def tab(browser, live_server, js):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, java_script_enabled=js
    )
    context.set_default_timeout(30_000)
    yield context.new_page()
    context.close()


def _set_up() -> dict:
    accounts.register(ADMIN, ADMIN_PASSWORD, "Boss Admin", role="admin")
    shopper = accounts.register(SHOPPER, CUSTOMER_PASSWORD, "Sumi Shopper")
    kettle = catalog.create_product(name="Steel kettle", price=Decimal("850.00"), stock_quantity=5)
    cart.add_to_cart(shopper.id, kettle.id, 2)
    order = orders.place_order(shopper.id, "House 4, Road 2, Dhaka").order
    cart.add_to_cart(shopper.id, kettle.id, 3)
    return {"order": order.id, "shopper": shopper.id, "kettle": kettle.id}


def _ask_then(page, js: bool, *, button: str, question: str, no: str, yes: str, unchanged):
    """Press ``button``; answer "no" and check nothing changed; press again and answer "yes"."""
    page.get_by_role("button", name=button, exact=True).click()
    if js:
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_role("heading")).to_have_text(question)
        assert_accessible(page)  # axe needs script: the pages alone are in the axe walks
        dialog.get_by_role("button", name=no).click()
        expect(dialog).to_be_hidden()
    else:
        expect(page.get_by_role("heading", level=1)).to_have_text(question)
        back = page.url
        page.get_by_role("link", name=no).click()
        expect(page).not_to_have_url(back)
    unchanged()
    page.get_by_role("button", name=button, exact=True).click()
    scope = page.get_by_role("dialog") if js else page
    scope.get_by_role("button", name=yes).click()


def test_a_shopper_confirms_cancelling_an_order_and_emptying_the_cart(tab, js, in_app):
    shop = in_app(_set_up)
    order_id = shop["order"]
    log_in(tab, SHOPPER, CUSTOMER_PASSWORD)

    tab.goto(f"/orders/{order_id}")
    _ask_then(
        tab,
        js,
        button=f"Cancel order #{order_id}",
        question=f"Cancel order #{order_id} (2 items)?",
        no="No, keep the order",
        yes="Yes, cancel the order",
        unchanged=lambda: _assert_status(in_app, order_id, "pending"),
    )
    expect(tab.locator(".flash-success")).to_contain_text(f"Order #{order_id} is cancelled.")
    _assert_status(in_app, order_id, "cancelled")

    tab.goto("/cart")
    _ask_then(
        tab,
        js,
        button="Empty the cart",
        question="Remove all 3 items from your cart?",
        no="No, keep them",
        yes="Yes, empty the cart",
        unchanged=lambda: _assert_cart_count(in_app, shop["shopper"], 3),
    )
    expect(tab.locator(".flash-success")).to_contain_text("Your cart is now empty.")
    _assert_cart_count(in_app, shop["shopper"], 0)


def test_an_admin_confirms_cancelling_deactivating_and_archiving(tab, js, in_app):
    shop = in_app(_set_up)
    order_id, kettle = shop["order"], shop["kettle"]
    log_in(tab, ADMIN, ADMIN_PASSWORD)

    tab.goto(f"/admin/orders/{order_id}")
    _ask_then(
        tab,
        js,
        button="Cancel order and restock",
        question=f"Cancel order #{order_id} and put 2 items back in stock?",
        no="No, keep the order",
        yes="Yes, cancel and restock",
        unchanged=lambda: _assert_status(in_app, order_id, "pending"),
    )
    expect(tab.locator(".flash-success")).to_contain_text("back in stock")
    _assert_status(in_app, order_id, "cancelled")
    assert in_app(lambda: catalog.get_product(kettle).stock_quantity) == 5

    tab.goto(f"/admin/users/{shop['shopper']}")
    _ask_then(
        tab,
        js,
        button="Deactivate account",
        question=f"Deactivate {SHOPPER}?",
        no="No, keep it active",
        yes="Yes, deactivate",
        unchanged=lambda: _assert_active_user(in_app, shop["shopper"], True),
    )
    expect(tab.locator(".flash-success")).to_contain_text("can no longer log in")
    _assert_active_user(in_app, shop["shopper"], False)

    tab.goto(f"/admin/products/{kettle}/edit")
    _ask_then(
        tab,
        js,
        button="Archive product",
        question="Archive “Steel kettle”?",
        no="No, keep it in the shop",
        yes="Yes, archive it",
        unchanged=lambda: _assert_active_product(in_app, kettle, True),
    )
    expect(tab.locator(".flash-success")).to_contain_text("is archived")
    expect(tab).to_have_url(re.compile(rf"/admin/products/{kettle}/edit$"))
    _assert_active_product(in_app, kettle, False)


def test_deleting_a_code_a_shipping_method_and_an_address_asks_first(tab, js, in_app):
    shop = in_app(_set_up)
    code = in_app(
        lambda: discounts.create_code({"code": "EID10", "kind": "percent", "value": "10"}).id
    )
    method = in_app(lambda: shipping.create_method({"name": "Express", "fee": "120.00"}).id)
    address = in_app(
        lambda: (
            addresses.add_address(
                shop["shopper"],
                {
                    "full_name": "Sumi",
                    "phone": "+880 1712-345678",
                    "line1": "House 4",
                    "city": "Dhaka",
                },
            ).id
        )
    )
    codes = lambda: in_app(lambda: [c.id for c in discounts.list_codes()])  # noqa: E731
    methods = lambda: in_app(lambda: [m.id for m in shipping.list_methods(active_only=False)])  # noqa: E731
    book = lambda: in_app(lambda: [a.id for a in addresses.list_addresses(shop["shopper"])])  # noqa: E731
    log_in(tab, ADMIN, ADMIN_PASSWORD)

    tab.goto(f"/admin/discounts/{code}/edit")
    _ask_then(
        tab, js, button="Delete the code", question="Delete the discount code EID10?",
        no="No, keep it", yes="Yes, delete the code", unchanged=lambda: assert_in(code, codes()),
    )  # fmt: skip
    expect(tab.locator(".flash-success")).to_contain_text("Discount code deleted")
    assert code not in codes()

    tab.goto("/admin/shipping")
    _ask_then(
        tab, js, button="Delete Express", question="Delete the shipping method Express?",
        no="No, keep it", yes="Yes, delete it", unchanged=lambda: assert_in(method, methods()),
    )  # fmt: skip
    expect(tab.locator(".flash-success")).to_contain_text("Shipping method deleted")
    assert method not in methods()

    tab.context.clear_cookies()
    log_in(tab, SHOPPER, CUSTOMER_PASSWORD)
    tab.goto("/account/addresses")
    _ask_then(
        tab, js, button="Delete House 4", question="Delete the address House 4, Dhaka?",
        no="No, keep it", yes="Yes, delete it", unchanged=lambda: assert_in(address, book()),
    )  # fmt: skip
    expect(tab.locator(".flash-success")).to_contain_text("The address is deleted")
    assert address not in book()


def assert_in(item, items) -> None:
    assert item in items


def _assert_status(in_app, order_id: int, status: str) -> None:
    assert in_app(lambda: orders.get_order(order_id).status) == status


def _assert_cart_count(in_app, user_id: int, count: int) -> None:
    assert in_app(cart.cart_item_count, user_id) == count


def _assert_active_user(in_app, user_id: int, active: bool) -> None:
    assert in_app(lambda: accounts.get_user(user_id).is_active) is active


def _assert_active_product(in_app, product_id: int, active: bool) -> None:
    product = in_app(lambda: catalog.get_product(product_id, include_inactive=True))
    assert product.is_active is active
