"""Hostile text in every query argument and form field of every page: never a 5xx.

The test walks the app's URL map, opens each page a guest, a customer and an
admin can see, reads every form (its fields and defaults) and every link's
query arguments, then sends each argument and field again holding a NUL, a
lone surrogate (as the bytes a client would send for one), 10,000 characters
and SQL metacharacters. PostgreSQL refuses NUL in text, so this matters most
there (``make test-postgres``); the API's query arguments get the same.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from storefront.services import cart, orders
from tests.api.conftest import bearer
from tests.conftest import ADMIN_PASSWORD, CUSTOMER_PASSWORD
from tests.web.conftest import log_in_with_form

# Already percent-encoded, as they go on the wire.
HOSTILE = {
    "nul": "%00",
    "nul inside": "ab%00cd",
    # A lone surrogate has no UTF-8 form: a client sends the bytes of its CESU-8 form.
    "lone surrogate": "%ED%A0%80",
    "10,000 characters": "x" * 10_000,
    "sql": quote("' OR '1'='1'; DROP TABLE users; -- %_\\", safe=""),
}
# Not pages: files, the API's own documents, and the one form that ends the walk.
SKIPPED_PATHS = ("/static/", "/media/", "/api/docs", "/api/openapi.json")
SKIPPED_ACTIONS = {"/logout"}


class PageReader(HTMLParser):
    """Every form's method, action and fields (with the value it would send) and every link."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            self.forms.append(
                {
                    "method": (attrs.get("method") or "get").upper(),
                    "action": attrs.get("action") or "",
                    "fields": {},
                }
            )
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"] if self.forms else {}
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("checkbox", "radio", "file"):
            fields.setdefault(name, attrs.get("value") or "")
        elif tag == "input" and name and ("checked" in attrs or name not in fields):
            fields[name] = attrs.get("value") or "y" if "checked" in attrs else ""
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            fields.setdefault(name, "")
        elif tag == "button" and name:
            fields.setdefault(name, attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def _encode(fields: dict[str, str], hostile_name: str, hostile_value: str) -> str:
    pairs = [
        f"{quote(name, safe='')}="
        + (hostile_value if name == hostile_name else quote(value, safe=""))
        for name, value in fields.items()
    ]
    if hostile_name not in fields:
        pairs.append(f"{quote(hostile_name, safe='')}={hostile_value}")
    return "&".join(pairs)


def _fill(rule: str, ids: dict[str, str]) -> str | None:
    path = rule
    for name, value in ids.items():
        path = path.replace(name, value)
    return None if "<" in path else path


@pytest.fixture
def shop(app, make_user, make_product):
    """Something on every page: products, a cart line, an order, another customer."""
    customer = make_user("customer", email="walker@example.com")
    make_user("customer", email="someone@example.com")
    admin = make_user("admin", email="walking-admin@example.com")
    products = [make_product(name=f"Walk {n}", stock=50) for n in range(3)]
    # A category whose slug is the product's ("walk-1"): /c/<slug> is a real page too.
    make_product(name="Walk shirt", category="Walk 1")
    cart.add_to_cart(customer.id, products[0].id, 1)
    order = orders.place_order(customer.id, "1 Test Road").order
    line = cart.add_to_cart(customer.id, products[1].id, 1).lines[0]
    return {
        "customer": customer,
        "admin": admin,
        "ids": {
            "<int:product_id>": str(products[1].id),
            "<slug>": products[1].slug,
            "<int:order_id>": str(order.id),
            "<int:user_id>": str(customer.id),
            "<int:line>": str(line.item_id),
            "<int:category_id>": str(products[1].category_id),
        },
    }


def _page_targets(app, ids) -> list[str]:
    paths = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(SKIPPED_PATHS):
            continue
        if rule.rule.startswith("/api"):
            continue
        path = _fill(rule.rule, ids)
        if path:
            paths.add(path)
    return sorted(paths)


def _walk_pages(client, app, ids) -> list[tuple]:
    """Open every page, and send hostile text in each argument and field found; the 5xxs."""
    failures = []
    gets: dict[str, dict[str, str]] = {}
    posts: dict[str, dict[str, str]] = {}
    for path in _page_targets(app, ids):
        response = client.get(path)
        assert response.status_code < 500, (path, response.status_code)
        gets.setdefault(path, {"page": "1", "next": "/"})
        if response.mimetype != "text/html":
            continue
        reader = PageReader()
        reader.feed(response.get_data(as_text=True))
        for href in reader.links:
            parts = urlsplit(href)
            if parts.query and not parts.netloc and parts.path:
                gets.setdefault(parts.path, {}).update(parse_qsl(parts.query))
        for form in reader.forms:
            action = urlsplit(form["action"]).path or path
            if form["method"] == "GET":
                gets.setdefault(action, {}).update(form["fields"])
            elif action not in SKIPPED_ACTIONS:
                posts.setdefault(action, {}).update(form["fields"])
    assert gets and posts
    for path, fields in gets.items():
        for name in fields:
            for label, value in HOSTILE.items():
                response = client.get(f"{path}?{_encode(fields, name, value)}")
                if response.status_code >= 500:
                    failures.append(("GET", path, name, label, response.status_code))
    for path, fields in posts.items():
        for name in fields:
            if name == "csrf_token":
                continue
            for label, value in HOSTILE.items():
                response = client.post(
                    path,
                    data=_encode(fields, name, value),
                    content_type="application/x-www-form-urlencoded",
                )
                if response.status_code >= 500:
                    failures.append(("POST", path, name, label, response.status_code))
    return failures


@pytest.mark.parametrize("role", ["guest", "customer", "admin"])
def test_hostile_text_in_any_page_argument_or_field_is_never_a_5xx(app, client, shop, role):
    if role != "guest":
        password = ADMIN_PASSWORD if role == "admin" else CUSTOMER_PASSWORD
        assert log_in_with_form(client, shop[role].email, password).status_code == 303
    assert _walk_pages(client, app, shop["ids"]) == []


@pytest.mark.parametrize("path", ["/products", "/admin/users", "/admin/orders", "/admin/products"])
def test_a_nul_in_a_listing_filter_is_refused_with_400(client, shop, path):
    log_in_with_form(client, shop["admin"].email, ADMIN_PASSWORD)
    for name in ("q", "category", "customer"):
        response = client.get(f"{path}?{name}=a%00b")
        assert response.status_code == 400, (path, name)
        assert "understand that request" in response.get_data(as_text=True)


def test_a_nul_in_a_form_field_is_refused_with_400(client, shop):
    response = client.post("/login", data={"email": "a\x00@example.com", "password": "x"})
    assert response.status_code == 400
    response = client.post("/register", data={"email": "a@example.com", "full_name": "A\x00"})
    assert response.status_code == 400


def test_hostile_text_in_any_api_query_argument_is_never_a_5xx(client, shop):
    spec = client.get("/api/openapi.json").get_json()
    tokens = {}
    for role, password in (("customer", CUSTOMER_PASSWORD), ("admin", ADMIN_PASSWORD)):
        login = {"email": shop[role].email, "password": password}
        tokens[role] = client.post("/api/auth/login", json=login).get_json()["access_token"]
    ids = {
        "{product_id}": shop["ids"]["<int:product_id>"],
        "{category_id}": shop["ids"]["<int:category_id>"],
        "{order_id}": "1",
        "{user_id}": "1",
    }
    failures = []
    for template, operations in spec["paths"].items():
        if "get" not in operations:
            continue
        path = template
        for name, value in ids.items():
            path = path.replace(name, value)
        names = [p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "query"]
        for name in names:
            for label, value in HOSTILE.items():
                for token in (None, *tokens.values()):
                    response = client.get(
                        f"{path}?{_encode({}, name, value)}",
                        headers=bearer(token) if token else {},
                    )
                    if response.status_code >= 500:
                        failures.append((path, name, label, response.status_code))
    assert failures == []
