"""The contract and the document agree; every protected endpoint refuses strangers.

``ENDPOINTS`` is api.md's endpoint table, kept here as data (the tests never
read ../shared).
"""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import assert_problem

# (method, path, who) from api.md's table.
ENDPOINTS = [
    ("POST", "/api/auth/register", "anyone"),
    ("POST", "/api/auth/login", "anyone"),
    ("POST", "/api/auth/refresh", "refresh token"),
    ("POST", "/api/auth/logout", "any user"),
    # Issue 10 (email): password reset.
    ("POST", "/api/auth/password-reset", "anyone"),
    ("POST", "/api/auth/password-reset/confirm", "anyone"),
    ("POST", "/api/products/{id}/stock-alerts", "anyone"),
    ("GET", "/api/users/me", "any user"),
    ("PUT", "/api/users/me", "any user"),
    # issue 11: the address book
    ("GET", "/api/users/me/addresses", "any user"),
    ("POST", "/api/users/me/addresses", "any user"),
    ("GET", "/api/users/me/addresses/{id}", "any user"),
    ("PUT", "/api/users/me/addresses/{id}", "any user"),
    ("DELETE", "/api/users/me/addresses/{id}", "any user"),
    ("GET", "/api/shipping-methods", "anyone"),
    ("GET", "/api/shipping-methods/{id}", "anyone"),
    ("POST", "/api/shipping-methods", "admin"),
    ("PUT", "/api/shipping-methods/{id}", "admin"),
    ("DELETE", "/api/shipping-methods/{id}", "admin"),
    ("GET", "/api/discount-codes", "admin"),
    ("POST", "/api/discount-codes", "admin"),
    ("GET", "/api/discount-codes/{id}", "admin"),
    ("PUT", "/api/discount-codes/{id}", "admin"),
    ("DELETE", "/api/discount-codes/{id}", "admin"),
    ("GET", "/api/users", "admin"),
    ("GET", "/api/users/{id}", "admin"),
    ("DELETE", "/api/users/{id}", "admin"),
    ("GET", "/api/categories", "anyone"),
    ("GET", "/api/categories/{id}", "anyone"),
    ("POST", "/api/categories", "admin"),
    ("PUT", "/api/categories/{id}", "admin"),
    ("DELETE", "/api/categories/{id}", "admin"),
    ("GET", "/api/products", "anyone"),
    ("GET", "/api/products/search", "anyone"),
    ("GET", "/api/products/{id}", "anyone"),
    ("POST", "/api/products", "admin"),
    ("PUT", "/api/products/{id}", "admin"),
    ("DELETE", "/api/products/{id}", "admin"),
    ("POST", "/api/products/{id}/image", "admin"),
    # issue 12: a gallery per product
    ("POST", "/api/products/{id}/images", "admin"),
    ("PUT", "/api/products/{id}/images/{image_id}", "admin"),
    ("DELETE", "/api/products/{id}/images/{image_id}", "admin"),
    ("POST", "/api/products/{id}/stock", "admin"),
    ("GET", "/api/products/{id}/stock-movements", "admin"),
    ("PUT", "/api/products/{id}/options", "admin"),
    ("GET", "/api/products/export.csv", "admin"),
    ("POST", "/api/products/import", "admin"),
    ("PATCH", "/api/products/{id}/variants/{variant_id}", "admin"),
    ("POST", "/api/guest-orders", "anyone"),
    ("PUT", "/api/orders/{id}/payment", "admin"),
    ("GET", "/api/guest-orders/{token}", "anyone"),
    ("GET", "/api/cart", "customer"),
    ("POST", "/api/cart/items", "customer"),
    ("PUT", "/api/cart/items/{item_id}", "customer"),
    ("DELETE", "/api/cart/items/{item_id}", "customer"),
    ("DELETE", "/api/cart", "customer"),
    ("POST", "/api/orders", "customer"),
    ("GET", "/api/orders", "admin"),
    ("GET", "/api/orders/my-orders", "customer"),
    ("GET", "/api/orders/{id}", "owner or admin"),
    ("PUT", "/api/orders/{id}/status", "admin"),
    ("DELETE", "/api/orders/{id}", "owner or admin"),
]
PROTECTED = [e for e in ENDPOINTS if e[2] in ("any user", "admin", "customer", "owner or admin")]


def _shape(path: str) -> str:
    """``/api/users/{user_id}`` and ``/api/users/{id}`` are the same path."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@pytest.fixture(scope="module")
def spec(migrated_database, tmp_path_factory):
    from storefront import create_app
    from tests.conftest import base_config

    app = create_app(base_config(migrated_database, str(tmp_path_factory.mktemp("media"))))
    return app.test_client().get("/api/openapi.json").get_json()


def _operation(spec, method, path):
    by_shape = {_shape(p): ops for p, ops in spec["paths"].items()}
    return by_shape.get(_shape(path), {}).get(method.lower())


def test_document_is_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] and spec["info"]["description"]


@pytest.mark.parametrize(("method", "path", "who"), ENDPOINTS)
def test_every_contract_endpoint_is_in_the_document(spec, method, path, who):
    operation = _operation(spec, method, path)
    assert operation is not None, f"{method} {path} is missing from /api/openapi.json"
    assert operation["summary"] and operation["responses"]
    successes = [code for code in operation["responses"] if code.startswith("2")]
    assert successes
    if who in ("any user", "admin", "customer", "owner or admin"):
        assert {"bearerAuth": []} in operation["security"]
        assert "401" in operation["responses"]
    if who in ("admin", "customer"):
        assert "403" in operation["responses"]
    if "{" in path:
        assert "404" in operation["responses"]
    if method in ("POST", "PUT") and path != "/api/auth/logout":
        assert "requestBody" in operation
        assert "422" in operation["responses"]
        assert "415" in operation["responses"]


def test_the_document_has_nothing_the_contract_lacks(spec):
    contract = {(m, _shape(p)) for m, p, _ in ENDPOINTS}
    documented = {
        (method.upper(), _shape(path))
        for path, ops in spec["paths"].items()
        for method in ops
        if method != "parameters"
    }
    assert documented == contract


def test_security_schemes_and_error_responses(spec):
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": schemes["bearerAuth"]["description"],
    }
    assert schemes["oauth2Password"]["flows"]["password"]["tokenUrl"] == "/api/auth/login"
    problem = spec["components"]["responses"]["NOT_FOUND"]["content"]
    assert list(problem) == ["application/problem+json"]
    login = _operation(spec, "POST", "/api/auth/login")
    assert set(login["requestBody"]["content"]) == {
        "application/json",
        "application/x-www-form-urlencoded",
    }
    form = spec["components"]["schemas"]["OAuth2PasswordForm"]
    assert {"username", "password"} <= set(form["required"])


def test_the_document_has_examples_and_parameters(spec):
    create = _operation(spec, "POST", "/api/products")
    assert create["requestBody"]["content"]["application/json"]["example"]["price"] == "12.50"
    listing = _operation(spec, "GET", "/api/products")
    names = {p["name"] for p in listing["parameters"]}
    assert {"q", "category", "min_price", "max_price", "in_stock", "sort", "page"} <= names
    checkout = _operation(spec, "POST", "/api/orders")
    assert any(
        p["name"] == "Idempotency-Key" and p["in"] == "header" for p in checkout["parameters"]
    )
    product = spec["components"]["schemas"]["Product"]["properties"]
    assert product["price"]["type"] == "string" and product["price"]["example"] == "1250.00"


@pytest.mark.parametrize(("method", "path", "who"), PROTECTED)
def test_protected_endpoints_refuse_a_request_without_a_token(client, method, path, who):
    response = client.open(_concrete(path), method=method, json={})
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path", "who"), [e for e in ENDPOINTS if e[2] == "admin"])
def test_admin_endpoints_refuse_a_customer(client, as_customer, method, path, who):
    assert_problem(client.open(_concrete(path), method=method, json={}, headers=as_customer), 403)


@pytest.mark.parametrize(("method", "path", "who"), [e for e in ENDPOINTS if e[2] == "customer"])
def test_customer_endpoints_refuse_an_admin(client, as_admin, method, path, who):
    assert_problem(client.open(_concrete(path), method=method, json={}, headers=as_admin), 403)


def test_swagger_ui_is_served_locally_without_inline_script(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "cdn" not in html.lower() and "https://" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for url in re.findall(r'(?:src|href)="(/[^"]+)"', html):
        assert client.get(url).status_code == 200, url
    init = client.get("/static/swagger-ui/init.js").get_data(as_text=True)
    assert "SwaggerUIBundle" in init and "validatorUrl: null" in init
    assert "/api/openapi.json" in html
