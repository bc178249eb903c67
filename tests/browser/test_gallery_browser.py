"""The gallery in Chromium: an admin creates a product with three images and reorders
them; a shopper on a 390 px phone, with and without script, looks through them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from storefront.services import accounts
from tests.browser.conftest import PHONE, assert_accessible, log_in, save_screenshot
from tests.conftest import ADMIN_PASSWORD
from tests.gallery_helpers import picture

pytestmark = pytest.mark.browser

ADMIN = "boss@example.com"
RED, GREEN, BLUE = (200, 30, 40), (30, 160, 60), (40, 60, 200)


def _png_file(name: str, colour) -> dict:
    return {"name": name, "mimeType": "image/png", "buffer": picture(colour, (1200, 900))}


def _gallery_srcs(page) -> list[str]:
    items = page.get_by_test_id("gallery-item")
    return [items.nth(i).locator("img").get_attribute("src") for i in range(items.count())]


def test_an_admin_creates_a_product_with_three_images_and_reorders_them(
    browser, live_server, in_app
):
    in_app(accounts.register, ADMIN, ADMIN_PASSWORD, "Boss Admin", role="admin")
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        log_in(page, ADMIN, ADMIN_PASSWORD)
        page.goto("/admin/products/new")
        page.get_by_label("Name").fill("Striped scarf")
        page.get_by_label("Price").fill("950.00")
        page.get_by_label("Opening stock").fill("6")
        page.get_by_label("Images (optional)").set_input_files(
            [_png_file("red.png", RED), _png_file("green.png", GREEN), _png_file("blue.png", BLUE)]
        )
        page.get_by_role("button", name="Create product").click()
        expect(page.locator(".flash-success")).to_contain_text("created with 3 images")
        expect(page.get_by_test_id("gallery-item")).to_have_count(3)
        red, green, blue = _gallery_srcs(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        save_screenshot(page, "admin-gallery-phone")

        # Blue up one place, then green becomes the cover.
        page.get_by_role("button", name="Move up image 3").click()
        expect(page.locator(".flash-success")).to_contain_text("Order saved")
        assert _gallery_srcs(page) == [red, blue, green]
        page.get_by_role("button", name="Make cover (image 3)").click()
        expect(page.locator(".flash-success")).to_contain_text("Cover changed")
        assert _gallery_srcs(page) == [green, red, blue]
        page.get_by_label("Alt text of image 3").fill("Blue stripes, folded")
        page.get_by_role("button", name="Save alt text of image 3").click()
        expect(page.locator(".flash-success")).to_contain_text("Alt text saved")
        expect(page.get_by_label("Alt text of image 3")).to_have_value("Blue stripes, folded")
        assert_accessible(page)

        # The catalog shows the new cover.
        page.goto("/products?q=scarf")
        card = page.get_by_test_id("product-card").get_by_role("img", name="Striped scarf")
        assert card.get_attribute("src") == green
    finally:
        context.close()


def _set_up_scarf(in_app):
    from storefront.services import catalog, images

    def make():
        product = catalog.create_product(name="Striped scarf", price="950.00", stock_quantity=6)
        colours = (RED, GREEN, BLUE)
        batch = [images.Upload(f"{i}.png", picture(c, (1200, 900))) for i, c in enumerate(colours)]
        added = images.add_images(product.id, batch)
        images.update_image(product.id, added[2].id, alt="Blue stripes, folded")
        return f"/products/{product.id}-{product.slug}"

    return in_app(make)


@pytest.mark.parametrize("script", [False, True], ids=["without-script", "with-script"])
def test_the_gallery_works_on_a_phone(browser, live_server, in_app, script):
    url = _set_up_scarf(in_app)
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=script
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto(url)
        large = page.get_by_test_id("gallery-large")
        expect(large).to_have_attribute("alt", "Striped scarf")
        # A 390 px phone at 1x loads a narrow copy, not the 1200 px original.
        current = large.evaluate("i => i.currentSrc")  # goto waited for the load event
        assert re.search(r"_w(320|640)\.png$", current), current
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        thumbs = page.locator("a.gallery-thumb")
        expect(thumbs).to_have_count(3)
        page.get_by_role("link", name="Image 3 of 3: Blue stripes, folded").click()
        expect(page).to_have_url(re.compile(r"\?image=\d+$"))
        expect(large).to_have_attribute("alt", "Blue stripes, folded")
        expect(thumbs.nth(2)).to_have_attribute("aria-current", "true")
        # Without script the click loads a new page: measure it once its stylesheet is in
        # (the DOM can be read before, laid out at the picture's natural 1,200 px).
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        if script:  # axe runs as a script: not in a page without one
            save_screenshot(page, "shop-gallery-phone")
            assert_accessible(page)
    finally:
        context.close()
