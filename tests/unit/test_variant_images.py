"""An image may show one variant (the red one shows red): the variant's picture is the
first image tied to it, kept through every gallery change, shown by the API."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from storefront.extensions import db
from storefront.models import ProductImage, ProductVariant
from storefront.services import images, variants
from storefront.services.errors import NotFound
from tests.unit.test_variants import make_tee, variant_of


def picture(colour: str) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), colour).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def test_a_variant_shows_its_first_tied_image_and_falls_back_to_the_cover(make_product):
    tee = make_tee(make_product)
    red = variant_of(tee, "M / Red")
    (cover,) = images.add_images(tee.id, [images.Upload("cover.png", picture("white"))])
    first, second = images.add_images(
        tee.id,
        [images.Upload("r1.png", picture("red")), images.Upload("r2.png", picture("darkred"))],
        variant_id=red.id,
    )
    db.session.expire_all()
    assert db.session.get(ProductVariant, red.id).image_path == first.path
    assert db.session.get(ProductVariant, variant_of(tee, "M / Blue").id).image_path is None
    images.move_image(tee.id, second.id, -1)  # now before the first red one
    db.session.expire_all()
    assert db.session.get(ProductVariant, red.id).image_path == second.path
    images.update_image(tee.id, second.id, variant_id=None)
    images.remove_image(tee.id, first.id)
    db.session.expire_all()
    assert db.session.get(ProductVariant, red.id).image_path is None
    assert db.session.get(ProductImage, cover.id).variant_id is None


def test_an_image_cannot_show_another_products_variant(make_product):
    tee = make_tee(make_product)
    mug = make_product(name="Mug")
    with pytest.raises(NotFound):
        images.add_images(
            mug.id, [images.Upload("x.png", picture("red"))], variant_id=tee.variants[0].id
        )
    assert db.session.query(ProductImage).count() == 0


def test_removing_a_variants_combination_keeps_its_images_for_the_whole_product(make_product):
    tee = make_tee(make_product, stock_each=0)
    large_red = variant_of(tee, "L / Red")
    (image,) = images.add_images(
        tee.id, [images.Upload("l.png", picture("red"))], variant_id=large_red.id
    )
    variants.set_options(tee.id, [("Size", "S, M"), ("Colour", "Red, Blue")])
    db.session.expire_all()
    assert db.session.get(ProductImage, image.id).variant_id is None
    assert db.session.get(ProductVariant, large_red.id) is None  # nothing referred to it


def test_the_api_gives_a_variant_its_own_image_url(client, make_product):
    tee = make_tee(make_product)
    red = variant_of(tee, "M / Red")
    images.add_images(tee.id, [images.Upload("cover.png", picture("white"))])
    (tied,) = images.add_images(
        tee.id, [images.Upload("red.png", picture("red"))], variant_id=red.id
    )
    body = client.get(f"/api/products/{tee.id}").get_json()
    by_id = {v["id"]: v for v in body["variants"]}
    assert by_id[red.id]["image_url"].endswith(tied.path)
    assert by_id[variant_of(tee, "M / Blue").id]["image_url"] == body["image_url"]
    assert {i["variant_id"] for i in body["images"]} == {None, red.id}
    listed = client.get("/api/products").get_json()["items"][0]
    assert {v["id"]: v["image_url"] for v in listed["variants"]} == {
        v["id"]: v["image_url"] for v in body["variants"]
    }


def test_the_images_panel_offers_the_variants_and_saves_the_choice(client, admin, make_product):
    from tests.web.test_admin_access import log_in

    tee = make_tee(make_product)
    blue = variant_of(tee, "M / Blue")
    (image,) = images.add_images(tee.id, [images.Upload("b.png", picture("blue"))])
    log_in(client, admin)
    page = client.get(f"/admin/products/{tee.id}/edit").get_data(as_text=True)
    assert 'data-testid="image-variant"' in page and ">M / Blue</option>" in page
    response = client.post(
        f"/admin/products/{tee.id}/images/{image.id}/alt",
        data={"alt": "The blue one", "variant_id": str(blue.id)},
    )
    assert response.status_code in (302, 303)
    db.session.expire_all()
    assert db.session.get(ProductImage, image.id).variant_id == blue.id
    assert db.session.get(ProductVariant, blue.id).image_path == image.path
