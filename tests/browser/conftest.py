"""Browser tests: the real app served on loopback, driven by Debian's Chromium.

Chromium comes from Debian (``apt-get install chromium``), never from a
Playwright download. Without it the browser tests skip on a laptop; under
``CI=true`` a skip is a failure (see tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

pytestmark = pytest.mark.browser


def _chromium_available() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _chromium_available()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app):
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture
def live_app(make_app):
    """The app as a browser meets it: CSRF on, like production."""
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def live_server(live_app):
    server = LiveServer(live_app).start()
    yield server
    server.stop()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    # A bound on a hang, not a speed target: on two busy cores a page can take
    # several seconds, and expect() still polls until it is true.
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def in_app(live_app):
    """Run service calls (set-up, checks) against the live server's database."""

    def run(func, *args, **kwargs):
        with live_app.app_context():
            try:
                return func(*args, **kwargs)
            finally:
                from storefront.extensions import db

                db.session.remove()

    return run


def accessibility_violations(page, min_impact=("serious", "critical")) -> list[str]:
    """axe-core's violations of serious or critical impact on the current page, one line each.

    The axe script comes with the axe-playwright-python package, not from a CDN."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:5])
        for v in results.response["violations"]
        if v.get("impact") in min_impact
    ]


def assert_accessible(page, min_impact=("serious", "critical")):
    """No axe-core violation of serious or critical impact on the current page."""
    bad = accessibility_violations(page, min_impact)
    assert not bad, f"accessibility violations on {page.url}:\n" + "\n".join(bad)


def save_screenshot(page, name: str) -> Path:
    from tests.conftest import artifacts_dir

    path = artifacts_dir() / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def log_in(page, email: str, password: str) -> None:
    """Log in through the login page, as a shopper would."""
    from playwright.sync_api import expect

    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".flash-success").first).to_contain_text("Welcome back")


def save_screenshots(page, name: str) -> list[Path]:
    """The current page at desktop and phone width (``<name>-desktop/-phone.png``)."""
    paths = []
    size = page.viewport_size
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        paths.append(save_screenshot(page, f"{name}-{label}"))
    page.set_viewport_size(size)
    return paths


def fill_address(page, line1: str = "House 4, Road 2", **fields) -> None:
    """Fill the structured address form (checkout or the address book) as a shopper would."""
    values = {
        "Full name": fields.get("full_name", "Sumi Shopper"),
        "Phone": fields.get("phone", "+880 1712-345678"),
        "Address line 1": line1,
        "City or town": fields.get("city", "Dhaka"),
        "Postal code (optional)": fields.get("postal_code", "1205"),
    }
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)
