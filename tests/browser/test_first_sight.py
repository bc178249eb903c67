"""The issue's smaller first-sight points, checked in Chromium: one search box on
home, a phone header that Tab walks in the order the eye reads it, a real Remove
button in the cart, a register form that does not repeat its label as its
message, and API docs without internal notes or meaningless OAuth2 client fields."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import walk
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

HEADER_FOCUS = """() => {
  const e = document.activeElement;
  if (!e || !e.closest('header')) return null;
  const r = e.getBoundingClientRect();
  return {name: (e.innerText || e.getAttribute('aria-label') || e.id || e.tagName).trim(),
          top: r.top, left: r.left};
}"""


@pytest.mark.parametrize("face", ["guest", "shopper"])
def test_on_a_phone_tab_walks_the_header_as_the_eye_reads_it(browser, live_server, in_app, face):
    in_app(walk.set_up)
    with walk.signed_in(browser, live_server.url, face, PHONE) as page:
        page.goto("/")
        expect(page.get_by_role("searchbox")).to_have_count(1)  # one search box on home
        stops = []
        for _ in range(12):
            page.keyboard.press("Tab")
            stop = page.evaluate(HEADER_FOCUS)
            if stop is None and stops:
                break
            if stop:
                stops.append(stop)
        assert len(stops) >= 4, stops
        for before, after in zip(stops, stops[1:], strict=False):
            same_row = abs(after["top"] - before["top"]) <= 12
            assert (same_row and after["left"] > before["left"]) or (
                after["top"] > before["top"] + 12
            ), f"Tab goes from {before} back to {after}"


def test_the_cart_removes_a_line_with_a_real_button(browser, live_server, in_app):
    in_app(walk.set_up)
    with walk.signed_in(browser, live_server.url, "shopper", DESKTOP) as page:
        page.goto("/cart")
        remove = page.get_by_role("button", name=re.compile(r"^Remove "))
        expect(remove).to_have_count(1)
        expect(page.get_by_role("link", name=re.compile(r"^Remove"))).to_have_count(0)


def test_the_register_form_does_not_repeat_its_label_as_its_message(page):
    page.goto("/register")
    page.get_by_role("button", name="Create account").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Repeat the password: Type the password a second time.")
    assert "Repeat the password: Repeat the password" not in page.content()


def test_the_api_docs_hold_no_internal_notes_and_ask_only_email_and_password(page):
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()
    assert "Choices made" not in page.locator("body").inner_text()
    page.get_by_role("button", name=re.compile("Authorize")).first.click()
    expect(page.locator("#oauth_username")).to_be_visible()
    expect(page.locator("#oauth_password")).to_be_visible()
    expect(page.locator("#client_id")).to_be_hidden()
    expect(page.locator("#client_secret")).to_be_hidden()
