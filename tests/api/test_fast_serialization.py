"""The catalog's fast JSON path answers exactly what the documented schemas would.

The list, search and product endpoints build their bodies in storefront/api/fast.py
rather than through marshmallow; these tests dump the same objects through
``ProductSchema`` / ``ProductPageSchema`` and compare the bytes.
"""

from __future__ import annotations

import pytest
from flask import current_app

from storefront.api.fast import product_detail_dict, product_dict, product_page_dict
from storefront.api.schemas import ProductDetailSchema, ProductPageSchema, ProductSchema
from storefront.extensions import db
from storefront.models import ProductImage
from storefront.services import catalog
from tests.api.conftest import bearer


def schema_bytes(schema, obj) -> bytes:
    return current_app.json.response(schema.dump(obj)).get_data()


def fast_bytes(data) -> bytes:
    return current_app.json.response(data).get_data()


def give_gallery(product, *paths_and_alts) -> None:
    """Gallery rows as the images service writes them (no files needed to dump them)."""
    for position, (path, alt) in enumerate(paths_and_alts):
        db.session.add(ProductImage(product_id=product.id, path=path, alt=alt, position=position))
    db.session.commit()
    catalog.set_product_image(product.id, paths_and_alts[0][0])


@pytest.fixture
def varied_catalog(make_product):
    """Every shape a product takes: images or none, category or none, archived, odd text."""
    with_image = make_product(name="Mug «Ünïcode» & <b>", price="12.50", description="Line\nbreak")
    give_gallery(
        with_image,
        ("products/a b%c é.jpg", ""),
        ("products/second.png", 'Side «view» & "quotes" <i>'),
        ("products/third.webp", ""),
    )
    no_category = make_product(name="Loose item", price="0.00", stock=0, category=None)
    archived = make_product(name="Old thing", price="9999999999.99", active=False)
    plain = make_product(name="Plain", price="1.05", description='Quote " and \\ slash')
    return [with_image, no_category, archived, plain]


@pytest.mark.parametrize("base_url", [None, "https://shop.example.com/store"])
def test_each_product_dumps_identically(make_app, make_product, base_url):
    app = make_app(PUBLIC_BASE_URL=base_url)
    with app.app_context():
        with_image = make_product(name="Mug é", price="12.50")
        give_gallery(with_image, ("products/x y.jpg", ""), ("products/z.png", "Alt é"))
        make_product(name="Loose", category=None, stock=0)
        make_product(name="Gone", active=False)
        page = catalog.search_products(include_inactive=True, per_page=100)
        assert len(page.items) == 3
        for product in page.items:
            assert fast_bytes(product_dict(product)) == schema_bytes(ProductSchema(), product)
            assert fast_bytes(product_detail_dict(product)) == schema_bytes(
                ProductDetailSchema(), product
            )
        assert fast_bytes(product_page_dict(page)) == schema_bytes(ProductPageSchema(), page)


def test_the_list_and_search_answer_the_schemas_bytes(app, client, varied_catalog):
    for url, kwargs in [
        ("/api/products?per_page=100", {"per_page": 100}),
        ("/api/products?per_page=2&page=2", {"per_page": 2, "page": 2}),
        ("/api/products/search?q=mug", {"q": "mug"}),
        ("/api/products?q=nothing-matches", {"q": "nothing-matches"}),
    ]:
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        page = catalog.search_products(**kwargs)
        assert response.get_data() == schema_bytes(ProductPageSchema(), page), url


def test_one_product_answers_the_schemas_bytes(app, client, varied_catalog, admin_tokens):
    with_image, no_category, archived, plain = varied_catalog
    for product in (with_image, no_category, plain):
        response = client.get(f"/api/products/{product.id}")
        assert response.status_code == 200
        expected = catalog.get_product(product.id)
        assert response.get_data() == schema_bytes(ProductDetailSchema(), expected)
    # An admin sees the archived one, in the same shape.
    response = client.get(
        f"/api/products/{archived.id}", headers=bearer(admin_tokens["access_token"])
    )
    assert response.status_code == 200
    expected = catalog.get_product(archived.id, include_inactive=True)
    assert response.get_data() == schema_bytes(ProductDetailSchema(), expected)


def test_the_fast_path_has_every_field_of_the_schema(app, varied_catalog):
    product = catalog.get_product(varied_catalog[0].id)
    assert set(product_dict(product)) == set(ProductSchema().fields)
    detail = product_detail_dict(product)
    assert set(detail) == set(ProductDetailSchema().fields)
    assert [image["position"] for image in detail["images"]] == [0, 1, 2]
    assert [image["alt"] for image in detail["images"]] == [
        product.name, 'Side «view» & "quotes" <i>', product.name
    ]  # fmt: skip
