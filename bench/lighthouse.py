"""``make lighthouse``: Lighthouse on the store with demo data, as in production.

Lighthouse comes from its npm package, pinned in .lighthouse/package.json (and
its lock) and installed into .lighthouse/node_modules (gitignored); it drives
Debian's Chromium (``CHROME_PATH``, default /usr/bin/chromium). The store runs on
gunicorn (``STOREFRONT_ENV=production``, a free port, ``--no-control-socket``)
over a temporary SQLite database filled by ``seed-demo`` and ``seed-demo-orders``.

Pages: home, catalog, a product, the cart (a shopper's, with two lines) and the
back office's dashboard, the last two with a session made by logging in over
HTTP and handed to Lighthouse as a ``Cookie`` header (``--extra-headers``).
Categories: performance, accessibility, best practices, SEO (desktop preset
unless ``LIGHTHOUSE_FORM_FACTOR=mobile``). Reports (JSON and HTML) go to
test-artifacts/lighthouse/; a table of scores is printed. Not part of CI.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from bench.web import BIN, ROOT, Server, free_port, store_env

LIGHTHOUSE_DIR = ROOT / ".lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / "test-artifacts" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SHOPPER = ("lighthouse-shopper@example.com", "lighthouse-pass-123")
ADMIN = ("lighthouse-admin@example.com", "lighthouse-admin-123")
# The store binds a session to the browser that logged in (Flask-Login's "strong"
# protection hashes the address and the User-Agent): the login below and Lighthouse
# send the same User-Agent, Lighthouse's own for the form factor.
USER_AGENTS = {
    "desktop": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/136.0.0.0 Safari/537.36",
    "mobile": "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/136.0.0.0 Mobile Safari/537.36",
}
FORM_FACTOR = os.environ.get("LIGHTHOUSE_FORM_FACTOR", "desktop")
USER_AGENT = USER_AGENTS[FORM_FACTOR]


def install() -> None:
    """npm ci from the committed lock (npm install when there is none)."""
    if LIGHTHOUSE.exists():
        return
    lock = (LIGHTHOUSE_DIR / "package-lock.json").exists()
    command = ["npm", "ci" if lock else "install", "--no-audit", "--no-fund", "--loglevel=error"]
    subprocess.run(command, cwd=LIGHTHOUSE_DIR, check=True)


def flask(env: dict, *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def prepare(env: dict) -> int:
    """Demo catalog and orders, an admin, and a shopper with two lines in the cart;
    returns the first of those products' ids."""
    flask(env, "db", "upgrade")
    flask(env, "seed-demo")
    flask(env, "seed-demo-orders")
    script = f"""
from storefront import create_app
from storefront.extensions import db
from storefront.models import Product
from storefront.services import accounts, cart
from sqlalchemy import select
app = create_app()
with app.app_context():
    accounts.create_admin({ADMIN[0]!r}, {ADMIN[1]!r}, "Lighthouse Admin")
    user = accounts.register({SHOPPER[0]!r}, {SHOPPER[1]!r}, "Lighthouse Shopper")
    stocked = db.session.scalars(
        select(Product.id).where(Product.stock_quantity > 0).order_by(Product.id).limit(2)
    ).all()
    for product_id in stocked:
        cart.add_to_cart(user.id, product_id, 1)
    print(stocked[0])
"""
    done = subprocess.run(
        [str(BIN / "python"), "-c", script],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.split()[-1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _cookies(response) -> dict[str, str]:
    found = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def log_in(base: str, email: str, password: str) -> str:
    """A session's ``Cookie`` header, got through the login form as a browser would."""
    opener = urllib.request.build_opener(_NoRedirect)
    opener.addheaders = [("User-Agent", USER_AGENT)]
    with opener.open(f"{base}/login", timeout=30) as page:  # noqa: S310 (loopback)
        cookies = _cookies(page)
        body = page.read().decode()
    token = html.unescape(re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body).group(1))
    form = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password})
    request = urllib.request.Request(
        f"{base}/login",
        data=form.encode(),
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
    )
    try:
        response = opener.open(request, timeout=30)  # noqa: S310 (loopback)
    except urllib.error.HTTPError as exc:  # the redirect after a login
        response = exc
    if response.status not in (302, 303):
        raise RuntimeError(f"logging in as {email} answered {response.status}")
    cookies.update(_cookies(response))
    header = "; ".join(f"{k}={v}" for k, v in cookies.items())
    # Follow the redirect once, so that its "Welcome back" is not on the measured page.
    landing = urllib.parse.urljoin(f"{base}/login", response.headers["Location"])
    request = urllib.request.Request(landing, headers={"Cookie": header})
    with opener.open(request, timeout=30) as page:  # noqa: S310 (loopback)
        cookies.update(_cookies(page))
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def product_path(base: str, product_id: int) -> str:
    """The product page's own address (``/products/<id>`` redirects to it, with a slug)."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(f"{base}/products/{product_id}", timeout=30)  # noqa: S310 (loopback)
    except urllib.error.HTTPError as exc:
        if exc.status in (301, 302, 303, 308):
            return urllib.parse.urlsplit(urllib.parse.urljoin(base, exc.headers["Location"])).path
    return f"/products/{product_id}"


def run_lighthouse(url: str, name: str, cookie: str | None) -> dict[str, int]:
    REPORTS.mkdir(parents=True, exist_ok=True)
    out = REPORTS / name
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        "--output=html",
        f"--output-path={out}",
        "--only-categories=" + ",".join(CATEGORIES),
        '--chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"',
    ]
    if FORM_FACTOR == "desktop":
        command.append("--preset=desktop")
    command.append(f"--emulatedUserAgent={USER_AGENT}")
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    env = dict(os.environ, CHROME_PATH=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    subprocess.run(command, env=env, check=True)
    report = json.loads(Path(f"{out}.report.json").read_text())
    return {key: round((report["categories"][key]["score"] or 0) * 100) for key in CATEGORIES}


def main() -> int:
    if not shutil.which("npm"):
        print("npm is needed to install Lighthouse (apt-get install npm)", file=sys.stderr)
        return 1
    install()
    with tempfile.TemporaryDirectory(prefix="storefront-lighthouse-") as tmp:
        instance = Path(tmp)
        env = store_env("sqlite:///" + str(instance / "store.db"), instance)
        env["SECRET_KEY"] = secrets.token_urlsafe(32)
        env["JWT_SECRET_KEY"] = secrets.token_urlsafe(32)
        env["STOREFRONT_ENV"] = "production"
        print("Seeding a demo store ...", flush=True)
        product_id = prepare(env)
        # Canonical and Open Graph URLs are absolute only with the shop's address.
        port = free_port()
        env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
        server = Server("wsgi:app", env, instance, "gunicorn", workers=2, port=port)
        try:
            server.wait("/")
            base = server.url("")
            shopper = log_in(base, *SHOPPER)
            admin = log_in(base, *ADMIN)
            product = product_path(base, product_id)
            pages = [
                ("home", "/", None),
                ("catalog", "/products", None),
                ("product", product, None),
                ("cart", "/cart", shopper),
                ("dashboard", "/admin/", admin),
            ]
            rows = []
            for name, path, cookie in pages:
                print(f"Lighthouse: {name} ({path}) ...", flush=True)
                rows.append((name, path, run_lighthouse(base + path, name, cookie)))
        finally:
            server.stop()
    print()
    print("| Page | URL | " + " | ".join(CATEGORIES) + " |")
    print("|---|---|" + "---:|" * len(CATEGORIES))
    for name, path, scores in rows:
        print(f"| {name} | `{path}` | " + " | ".join(str(scores[c]) for c in CATEGORIES) + " |")
    print(f"\nReports: {REPORTS.relative_to(ROOT)}/<page>.report.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
