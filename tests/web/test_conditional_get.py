"""Catalog answers carry an ETag and answer If-None-Match with 304, yet never
stand for an old price or stock; guest pages stop rewriting the session cookie."""

from __future__ import annotations

import pytest

from storefront.services import catalog, categories, inventory
from tests.api.conftest import bearer
from tests.conftest import CUSTOMER_PASSWORD
from tests.web.conftest import log_in_with_form


@pytest.fixture
def mug(make_product):
    return make_product(name="Ceramic Mug", price="12.50", stock=5, category="Kitchen")


def product_page(product) -> str:
    return f"/products/{product.id}-{product.slug}"


def catalog_urls(product) -> list[str]:
    return [
        "/api/products",
        "/api/products?per_page=100&sort=price_asc",
        "/api/products/search?q=mug",
        f"/api/products/{product.id}",
        "/api/categories",
        "/",
        "/products",
        "/products?q=mug",
        product_page(product),
    ]


def test_each_catalog_answer_has_an_etag_and_a_match_is_304(client, mug):
    for url in catalog_urls(mug):
        first = client.get(url)
        assert first.status_code == 200, url
        etag = first.headers["ETag"]
        assert "no-cache" in first.headers["Cache-Control"], url
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304, url
        assert again.get_data() == b""
        assert again.headers["ETag"] == etag
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_pages_are_private_and_the_api_varies_by_token(client, mug):
    assert client.get("/products").headers["Cache-Control"] == "private, no-cache"
    api = client.get("/api/products")
    assert api.headers["Cache-Control"] == "no-cache"
    assert "Authorization" in api.headers["Vary"]


@pytest.mark.parametrize(
    "change",
    ["price", "stock", "name", "category", "image", "archive"],
)
def test_any_change_to_a_product_changes_the_tag(client, mug, change):
    urls = [u for u in catalog_urls(mug) if "search" not in u and "q=" not in u]
    tags = {url: client.get(url).headers["ETag"] for url in urls}
    if change == "price":
        catalog.update_product(mug.id, price="11.00")
    elif change == "stock":
        inventory.adjust_stock(mug.id, -1, "broken", None)
    elif change == "name":
        catalog.update_product(mug.id, name="Ceramic Mug Deluxe")
    elif change == "category":
        catalog.update_product(mug.id, category_id=categories.create_category("Tableware").id)
    elif change == "image":
        catalog.set_product_image(mug.id, "products/new.jpg")
    elif change == "archive":
        catalog.archive_product(mug.id)
    mug = catalog.get_product(mug.id, include_inactive=True)
    for url, tag in tags.items():
        if url.startswith("/products/"):
            url = product_page(mug)
        response = client.get(url, headers={"If-None-Match": tag})
        if change == "archive" and url.endswith((f"/{mug.id}", f"-{mug.slug}")):
            assert response.status_code == 404, url
            continue
        if url == "/api/categories" and change != "category" and change != "archive":
            assert response.status_code == 304, (change, url)  # counts, not prices or stock
            continue
        assert response.status_code == 200, (change, url)
        assert response.headers["ETag"] != tag


def test_errors_and_private_answers_carry_no_etag(client, mug, customer):
    assert "ETag" not in client.get("/api/products/999999").headers
    assert "ETag" not in client.get("/api/products?per_page=0").headers
    token = client.post(
        "/api/auth/login", json={"email": customer.email, "password": CUSTOMER_PASSWORD}
    ).get_json()["access_token"]
    assert "ETag" not in client.get("/api/users/me", headers=bearer(token)).headers


def test_a_guests_pages_do_not_rewrite_the_session_cookie(make_app, mug):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    # The login form puts a CSRF token in a new session: one cookie, once.
    first = client.get("/login")
    assert first.headers.getlist("Set-Cookie")
    for url in ["/", "/products", "/products?q=mug", product_page(mug), "/api/products"]:
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers.getlist("Set-Cookie") == [], url


def test_a_login_moved_to_another_browser_is_still_ended(client, customer):
    # Strong session protection still applies to a session that holds a login.
    assert log_in_with_form(client, customer.email).status_code == 303
    assert client.get("/account").status_code == 200
    moved = client.get("/account", headers={"User-Agent": "Another browser/1.0"})
    assert moved.status_code == 302
    assert "/login" in moved.headers["Location"]
