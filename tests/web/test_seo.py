"""What search engines and link previews read: a description on every page,
Open Graph and schema.org Product data on product pages, robots.txt and the
sitemap (absolute only through PUBLIC_BASE_URL, never the Host header)."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET

import pytest

BASE = "https://shop.example.com"
EVIL = {"Host": "evil.example"}


def _description(page_html: str) -> str:
    match = re.search(r'<meta name="description" content="([^"]*)">', page_html)
    assert match, "no meta description"
    return html.unescape(match.group(1))


def _json_ld(page_html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page_html, re.S)
    assert match, "no JSON-LD"
    return json.loads(match.group(1))


@pytest.mark.parametrize("path", ["/", "/products", "/cart", "/login", "/register", "/api/docs"])
def test_every_page_has_a_description(client, make_product, path):
    make_product(name="Desk Lamp")
    page = client.get(path)
    assert page.status_code == 200
    assert len(_description(page.get_data(as_text=True))) > 40


def test_a_product_page_is_described_by_its_product(client, make_product):
    words = "A sturdy enamel mug that keeps tea hot. " * 10
    product = make_product(name="Enamel Mug", price="1250.50", stock=3, description=words)
    page = client.get(f"/products/{product.id}-{product.slug}").get_data(as_text=True)
    description = _description(page)
    assert description.startswith("A sturdy enamel mug that keeps tea hot.")
    assert len(description) <= 160 and description.endswith("…")
    assert '<meta property="og:type" content="product">' in page
    assert '<meta property="og:title" content="Enamel Mug">' in page
    assert '<meta property="product:price:amount" content="1250.50">' in page
    data = _json_ld(page)
    assert data["@type"] == "Product" and data["name"] == "Enamel Mug"
    assert data["offers"]["price"] == "1250.50"
    assert data["offers"]["priceCurrency"] == "BDT"
    assert data["offers"]["availability"] == "https://schema.org/InStock"


def test_an_out_of_stock_product_says_so_in_its_offer(client, make_product):
    product = make_product(name="Gone Mug", stock=0)
    page = client.get(f"/products/{product.id}-{product.slug}").get_data(as_text=True)
    assert _json_ld(page)["offers"]["availability"] == "https://schema.org/OutOfStock"


def test_a_product_name_cannot_break_out_of_the_json_ld(client, make_product):
    name = '</script><script>alert("x")</script><!--'
    product = make_product(name=name, description="</SCRIPT> & <b>bold</b>")
    page = client.get(f"/products/{product.id}-{product.slug}").get_data(as_text=True)
    # One script element of JSON-LD, then only the static script files.
    assert page.count("</script>") == page.count("<script") == len(re.findall(r"<script", page))
    assert "<script>alert" not in page
    data = _json_ld(page)
    assert data["name"] == name
    assert data["description"] == "</SCRIPT> & <b>bold</b>"


def test_the_sitemap_lists_the_shop_and_its_active_products_under_the_public_url(
    make_app, make_product
):
    app = make_app(PUBLIC_BASE_URL=BASE)
    with app.app_context():
        shown = make_product(name="Listed Mug", category="Kitchen")
        hidden = make_product(name="Archived Mug", active=False)
        shown_path, hidden_id = f"/products/{shown.id}-{shown.slug}", hidden.id
        response = app.test_client().get("/sitemap.xml", headers=EVIL)
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in ET.fromstring(response.data).findall("s:url/s:loc", ns)]
    assert f"{BASE}/" in locs and f"{BASE}/products" in locs
    assert f"{BASE}/c/kitchen" in locs  # category pages (docs/catalog.md)
    assert f"{BASE}{shown_path}" in locs
    assert not any(f"/products/{hidden_id}-" in loc for loc in locs)
    assert all(loc.startswith(BASE) for loc in locs)


def test_robots_txt_names_the_sitemap_only_when_the_public_url_is_known(make_app):
    with_base = make_app(PUBLIC_BASE_URL=BASE).test_client().get("/robots.txt", headers=EVIL)
    assert with_base.mimetype == "text/plain"
    assert f"Sitemap: {BASE}/sitemap.xml" in with_base.get_data(as_text=True)
    assert "Disallow: /account" in with_base.get_data(as_text=True)
    assert "Disallow: /cart" not in with_base.get_data(as_text=True)  # Lighthouse's SEO audit
    without = make_app().test_client().get("/robots.txt", headers=EVIL).get_data(as_text=True)
    assert "Sitemap:" not in without and "evil.example" not in without


def test_added_to_cart_names_the_product_and_offers_cart_and_checkout(client, make_product):
    product = make_product(name="Blue Kettle", stock=5)
    path = f"/products/{product.id}-{product.slug}"
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"product_id": product.id, "quantity": 2, "next": path}
    if token:
        data["csrf_token"] = token.group(1)
    response = client.post("/cart/add", data=data, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Added 2 × Blue Kettle to your cart." in text
    assert 'href="/cart">View cart</a>' in text
    assert 'href="/checkout">Check out</a>' in text
