"""Category pages at /c/<slug>, the back office's categories, related products."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Category
from storefront.services import categories
from tests.conftest import ADMIN_PASSWORD, SeparateContextClient
from tests.web.conftest import count_queries, csrf_token_from, log_in_with_form


@pytest.fixture
def shop(make_product):
    clothing = categories.create_category("Clothing", description="Things to wear.")
    shirts = categories.create_category("Shirts", parent_id=clothing.id)
    make_product(name="Wool Coat", price="90.00", category="Clothing")
    make_product(name="Polo Shirt", price="20.00", category="Shirts")
    make_product(name="Linen Shirt", price="35.00", category="Shirts", stock=0)
    make_product(name="Mug", price="5.00", category="Kitchen")
    return {"clothing": clothing.id, "shirts": shirts.id}


def card_names(html: str) -> list[str]:
    return re.findall(r'class="stretched-link" href="[^"]+">([^<]+)</a>', html)


def test_a_category_page_lists_its_products_and_its_subcategories(client, shop):
    response = client.get("/c/clothing?sort=name")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Clothing</h1>" in html and "Things to wear." in html
    assert card_names(html) == ["Linen Shirt", "Polo Shirt", "Wool Coat"]
    assert 'href="/c/shirts">Shirts</a>' in html  # the subcategory's link
    shirts = client.get("/c/shirts").get_data(as_text=True)
    assert sorted(card_names(shirts)) == ["Linen Shirt", "Polo Shirt"]
    assert '<a href="/c/clothing">Clothing</a>' in shirts  # the breadcrumb to its parent


def test_a_category_page_filters_sorts_and_pages_like_the_catalog(client, shop, make_product):
    html = client.get("/c/clothing?in_stock=1&max_price=50").get_data(as_text=True)
    assert card_names(html) == ["Polo Shirt"]
    assert 'action="/c/clothing"' in html  # the filters stay on this page
    assert client.get("/c/clothing?q=coat").get_data(as_text=True).count("Wool Coat") >= 1
    for n in range(25):
        make_product(name=f"Tee {n:02d}", category="Shirts")
    page_one = client.get("/c/clothing?sort=name").get_data(as_text=True)
    assert "page 1 of 2" in page_one
    assert 'href="/c/clothing?sort=name&amp;page=2"' in page_one
    page_two = client.get("/c/clothing?sort=name&page=2").get_data(as_text=True)
    assert card_names(page_two)[-1] == "Wool Coat"
    # A filter that is refused keeps what was typed, next to its field.
    refused = client.get("/c/clothing?min_price=abc")
    assert refused.status_code == 422
    assert 'value="abc"' in refused.get_data(as_text=True)


def test_unknown_archived_and_strange_slugs_are_404(client, shop):
    assert client.get("/c/nothing-here").status_code == 404
    assert client.get("/c/" + "a" * 300).status_code == 404
    assert client.get("/c/%00").status_code == 404
    categories.archive_category(shop["clothing"])
    assert client.get("/c/clothing").status_code == 404
    assert client.get("/c/shirts").status_code == 404  # archived with its parent
    assert "/c/clothing" not in client.get("/").get_data(as_text=True)
    assert "/c/clothing" not in client.get("/sitemap.xml").get_data(as_text=True)


def test_a_slug_in_capitals_redirects_and_a_rename_keeps_the_address(client, shop):
    response = client.get("/c/Clothing?sort=name")
    assert response.status_code == 301
    assert response.headers["Location"] == "/c/clothing?sort=name"
    # Arguments that are url_for's own, or a part of the path, are not carried over.
    for query in ("endpoint=x", "slug=shirts", "_external=1", "_anchor=top"):
        response = client.get(f"/c/Clothing?sort=name&{query}")
        assert response.status_code == 301, query
        assert response.headers["Location"] == "/c/clothing?sort=name", query
    categories.update_category(shop["clothing"], name="Apparel")
    html = client.get("/c/clothing").get_data(as_text=True)
    assert "<h1>Apparel</h1>" in html


def test_home_catalog_and_sitemap_link_to_category_pages(client, shop):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/c/clothing"' in home and 'href="/c/kitchen"' in home
    assert 'href="/c/shirts"' not in home  # the home page shows the top level
    catalog = client.get("/products").get_data(as_text=True)
    assert 'href="/c/clothing"' in catalog
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<loc>/c/clothing</loc>" in sitemap and "<loc>/c/shirts</loc>" in sitemap


def test_the_catalog_filter_on_a_parent_includes_its_children(client, shop):
    html = client.get("/products?category=clothing&sort=name").get_data(as_text=True)
    assert card_names(html) == ["Linen Shirt", "Polo Shirt", "Wool Coat"]


def test_a_category_page_answers_a_conditional_get(client, shop):
    first = client.get("/c/clothing")
    assert first.headers["ETag"]
    again = client.get("/c/clothing", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    categories.update_category(shop["shirts"], name="Tops")
    changed = client.get("/c/clothing", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200


def test_a_category_page_takes_the_same_queries_for_3_or_30_products(client, shop, make_product):
    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/c/clothing").status_code == 200
        return len(statements)

    few = queries()
    for n in range(27):
        make_product(name=f"Tee {n}", category="Shirts" if n % 2 else "Clothing")
    assert queries() == few
    # The listing, then the page's variants and options (one query each: cards show
    # a variant price range), and the category with its subcategories.
    assert few <= 6, few


def test_the_product_page_shows_related_products_in_bounded_queries(client, make_product):
    lamp = make_product(name="Desk Lamp", category="Light")
    for n in range(6):
        make_product(name=f"Lamp {n}", category="Light")
    make_product(name="Sold-out Lamp", category="Light", stock=0)
    make_product(name="Mug", category="Kitchen")
    url = f"/products/{lamp.id}-{lamp.slug}"
    with count_queries() as statements:
        html = client.get(url).get_data(as_text=True)
    related = html.split('id="related-title"')[1]
    assert "More from Light" in html
    assert card_names(related) == ["Lamp 5", "Lamp 4", "Lamp 3", "Lamp 2"]
    assert "Sold-out Lamp" not in related and "Mug" not in related
    assert 'href="/c/light">Light</a>' in html  # the breadcrumb
    # BEGIN, the catalog version (the page cache's key), the product, its options and
    # variants, its gallery, the related products and their variants: bounded whatever
    # their number.
    assert len(statements) <= 8, statements
    # The next guest is served the page kept for this catalog version: one query, the version.
    with count_queries() as statements:
        again = client.get(url).get_data(as_text=True)
    assert card_names(again.split('id="related-title"')[1]) == card_names(related)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "catalog_version" in selects[0], statements


# --- the back office ------------------------------------------------------------------


@pytest.fixture
def admin_client(client, admin):
    assert log_in_with_form(client, admin.email, ADMIN_PASSWORD).status_code == 303
    return client


def test_an_admin_builds_the_tree_and_reorders_it(admin_client):
    assert admin_client.post("/admin/categories/new", data={"name": "Clothing"}).status_code == 303
    assert admin_client.post("/admin/categories/new", data={"name": "Books"}).status_code == 303
    clothing = db.session.scalar(select(Category).where(Category.name == "Clothing"))
    response = admin_client.post(
        "/admin/categories/new",
        data={"name": "Shirts", "parent_id": str(clothing.id), "description": "Tops."},
    )
    assert response.status_code == 303
    html = admin_client.get("/admin/categories").get_data(as_text=True)
    assert re.findall(r'/admin/categories/\d+/edit">([^<]+)<', html) == [
        "Clothing", "Shirts", "Books"
    ]  # fmt: skip
    assert "Categories" in html and 'aria-current="page"' in html  # the sidebar's section
    books = db.session.scalar(select(Category).where(Category.name == "Books"))
    assert admin_client.post(f"/admin/categories/{books.id}/up").status_code == 303
    html = admin_client.get("/admin/categories").get_data(as_text=True)
    assert re.findall(r'/admin/categories/\d+/edit">([^<]+)<', html)[0] == "Books"
    edited = admin_client.post(
        f"/admin/categories/{books.id}/edit", data={"name": "Novels", "parent_id": ""}
    )
    assert edited.status_code == 303
    db.session.expire_all()
    assert (db.session.get(Category, books.id).name, books.slug) == ("Novels", "books")


def test_a_refused_category_keeps_what_was_typed(admin_client):
    categories.create_category("Shoes")
    response = admin_client.post(
        "/admin/categories/new", data={"name": "shoes", "description": "Mine."}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="shoes"' in html and "Mine." in html
    assert "A category named “shoes” already exists." in html
    top = categories.create_category("Top")
    sub = categories.create_category("Sub", parent_id=top.id)
    refused = admin_client.post(
        f"/admin/categories/{top.id}/edit", data={"name": "Top", "parent_id": str(sub.id)}
    )
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count(Category.id))) == 3


def test_archiving_asks_first_and_restoring_brings_it_back(admin_client, make_product):
    product = make_product(category="Lamps")
    lamps = product.category_id
    page = admin_client.get(f"/admin/categories/{lamps}/archive")
    assert page.status_code == 200 and "Archive “Lamps”?" in page.get_data(as_text=True)
    assert admin_client.post(f"/admin/categories/{lamps}/archive").status_code == 303
    db.session.expire_all()
    assert db.session.get(Category, lamps).is_archived is True
    assert admin_client.get(f"/products/{product.id}").status_code in (200, 301)
    assert admin_client.post(f"/admin/categories/{lamps}/restore").status_code == 303
    db.session.expire_all()
    assert db.session.get(Category, lamps).is_archived is False


def test_category_forms_need_their_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    app.test_client_class = SeparateContextClient
    with app.app_context():
        from storefront.services import accounts

        accounts.register("boss@example.com", ADMIN_PASSWORD, role="admin")
        shoes = categories.create_category("Shoes")
        client = app.test_client()
        form = client.get("/login").get_data(as_text=True)
        client.post(
            "/login",
            data={"email": "boss@example.com", "password": ADMIN_PASSWORD,
                  "csrf_token": csrf_token_from(form)},
        )  # fmt: skip
        assert client.post("/admin/categories/new", data={"name": "Bags"}).status_code == 400
        assert client.post(f"/admin/categories/{shoes.id}/archive").status_code == 400
        assert client.post(f"/admin/categories/{shoes.id}/up").status_code == 400
        page = client.get("/admin/categories/new").get_data(as_text=True)
        ok = client.post(
            "/admin/categories/new", data={"name": "Bags", "csrf_token": csrf_token_from(page)}
        )
        assert ok.status_code == 303
        assert [c.name for c in categories.flatten(categories.category_tree())] == [
            "Shoes", "Bags"
        ]  # fmt: skip


def test_the_product_form_keeps_the_chosen_category_on_error(admin_client):
    kitchen = categories.create_category("Kitchen")
    response = admin_client.post(
        "/admin/products/new",
        data={"name": "Pot", "price": "12.345", "stock_quantity": "1",
              "category_id": str(kitchen.id)},
    )  # fmt: skip
    assert response.status_code == 422
    assert f'<option selected value="{kitchen.id}">Kitchen</option>' in response.get_data(
        as_text=True
    )
    # A category archived since the form was shown is refused next to the field.
    categories.archive_category(kitchen.id)
    refused = admin_client.post(
        "/admin/products/new",
        data={"name": "Pot", "price": "12.00", "stock_quantity": "1",
              "category_id": str(kitchen.id)},
    )  # fmt: skip
    assert refused.status_code == 422
    assert "“Kitchen” is archived: choose another category." in refused.get_data(as_text=True)
