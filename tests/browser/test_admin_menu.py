"""The back office's menu on a phone: folded from the first paint (no layout shift),
opened by a tap; on a desktop, and without script, it is open."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from storefront.services import accounts
from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.conftest import ADMIN_PASSWORD

pytestmark = pytest.mark.browser

ADMIN = "menu-admin@example.com"


def _admin_page(browser, live_server, in_app, viewport, javascript=True):
    in_app(lambda: accounts.register(ADMIN, ADMIN_PASSWORD, "Menu Admin", role="admin"))
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, java_script_enabled=javascript
    )
    page = context.new_page()
    log_in(page, ADMIN, ADMIN_PASSWORD)
    return context, page


def test_on_a_phone_the_menu_is_folded_before_the_first_paint(browser, live_server, in_app):
    context, page = _admin_page(browser, live_server, in_app, PHONE)
    try:
        # Recorded while the page is parsed, when the content after the menu arrives:
        # folded by then, the menu never pushed the content down once painted.
        page.add_init_script(
            """
            new MutationObserver(function (changes, observer) {
              var main = document.querySelector("main#main");
              if (!main) return;
              var menu = document.querySelector("details.admin-menu");
              window.menuOpenWhenContentCame = menu.open;
              observer.disconnect();
            }).observe(document, {childList: true, subtree: true});
            """
        )
        page.goto("/admin/orders")
        menu = page.locator("details.admin-menu")
        assert page.evaluate("window.menuOpenWhenContentCame") is False
        products = page.locator(".admin-menu a", has_text="Products")
        expect(products).to_be_hidden()
        page.locator(".admin-menu summary").click()
        expect(products).to_be_visible()
        assert menu.get_attribute("open") is not None
    finally:
        context.close()


@pytest.mark.parametrize("viewport,javascript", [(DESKTOP, True), (PHONE, False)])
def test_on_a_desktop_or_without_script_the_menu_is_open(
    browser, live_server, in_app, viewport, javascript
):
    context, page = _admin_page(browser, live_server, in_app, viewport, javascript)
    try:
        page.goto("/admin/orders")
        expect(page.locator(".admin-menu a", has_text="Products")).to_be_visible()
    finally:
        context.close()
