"""Home, catalog and product pages: filters in the URL, canonical product
addresses, stock state, escaping, and a bounded number of SQL queries."""

from __future__ import annotations

import re

import pytest

from storefront.services import catalog
from tests.web.conftest import count_queries


def names_on(html: str) -> list[str]:
    return re.findall(r'class="stretched-link" href="[^"]+">([^<]+)</a>', html)


def test_home_shows_categories_newest_in_stock_products_and_a_search_box(client, make_product):
    make_product(name="Old Lamp", category="Home")
    make_product(name="Sold Out Kettle", category="Home", stock=0)
    make_product(name="New Novel", category="Books")
    html = client.get("/").get_data(as_text=True)
    assert html.count("<h1") == 1
    assert 'href="/c/books"' in html  # its category page
    assert names_on(html) == ["New Novel", "Old Lamp"]
    assert 'role="search"' in html


def test_catalog_searches_filters_and_sorts_from_the_url(client, make_product):
    make_product(name="Red Mug", price="5.00", category="Kitchen")
    make_product(name="Blue Mug", price="15.00", category="Kitchen")
    make_product(name="Mug Book", price="25.00", category="Books")
    make_product(name="Empty Mug", price="9.00", category="Kitchen", stock=0)

    def names(query):
        response = client.get("/products" + query)
        assert response.status_code == 200
        return names_on(response.get_data(as_text=True))

    assert names("?q=mug&sort=price_asc") == ["Red Mug", "Empty Mug", "Blue Mug", "Mug Book"]
    assert names("?q=mug&category=kitchen&in_stock=1&sort=price_desc") == ["Blue Mug", "Red Mug"]
    assert names("?min_price=6&max_price=20&sort=name") == ["Blue Mug", "Empty Mug"]
    # Typed with spaces and the shop's grouping, as a person copies a price.
    typed = names("?min_price=+6+&max_price=%201,000%20&sort=name")
    assert typed == ["Blue Mug", "Empty Mug", "Mug Book"]
    assert names("?category=no-such-category") == []


def test_catalog_pages_keep_the_query_in_their_links(client, make_product):
    for n in range(23):
        make_product(name=f"Widget {n:02d}")
    html = client.get("/products?q=widget&sort=name").get_data(as_text=True)
    assert len(names_on(html)) == 20
    assert 'href="/products?q=widget&amp;sort=name&amp;page=2"' in html
    second = client.get("/products?q=widget&sort=name&page=2").get_data(as_text=True)
    assert names_on(second) == ["Widget 20", "Widget 21", "Widget 22"]
    assert 'aria-current="page"' in second


def test_a_bad_price_filter_is_shown_next_to_its_field_with_the_typed_value(client):
    response = client.get("/products?min_price=cheap")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="cheap"' in html
    assert 'aria-describedby="min_price-error"' in html
    assert 'id="min_price-error"' in html


def test_the_product_page_shows_price_stock_and_the_add_to_cart_form(client, make_product):
    product = make_product(name="Desk Fan", price="1250.00", stock=3, description="Quiet.")
    html = client.get(f"/products/{product.id}-desk-fan").get_data(as_text=True)
    assert "BDT 1,250.00" in html
    assert "Only 3 left" in html
    assert 'action="/cart/add"' in html
    assert "No photo of Desk Fan yet" in html  # the placeholder, with alt text
    assert html.count("<h1") == 1


@pytest.mark.parametrize(
    ("stock", "label"), [(0, "Out of stock"), (5, "Only 5 left"), (6, "In stock")]
)
def test_stock_state_follows_the_low_stock_threshold(client, make_product, stock, label):
    product = make_product(name="Thing", stock=stock)
    html = client.get(f"/products/{product.id}-thing").get_data(as_text=True)
    assert f'data-testid="stock-state">{label}<' in html
    assert ('action="/cart/add"' in html) is (stock > 0)


@pytest.mark.parametrize("suffix", ["", "-wrong-slug", "-DESK-FAN"])
def test_other_product_addresses_redirect_to_the_canonical_one(client, make_product, suffix):
    product = make_product(name="Desk Fan")
    response = client.get(f"/products/{product.id}{suffix}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/products/{product.id}-desk-fan"


def test_unknown_and_archived_products_are_not_found(client, make_product):
    archived = make_product(name="Gone", active=False)
    assert client.get(f"/products/{archived.id}-gone").status_code == 404
    response = client.get("/products/999999-nothing")
    assert response.status_code == 404
    assert "We couldn’t find that page" in response.get_data(as_text=True)


def test_a_product_name_with_markup_is_shown_as_text(client, make_product, customer):
    from storefront.services import cart, orders

    product = make_product(name="<script>alert(1)</script>", description="<b>bold</b>")
    pages = ["/", "/products", f"/products/{product.id}-script-alert-1-script"]
    cart.add_to_cart(customer.id, product.id, 1)
    order = orders.place_order(customer.id, "<img src=x onerror=alert(2)>").order
    for url in pages:
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, url
    client.post("/login", data={"email": customer.email, "password": "customer-pass-123"})
    html = client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html


def _catalog_queries(client) -> int:
    with count_queries() as statements:
        response = client.get("/products?sort=price_asc")
    assert response.status_code == 200
    return len(statements)


def test_the_catalog_answers_in_the_same_number_of_queries_for_5_or_20_products(
    client, make_product
):
    for n in range(5):
        make_product(name=f"A{n}", category=f"Cat {n}")
    few = _catalog_queries(client)
    for n in range(15):
        make_product(name=f"B{n}", category=f"Cat {n}")
    assert catalog.search_products(per_page=20).total == 20
    assert len(catalog.search_products(per_page=20).items) == 20
    assert _catalog_queries(client) == few


def test_home_and_product_pages_do_not_query_per_product(client, make_product):
    for n in range(3):
        make_product(name=f"A{n}", category=f"Cat {n}")
    with count_queries() as few:
        client.get("/")
    for n in range(10):
        make_product(name=f"B{n}", category=f"Cat {n}")
    with count_queries() as many:
        client.get("/")
    assert len(many) == len(few)


def test_lists_show_the_thumbnail_and_the_product_page_the_full_image(client, make_product):
    from storefront import demo_images
    from storefront.services import images

    product = make_product(name="Photo Frame")
    path = images.replace_product_image(
        product.id, demo_images.demo_image("box", (200, 60, 60), 1)
    ).image_path
    thumb, full = f"/media/{images.thumbnail_path(path)}", f"/media/{path}"
    listing = client.get("/products").get_data(as_text=True)
    assert f'src="{thumb}" alt="Photo Frame"' in listing
    page = client.get(f"/products/{product.id}-photo-frame").get_data(as_text=True)
    assert f'src="{full}" alt="Photo Frame"' in page
    assert client.get(thumb).status_code == 200


def test_a_page_past_the_last_says_how_many_pages_there_are(client, make_product):
    make_product(name="Lamp")
    html = client.get("/products?page=9").get_data(as_text=True)
    assert "page 9 of 1" not in html
    assert "There is no page 9 of these results: they fill 1 page." in html


def test_a_very_long_search_is_refused_plainly_and_its_heading_shortened(client):
    query = "x" * 300
    response = client.get(f"/products?q={query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use at most 200 characters." in html
    assert f"<h1>Results for “{'x' * 77}...”</h1>" in html
    assert "Search: x" not in html  # a refused search is not listed as a filter in use


def test_price_filters_in_use_show_the_currency_and_refused_ones_are_not_listed(client):
    html = client.get("/products?min_price=100&max_price=abc").get_data(as_text=True)
    assert "From BDT 100" in html
    assert "Up to abc" not in html
    assert 'id="max_price-error"' in html


def test_the_catalogs_first_row_of_pictures_loads_at_once_the_rest_lazily(client, make_product):
    """Above the fold, no lazy loading (it delayed the largest paint); the first first."""
    from storefront.services import catalog

    for n in range(6):
        product = make_product(name=f"Lamp {n}")
        catalog.set_product_image(product.id, f"products/lamp{n}.jpg")
    html = client.get("/products").get_data(as_text=True)
    images = re.findall(r'<img class="product-image[^>]*>', html)
    assert len(images) == 6
    assert ['loading="lazy"' in img for img in images] == [False] * 4 + [True] * 2
    assert ['fetchpriority="high"' in img for img in images] == [True] + [False] * 5
