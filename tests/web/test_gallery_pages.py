"""The back office's gallery: images on the create form, the edit page's images panel."""

from __future__ import annotations

import io
import os
import re

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Product
from storefront.services import catalog, images
from tests.gallery_helpers import COLOURS, picture, uploads
from tests.web.test_admin_access import log_in


@pytest.fixture
def staff(client, admin):
    log_in(client, admin)
    return client


@pytest.fixture
def media_root(app):
    return app.config["MEDIA_ROOT"]


def stored(media_root) -> list[str]:
    folder = os.path.join(media_root, "products")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def files(count: int, bad: str | None = None):
    chosen = [
        (io.BytesIO(picture(COLOURS[i], (600 + i, 400))), f"photo-{i}.png") for i in range(count)
    ]
    if bad:
        chosen.append((io.BytesIO(b"this is not a picture"), bad))
    return chosen


NEW = {"name": "Brass Lamp", "price": "1,250.00", "stock_quantity": "4", "category": "Lighting",
       "description": "Solid brass.", "is_active": "y"}  # fmt: skip


def gallery_ids(product_id: int) -> list[int]:
    db.session.rollback()
    return [image.id for image in images.list_images(product_id)]


def test_the_create_form_is_multipart_and_takes_several_images(staff, media_root):
    form = staff.get("/admin/products/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form
    assert re.search(
        r'<input[^>]*multiple[^>]*name="images"|<input[^>]*name="images"[^>]*multiple', form
    )

    response = staff.post(
        "/admin/products/new", data={**NEW, "images": files(3)}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.name == "Brass Lamp"))
    gallery = images.list_images(product.id)
    assert len(gallery) == 3
    assert product.image_path == gallery[0].path
    page = staff.get(response.headers["Location"]).get_data(as_text=True)
    assert "created with 3 images" in page
    assert page.count('data-testid="gallery-item"') == 3


def test_a_product_may_be_created_without_images(staff):
    response = staff.post(
        "/admin/products/new", data={**NEW, "images": []}, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.name == "Brass Lamp"))
    assert images.list_images(product.id) == [] and product.image_path is None


def test_a_bad_file_refuses_the_create_form_keeping_the_typed_fields(staff, media_root):
    response = staff.post(
        "/admin/products/new",
        data={**NEW, "images": files(2, bad="receipt.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Brass Lamp"' in page and "Solid brass." in page and 'value="1250.00"' in page
    assert 'id="images-error"' in page and "receipt.pdf" in page
    assert "Choose the images again" in page
    assert db.session.scalar(select(Product).where(Product.name == "Brass Lamp")) is None
    assert stored(media_root) == []


def test_a_bad_field_with_good_images_says_to_choose_them_again(staff, media_root):
    response = staff.post(
        "/admin/products/new",
        data={**NEW, "price": "twelve", "images": files(2)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Brass Lamp"' in page
    assert "Choose the images again" in page
    assert db.session.scalar(select(Product).where(Product.name == "Brass Lamp")) is None
    assert stored(media_root) == []


def test_the_panel_moves_covers_describes_and_deletes(staff, make_product, media_root):
    product = make_product(name="Teapot")
    a, b, c = (image.id for image in images.add_images(product.id, uploads(3)))
    base = f"/admin/products/{product.id}/images"

    assert staff.post(f"{base}/{c}/move", data={"direction": "up"}).status_code == 302
    assert gallery_ids(product.id) == [a, c, b]
    assert staff.post(f"{base}/{a}/move", data={"direction": "down"}).status_code == 302
    assert gallery_ids(product.id) == [c, a, b]
    assert staff.post(f"{base}/{b}/cover").status_code == 302
    assert gallery_ids(product.id) == [b, c, a]
    assert catalog.get_product(product.id).image_path == images.list_images(product.id)[0].path

    assert staff.post(f"{base}/{c}/alt", data={"alt": "The spout"}).status_code == 302
    page = staff.get(f"/admin/products/{product.id}/edit").get_data(as_text=True)
    assert 'value="The spout"' in page

    # Delete asks first: the GET is the confirmation page, the POST deletes.
    ask = staff.get(f"{base}/{b}/delete")
    assert ask.status_code == 200 and "Delete image 1 of “Teapot”?" in ask.get_data(as_text=True)
    assert gallery_ids(product.id) == [b, c, a]
    assert staff.post(f"{base}/{b}/delete").status_code == 302
    assert gallery_ids(product.id) == [c, a]


def test_a_too_long_alt_text_is_refused_keeping_what_was_typed(staff, make_product, media_root):
    product = make_product()
    (image,) = images.add_images(product.id, uploads(1))
    typed = "A" * 301
    response = staff.post(
        f"/admin/products/{product.id}/images/{image.id}/alt", data={"alt": typed}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'value="{typed}"' in page and f'id="alt-{image.id}-error"' in page


def test_the_panel_adds_several_and_refuses_a_bad_batch_whole(staff, make_product, media_root):
    product = make_product()
    url = f"/admin/products/{product.id}/images"
    response = staff.post(url, data={"images": files(2, bad="notes.txt")},
                          content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 422
    assert "notes.txt" in response.get_data(as_text=True)
    assert gallery_ids(product.id) == []
    response = staff.post(url, data={"images": files(2)}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert len(gallery_ids(product.id)) == 2
    empty = staff.post(url, data={"images": []}, content_type="multipart/form-data")
    assert empty.status_code == 422


def test_an_image_of_another_product_is_404(staff, make_product, media_root):
    mine, other = make_product(), make_product()
    (image,) = images.add_images(mine.id, uploads(1))
    base = f"/admin/products/{other.id}/images/{image.id}"
    assert staff.post(f"{base}/cover").status_code == 404
    assert staff.post(f"{base}/move", data={"direction": "up"}).status_code == 404
    assert staff.get(f"{base}/delete").status_code == 404
    assert staff.post(f"{base}/alt", data={"alt": "x"}).status_code == 404


def test_gallery_forms_need_their_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from storefront.services import accounts

        boss = accounts.register("boss@example.com", "admin-pass-123", role="admin")
        product = catalog.create_product(name="Mug", price="5.00")
        a, b = (image.id for image in images.add_images(product.id, uploads(2)))
        client = app.test_client()
        log_in(client, boss)
        base = f"/admin/products/{product.id}/images"
        for url, data in [
            (f"{base}/{b}/cover", {}),
            (f"{base}/{b}/move", {"direction": "up"}),
            (f"{base}/{b}/alt", {"alt": "x"}),
            (f"{base}/{b}/delete", {}),
        ]:
            assert client.post(url, data=data).status_code == 400, url
        db.session.rollback()
        assert [image.id for image in images.list_images(product.id)] == [a, b]
        # Every form on the edit page carries its token.
        page = client.get(f"/admin/products/{product.id}/edit").get_data(as_text=True)
        post_forms = re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', page, re.S)
        assert len(post_forms) >= 8
        assert all('name="csrf_token"' in body for body in post_forms)
