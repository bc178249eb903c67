"""Absolute URLs never follow the Host header a request claims.

With ``Host: evil.example`` the API's image URLs and the product page's
canonical link used to point at ``http://evil.example/...``; a cache in front
could hand that to everyone. They now come from ``PUBLIC_BASE_URL``, or are
site-relative where it is unset.
"""

from __future__ import annotations

import pytest

from storefront import demo_images
from storefront.config import ConfigError, public_base_url
from storefront.services import images
from tests.api.conftest import bearer
from tests.conftest import CUSTOMER_PASSWORD

EVIL = {"Host": "evil.example"}
BASE = "https://shop.example.com"


@pytest.fixture
def pictured(app, make_product):
    product = make_product(name="Pictured Mug")
    images.replace_product_image(product.id, demo_images.demo_image("mug", (200, 60, 60), 1))
    return product


def _api_image_urls(client, product, customer) -> list[str]:
    body = client.get(f"/api/products/{product.id}", headers=EVIL).get_json()
    urls = [body["image_url"], body["thumbnail_url"]]
    listing = client.get("/api/products", headers=EVIL).get_json()["items"][0]
    urls += [listing["image_url"], listing["thumbnail_url"]]
    login = {"email": customer.email, "password": CUSTOMER_PASSWORD}
    token = client.post("/api/auth/login", json=login).get_json()["access_token"]
    headers = {**EVIL, **bearer(token)}
    client.post("/api/cart/items", json={"product_id": product.id, "quantity": 1}, headers=headers)
    line = client.get("/api/cart", headers=headers).get_json()["items"][0]["product"]
    return [*urls, line["image_url"], line["thumbnail_url"]]


def test_without_a_public_base_url_image_urls_are_site_relative(client, pictured, customer):
    urls = _api_image_urls(client, pictured, customer)
    assert all(url.startswith("/media/products/") for url in urls), urls
    assert client.get(urls[0]).status_code == 200


def test_with_a_public_base_url_image_urls_start_with_it_whatever_the_host(
    make_app, make_user, make_product
):
    app = make_app(PUBLIC_BASE_URL=BASE)
    with app.app_context():
        customer = make_user(email="host-shopper@example.com")
        product = make_product(name="Pictured Mug")
        images.replace_product_image(product.id, demo_images.demo_image("mug", (200, 60, 60), 1))
        urls = _api_image_urls(app.test_client(), product, customer)
    assert all(url.startswith(f"{BASE}/media/products/") for url in urls), urls


@pytest.mark.parametrize("base", [None, BASE])
def test_the_product_pages_canonical_og_and_json_ld_urls_ignore_the_host(
    make_app, make_product, base
):
    app = make_app(PUBLIC_BASE_URL=base)
    with app.app_context():
        product = make_product(name="Pictured Mug")
        page = app.test_client().get(f"/products/{product.id}-{product.slug}", headers=EVIL)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "evil.example" not in html
    path = f"/products/{product.id}-{product.slug}"
    assert f'<link rel="canonical" href="{base or ""}{path}">' in html
    assert f'<meta property="og:url" content="{base or ""}{path}">' in html
    assert f'"url": "{base or ""}{path}"' in html  # the JSON-LD


def test_the_api_docs_never_name_the_requests_host(client):
    assert b"evil.example" not in client.get("/api/docs", headers=EVIL).data


@pytest.mark.parametrize(
    "value", ["shop.example.com", "javascript:alert(1)", "ftp://shop.example.com", "https://"]
)
def test_a_public_base_url_that_is_not_an_address_stops_the_store(value):
    with pytest.raises(ConfigError):
        public_base_url(value)


def test_a_public_base_url_is_kept_without_its_trailing_slash():
    assert public_base_url(" https://shop.example.com/ ") == BASE
    assert public_base_url("http://127.0.0.1:8000/shop/") == "http://127.0.0.1:8000/shop"
    assert public_base_url("") is None
