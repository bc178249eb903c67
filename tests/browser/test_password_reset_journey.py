"""Forgot password, in Chromium: the mail is read from a real SMTP server, the link
is followed, and afterwards every old session and API token is dead and the link
no longer works."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from storefront import mail
from storefront.services import accounts, outbox
from tests.browser.conftest import assert_accessible, log_in, save_screenshots
from tests.conftest import CUSTOMER_PASSWORD
from tests.mailserver import SmtpServer, text_of

pytestmark = pytest.mark.browser

NEW_PASSWORD = "my new long passphrase"


@pytest.fixture
def smtp(live_app, live_server):
    server = SmtpServer().start()
    live_app.config.update(
        MAIL_SERVER=server.host, MAIL_PORT=server.port, PUBLIC_BASE_URL=live_server.url
    )
    mail.init_app(live_app)
    yield server
    server.stop()


def test_a_shopper_resets_a_forgotten_password_from_the_mailed_link(
    browser, page, live_app, live_server, in_app, smtp
):
    in_app(accounts.register, "asha@example.com", CUSTOMER_PASSWORD, "Asha")
    # Logged in elsewhere: another browser, and an API client.
    other = browser.new_context(base_url=live_server.url)
    other_page = other.new_page()
    log_in(other_page, "asha@example.com", CUSTOMER_PASSWORD)
    api = live_app.test_client()
    tokens = api.post(
        "/api/auth/login", json={"email": "asha@example.com", "password": CUSTOMER_PASSWORD}
    ).get_json()

    page.goto("/login")
    page.get_by_role("link", name="Forgot password?").click()
    expect(page.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill("asha@example.com")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    assert in_app(outbox.deliver_due).sent == 1
    (message,) = smtp.to("asha@example.com")
    (link,) = set(re.findall(r"http\S+/reset-password/\S+", text_of(message)))
    assert link.startswith(live_server.url)

    page.goto(link)
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    save_screenshots(page, "reset-password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill("not the same")
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_text("The two passwords differ.").first).to_be_visible()
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".flash-success").first).to_contain_text("Your password is changed")

    # The other browser's session and the API's tokens ended with the old password.
    other_page.goto("/account")
    expect(other_page).to_have_url(re.compile(r"/login"))
    other.close()
    me = api.get("/api/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 401
    refresh = api.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 401

    # The link worked once.
    page.goto(link)
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()

    log_in(page, "asha@example.com", NEW_PASSWORD)
