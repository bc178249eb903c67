"""Screenshots of both faces at 1280 px and 390 px, saved as artifacts
(test-artifacts/screenshots/): a small shop with the demo catalog's pictures, the
back office as an admin sees it, the shop as a shopper does. Each page must render
its heading; the pictures are for people to look at."""

from __future__ import annotations

import contextlib
import re
from decimal import Decimal

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from storefront import demo_images
from storefront.services import accounts, cart, categories, orders
from storefront.services import images as image_service
from tests.browser.conftest import DESKTOP, PHONE, log_in, save_screenshot
from tests.conftest import ADMIN_PASSWORD, CUSTOMER_PASSWORD

pytestmark = pytest.mark.browser

ADMIN = "admin@example.com"
SHOPPER = "sumi@example.com"

# A few demo products of different kinds, as seed-demo makes them.
PRODUCTS = [
    ("Home & Kitchen", "Ceramic Mug Set", "Four stoneware mugs, dishwasher safe.", "18.50"),
    ("Clothing", "Cotton T-Shirt", "Soft, heavy cotton in a relaxed fit.", "1250.00"),
    ("Home & Kitchen", "Steel Water Bottle", "Keeps drinks cold for a day.", "24.00"),
    ("Books", "Field Guide to Birds", "Every common bird of the region.", "32.00"),
    ("Sports", "Football", "Size 5 match ball.", "29.99"),
    ("Clothing", "Knitted Beanie", "Warm ribbed hat in soft wool.", "15.00"),
]


def _set_up_shop() -> dict:
    accounts.register(ADMIN, ADMIN_PASSWORD, "Demo Admin", role="admin")
    shopper = accounts.register(SHOPPER, CUSTOMER_PASSWORD, "Sumi Shopper")
    ids = []
    for index, (category, name, description, price) in enumerate(PRODUCTS):
        pictures = [
            image_service.Upload(
                f"{name} {k + 1}.jpg", demo_images.product_picture(name, index * 10 + k, category)
            )
            for k in range(2)
        ]
        product = image_service.create_product_with_images(
            pictures,
            name=name,
            description=description,
            price=Decimal(price),
            stock_quantity=12,
            category_id=categories.ensure_category(category).id,
        )
        ids.append(product.id)
    cart.add_to_cart(shopper.id, ids[0], 2)
    order = orders.place_order(shopper.id, "House 4, Road 2, Dhaka").order
    cart.add_to_cart(shopper.id, ids[2], 1)
    cart.add_to_cart(shopper.id, ids[4], 1)
    return {"products": ids, "order": order.id}


def _settle(page) -> None:
    """Scroll to the end and back so that lazy pictures (and those a narrower
    viewport picks from a srcset) have loaded before the full-page shot."""
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    # A picture that never shows (off-screen in a scrolled box) spoils nothing.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            "[...document.images].every(img => img.complete)", polling=100, timeout=5_000
        )
    page.evaluate("window.scrollTo(0, 0)")


def _shoot(page, path: str, name: str, heading) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        _settle(page)
        save_screenshot(page, f"screenshots/{name}-{label}")
    page.set_viewport_size(DESKTOP)


def test_screenshots_of_both_faces_at_desktop_and_phone_width(page, in_app, browser, live_server):
    from tests.conftest import artifacts_dir

    folder = artifacts_dir() / "screenshots"
    folder.mkdir(exist_ok=True)
    shop = in_app(_set_up_shop)
    mug, bottle = shop["products"][0], shop["products"][2]

    log_in(page, ADMIN, ADMIN_PASSWORD)
    _shoot(page, "/admin/", "admin-dashboard", "Dashboard")
    _shoot(page, "/admin/products", "admin-products", "Products")
    _shoot(page, f"/admin/orders/{shop['order']}", "admin-order", f"Order #{shop['order']}")
    _shoot(page, f"/admin/products/{mug}/edit", "admin-product-form", re.compile("Ceramic Mug"))

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    shopper = context.new_page()
    try:
        log_in(shopper, SHOPPER, CUSTOMER_PASSWORD)
        _shoot(shopper, "/", "shop-home", re.compile("Everyday things"))
        _shoot(shopper, "/products", "shop-catalog", re.compile("."))
        _shoot(shopper, f"/products/{bottle}", "shop-product", "Steel Water Bottle")
        _shoot(shopper, "/cart", "shop-cart", "Your cart")
        _shoot(shopper, "/checkout", "shop-checkout", "Checkout")
    finally:
        context.close()

    shots = sorted(p.name for p in folder.glob("*.png"))
    assert len([s for s in shots if s.endswith("-desktop.png")]) >= 9
    assert len([s for s in shots if s.endswith("-phone.png")]) >= 9
