"""The product page's gallery: the cover large with srcset, thumbnails that work without script."""

from __future__ import annotations

import re

import pytest

from storefront.extensions import db
from storefront.models import ProductImage
from storefront.services import catalog, images
from storefront.services.images import thumbnail_path, width_path
from tests.gallery_helpers import COLOURS, picture
from tests.web.conftest import count_queries


@pytest.fixture
def teapot(make_product):
    product = make_product(name="Blue Teapot")
    batch = [images.Upload(f"{i}.png", picture(COLOURS[i % 5], (1200 + i, 900))) for i in range(3)]
    added = images.add_images(product.id, batch)
    images.update_image(product.id, added[1].id, alt="The lid, from above")
    return product, [image.id for image in added]


def page_of(client, product, query="") -> str:
    response = client.get(f"/products/{product.id}-{product.slug}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def large_image(html: str) -> str:
    (tag,) = re.findall(r'<img [^>]*data-testid="gallery-large"[^>]*>', html)
    return tag


def test_the_cover_is_large_with_every_size_in_srcset(client, teapot):
    product, ids = teapot
    html = page_of(client, product)
    cover = images.list_images(product.id)[0]
    tag = large_image(html)
    assert f'src="/media/{cover.path}"' in tag and 'alt="Blue Teapot"' in tag
    for w in (320, 640, 1024):
        assert f"/media/{width_path(cover.path, w)} {w}w" in tag
    assert f"/media/{cover.path} 1200w" in tag
    assert 'sizes="' in tag


def test_thumbnails_are_links_that_show_their_image_without_script(client, teapot):
    product, ids = teapot
    html = page_of(client, product)
    links = re.findall(r'<a href="([^"]+)" class="gallery-thumb"', html)
    assert links == [f"/products/{product.id}-blue-teapot?image={i}" for i in ids]
    assert 'alt="Image 2 of 3: The lid, from above"' in html
    assert html.count('aria-current="true"') == 1

    second = images.list_images(product.id)[1]
    html = page_of(client, product, f"?image={ids[1]}")
    tag = large_image(html)
    assert f'src="/media/{second.path}"' in tag and 'alt="The lid, from above"' in tag
    current = re.search(r'<a href="[^"]*\?image=(\d+)" class="gallery-thumb" aria-current', html)
    assert int(current.group(1)) == ids[1]
    for thumb in images.list_images(product.id):
        assert f'src="/media/{thumbnail_path(thumb.path)}"' in html


def test_an_image_that_is_not_this_products_shows_the_cover(client, teapot, make_product):
    product, ids = teapot
    other = make_product()
    (foreign,) = images.add_images(other.id, [images.Upload("x.png", picture((1, 1, 1)))])
    cover = images.list_images(product.id)[0]
    for query in (f"?image={foreign.id}", "?image=abc", "?image=99999999999999999999"):
        assert f'src="/media/{cover.path}"' in large_image(page_of(client, product, query))


def test_one_image_shows_no_thumbnails_and_none_the_placeholder(client, make_product):
    single = make_product(name="Single")
    images.add_images(single.id, [images.Upload("a.png", picture())])
    assert "gallery-thumbs" not in page_of(client, single)
    bare = make_product(name="Bare")
    html = page_of(client, bare)
    assert "gallery-thumbs" not in html and "No photo of Bare yet" in html


def test_an_image_from_before_galleries_has_no_srcset(client, make_product):
    product = make_product(name="Old")
    db.session.add(ProductImage(product_id=product.id, path="products/old.jpg", alt="", position=0))
    db.session.commit()
    catalog.set_product_image(product.id, "products/old.jpg")
    tag = large_image(page_of(client, product))
    assert 'src="/media/products/old.jpg"' in tag and "srcset" not in tag


def test_the_catalog_shows_the_cover(client, teapot):
    product, ids = teapot
    cover = images.list_images(product.id)[0]
    html = client.get("/products").get_data(as_text=True)
    assert f'src="/media/{thumbnail_path(cover.path)}" alt="Blue Teapot"' in html


def test_a_product_page_with_10_images_costs_what_one_with_1_does(client, make_product):
    one = make_product(name="One")
    images.add_images(one.id, [images.Upload("a.png", picture())])
    ten = make_product(name="Ten")
    batch = [images.Upload(f"{i}.png", picture(COLOURS[i % 5], (400 + i, 300))) for i in range(10)]
    images.add_images(ten.id, batch)
    counts = []
    for product in (one, ten):
        with count_queries() as statements:
            page_of(client, product)
        counts.append(len(statements))
    assert counts[0] == counts[1]
    # BEGIN, the catalog version (the page cache's key), the product, its options, its
    # variants, its gallery, its category's related products and their variants, and
    # what the page's header reads.
    assert counts[1] <= 10
