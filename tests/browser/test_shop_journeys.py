"""The shopper's journeys in Chromium: browse, search, filter and sort, buy,
register with the guest cart merged, check out, cancel; a double-submitted
checkout; a shortage at checkout. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from storefront.services import accounts, cart, catalog, categories
from tests.browser.conftest import PHONE, fill_address, log_in, save_screenshots
from tests.conftest import CUSTOMER_PASSWORD

pytestmark = pytest.mark.browser


def _stock_the_shop() -> dict:
    def add(name, price, stock, category, description=""):
        return catalog.create_product(
            name=name,
            price=Decimal(price),
            stock_quantity=stock,
            category_id=categories.ensure_category(category).id,
            description=description,
        ).id

    return {
        "trail": add("Trail Lamp", "1250.00", 4, "Outdoor", "A bright lamp for camping."),
        "head": add("Head Lamp", "450.00", 20, "Outdoor"),
        "gone": add("Storm Lamp", "900.00", 0, "Outdoor"),
        "desk": add("Desk Lamp", "2100.00", 8, "Home"),
        "mug": add("Enamel Mug", "300.00", 30, "Kitchen"),
    }


def _order_count() -> int:
    from storefront.extensions import db
    from storefront.models import Order

    return db.session.scalar(select(func.count(Order.id)))


def _card_names(page) -> list[str]:
    return page.get_by_test_id("product-card").locator(".product-card-title").all_inner_texts()


def test_a_guest_shops_registers_checks_out_and_cancels(page, in_app):
    ids = in_app(_stock_the_shop)

    # Browses the home page and searches from the header.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.get_by_role("link", name=re.compile("^Outdoor"))).to_be_visible()
    save_screenshots(page, "shop-home")
    page.get_by_role("searchbox", name="Search products").fill("lamp")
    page.get_by_role("searchbox", name="Search products").press("Enter")
    expect(page).to_have_url(re.compile(r"/products\?q=lamp$"))
    expect(page.get_by_test_id("result-count")).to_contain_text("4 products")
    page.wait_for_load_state()  # store.js (deferred) has run: it drops empty fields

    # Filters: Outdoor only, in stock only; then sorts by price, high to low.
    page.get_by_label("Category").select_option("outdoor")
    page.get_by_label("In stock only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"category=outdoor.*in_stock=1"))
    page.wait_for_load_state()
    assert "min_price" not in page.url  # empty fields stay out of a shared link
    expect(page.get_by_test_id("product-card")).to_have_count(2)
    # The sort applies itself; its button is there only for a browser without script.
    expect(page.get_by_role("button", name="Sort", exact=True)).to_be_hidden()
    page.get_by_label("Sort by").select_option("price_desc")
    expect(page).to_have_url(re.compile(r"sort=price_desc"))
    assert _card_names(page) == ["Trail Lamp", "Head Lamp"]
    assert "q=lamp" in page.url and "category=outdoor" in page.url
    save_screenshots(page, "shop-catalog")

    # Opens a product and adds two to the cart.
    page.get_by_role("link", name="Trail Lamp").click()
    expect(page).to_have_url(re.compile(rf"/products/{ids['trail']}-trail-lamp$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Trail Lamp")
    # The product's own figures (related products below have theirs).
    info = page.locator(".product-detail-info")
    expect(info.get_by_test_id("stock-state")).to_have_text("Only 4 left")
    expect(info.get_by_test_id("price")).to_have_text("BDT 1,250.00")
    save_screenshots(page, "shop-product")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    added = page.get_by_role("status").filter(has_text="Added 2 × Trail Lamp to your cart.")
    expect(added).to_be_visible()
    expect(added.get_by_role("link", name="Check out")).to_be_visible()
    expect(page.get_by_test_id("cart-count")).to_have_text("2")

    # The cart, as a guest, from the message's "View cart".
    added.get_by_role("link", name="View cart").click()
    expect(page.get_by_test_id("cart-line")).to_have_count(1)
    expect(page.get_by_test_id("cart-total")).to_have_text("BDT 2,500.00")
    save_screenshots(page, "shop-cart")

    # Registers from the cart and lands on the checkout with the cart merged.
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Full name").fill("Nadia Rahman")
    page.get_by_label("Email").fill("nadia@example.com")
    page.get_by_label("Password", exact=True).fill("a-good-password")
    page.get_by_label("Repeat the password").fill("a-good-password")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/checkout$"))
    expect(
        page.get_by_text("The items you chose before logging in are in your cart.")
    ).to_be_visible()
    expect(page.get_by_test_id("summary-line")).to_contain_text("2 × Trail Lamp")
    expect(page.get_by_test_id("cart-count")).to_have_text("2")

    # Checks out with an address.
    fill_address(page, "House 7, Road 3", full_name="Nadia Rahman")
    page.get_by_label("Note for the order (optional)").fill("Call before coming")
    save_screenshots(page, "shop-checkout")
    page.get_by_role("button", name=re.compile("^Place order")).click()
    expect(page).to_have_url(re.compile(r"/orders/\d+$"))
    order_url = page.url
    expect(page.get_by_text(re.compile(r"Thank you! Your order #\d+ is placed."))).to_be_visible()
    expect(page.get_by_test_id("order-status")).to_have_text("Pending")
    expect(page.get_by_test_id("order-total")).to_have_text("BDT 2,500.00")
    expect(page.get_by_test_id("cart-count")).to_have_text("0")
    save_screenshots(page, "shop-order")

    # Finds it in "My orders" through the account menu.
    page.locator("summary").filter(has_text="Nadia Rahman").click()
    page.get_by_role("link", name="My orders").first.click()
    expect(page.get_by_test_id("order-row")).to_have_count(1)
    save_screenshots(page, "shop-orders")
    page.get_by_test_id("order-row").get_by_role("link").click()
    expect(page).to_have_url(order_url)

    # The stock went down; cancelling brings it back.
    page.goto(f"/products/{ids['trail']}-trail-lamp")
    expect(info.get_by_test_id("stock-state")).to_have_text("Only 2 left")
    page.goto(order_url)
    page.get_by_role("button", name=re.compile("^Cancel order")).click()
    # The dialog, or (a click before the script is ready) the confirmation page: one button.
    page.get_by_role("button", name="Yes, cancel the order").click()
    expect(page.get_by_text(re.compile(r"Order #\d+ is cancelled."))).to_be_visible()
    expect(page.get_by_test_id("order-status")).to_have_text("Cancelled")
    expect(page.get_by_role("button", name=re.compile("^Cancel order"))).to_have_count(0)
    page.goto(f"/products/{ids['trail']}-trail-lamp")
    expect(info.get_by_test_id("stock-state")).to_have_text("Only 4 left")

    # Logs out with the menu's button.
    page.locator("summary").filter(has_text="Nadia Rahman").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def _customer_with_cart(quantity: int, stock: int = 5) -> int:
    user = accounts.register("shopper@example.com", CUSTOMER_PASSWORD, "Sumi Shopper")
    product = catalog.create_product(
        name="Brass Kettle",
        price=Decimal("850.00"),
        stock_quantity=stock,
        category_id=categories.ensure_category("Kitchen").id,
    )
    cart.add_to_cart(user.id, product.id, quantity)
    return product.id


def test_a_double_submitted_checkout_places_one_order(page, in_app):
    in_app(_customer_with_cart, 2)
    log_in(page, "shopper@example.com", CUSTOMER_PASSWORD)
    page.goto("/checkout")
    fill_address(page)

    # The same form sent twice at once, as a double click without JavaScript does.
    final_urls = page.evaluate(
        """async () => {
            const form = document.querySelector('form[action="/checkout"]');
            const send = () => fetch(form.action, {method: "POST", body: new FormData(form)});
            const responses = await Promise.all([send(), send()]);
            return responses.map((r) => r.url);
        }"""
    )
    assert final_urls[0] == final_urls[1]
    assert re.search(r"/orders/\d+$", final_urls[0])
    assert in_app(_order_count) == 1

    # The page submitted once more (a reload or the back button): the same order.
    page.get_by_role("button", name=re.compile("^Place order")).click()
    expect(page).to_have_url(final_urls[0])
    expect(page.get_by_text("was already placed; here it is.")).to_be_visible()
    assert in_app(_order_count) == 1


def test_a_shortage_at_checkout_is_shown_and_the_cart_kept(page, in_app):
    product_id = in_app(_customer_with_cart, 3)
    log_in(page, "shopper@example.com", CUSTOMER_PASSWORD)
    page.goto("/checkout")
    fill_address(page)
    # Someone else buys most of the stock while the shopper types.
    in_app(catalog.update_product, product_id, stock_quantity=1)
    page.get_by_role("button", name=re.compile("^Place order")).click()

    alert = page.get_by_test_id("shortages")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("Brass Kettle: you asked for 3, only 1 left.")
    expect(page.get_by_label("Address line 1")).to_have_value("House 4, Road 2")
    assert in_app(_order_count) == 0
    page.set_viewport_size(PHONE)
    save_screenshots(page, "shop-checkout-shortage")

    page.get_by_role("link", name="Change the quantities in your cart").click()
    expect(page.get_by_label("Quantity of Brass Kettle")).to_have_value("3")
    expect(page.get_by_text("Only 1 left")).to_be_visible()


def test_the_shop_works_without_javascript(browser, live_server, in_app):
    product_id = in_app(_customer_with_cart, 1)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/products")
        page.get_by_label("Sort by").select_option("price_asc")
        page.get_by_role("button", name="Sort", exact=True).click()
        expect(page).to_have_url(re.compile(r"sort=price_asc"))
        page.get_by_role("link", name="Brass Kettle").click()
        page.get_by_role("button", name="Add to cart").click()
        expect(page.get_by_test_id("cart-count")).to_have_text("1")
        log_in(page, "shopper@example.com", CUSTOMER_PASSWORD)
        expect(page.get_by_text("We could keep only")).to_have_count(0)
        page.goto("/checkout")
        expect(page.get_by_test_id("summary-line")).to_contain_text("2 × Brass Kettle")
        fill_address(page)
        page.get_by_role("button", name=re.compile("^Place order")).click()
        expect(page.get_by_test_id("order-status")).to_have_text("Pending")
        page.locator("summary").filter(has_text="Sumi Shopper").click()
        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_text("You are logged out.")).to_be_visible()
    finally:
        context.close()
    assert in_app(lambda: catalog.get_product(product_id).stock_quantity) == 3
