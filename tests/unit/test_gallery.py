"""A product's gallery: several images, ordered, the cover at 0 and copied to the product."""

from __future__ import annotations

import io
import os

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Product, ProductImage
from storefront.services import catalog, catalog_version, images
from storefront.services.errors import NotFound, ValidationError
from storefront.services.images import (
    ImageTooLarge,
    InvalidImage,
    Upload,
    thumbnail_path,
    width_path,
)
from tests.gallery_helpers import picture, uploads


@pytest.fixture
def media_root(app, tmp_path):
    root = tmp_path / "media"
    app.config["MEDIA_ROOT"] = str(root)
    return root


def stored_files(root) -> list[str]:
    products = root / "products"
    return sorted(os.listdir(products)) if products.exists() else []


def gallery(product_id: int) -> list[tuple[int, str, int]]:
    """(id, path, position) of each row, cover first, as the database holds them."""
    db.session.expire_all()
    rows = db.session.execute(
        select(ProductImage.id, ProductImage.path, ProductImage.position)
        .where(ProductImage.product_id == product_id)
        .order_by(ProductImage.position)
    )
    return [tuple(row) for row in rows]


def cover_copy(product_id: int) -> str | None:
    db.session.expire_all()
    return db.session.get(Product, product_id).image_path


def assert_dense_with_cover_copied(product_id: int) -> None:
    rows = gallery(product_id)
    assert [position for _, _, position in rows] == list(range(len(rows)))
    assert cover_copy(product_id) == (rows[0][1] if rows else None)


def test_several_images_are_added_in_order_and_the_first_is_the_cover(make_product, media_root):
    product = make_product()
    added = images.add_images(product.id, uploads(3))
    rows = gallery(product.id)
    assert [row[0] for row in rows] == [image.id for image in added]
    assert_dense_with_cover_copied(product.id)
    for _, path, _ in rows:  # every size on disk
        for relative in (path, thumbnail_path(path), width_path(path, 320), width_path(path, 640)):
            assert (media_root / relative).is_file(), relative
    more = images.add_images(product.id, uploads(5)[3:], alt="Seen from the side")
    assert [row[0] for row in gallery(product.id)][3:] == [image.id for image in more]
    assert {image.alt for image in images.list_images(product.id)[3:]} == {"Seen from the side"}
    assert_dense_with_cover_copied(product.id)


def test_one_bad_file_refuses_the_batch_naming_it_and_stores_nothing(make_product, media_root):
    product = make_product()
    batch = uploads(2) + [Upload("holiday.gif", io.BytesIO(b"GIF89a not really"))]
    with pytest.raises(InvalidImage) as refused:
        images.add_images(product.id, batch)
    assert "holiday.gif" in refused.value.message
    assert gallery(product.id) == []
    assert cover_copy(product.id) is None
    assert stored_files(media_root) == []


def test_a_file_too_large_refuses_the_batch_naming_it(app, make_product, media_root):
    product = make_product()
    app.config["MAX_IMAGE_BYTES"] = 20_000
    big = Upload("huge.png", io.BytesIO(os.urandom(30_000)))
    with pytest.raises(ImageTooLarge) as refused:
        images.add_images(product.id, [Upload("small.png", io.BytesIO(picture())), big])
    assert "huge.png" in refused.value.message
    assert stored_files(media_root) == []


def test_a_refused_batch_keeps_files_another_product_uses(make_product, media_root):
    first, second = make_product(), make_product()
    images.add_images(first.id, uploads(1))
    before = stored_files(media_root)
    batch = uploads(1) + [Upload("bad.txt", io.BytesIO(b"hello"))]  # the same first picture
    with pytest.raises(InvalidImage):
        images.add_images(second.id, batch)
    assert stored_files(media_root) == before
    assert gallery(second.id) == []


def test_limits_on_a_batch_and_a_gallery(make_product, media_root, monkeypatch):
    product = make_product()
    with pytest.raises(InvalidImage):
        images.add_images(product.id, [])
    with pytest.raises(ValidationError):
        images.add_images(product.id, uploads(images.MAX_IMAGES_PER_UPLOAD + 1))
    monkeypatch.setattr(images, "MAX_IMAGES_PER_PRODUCT", 3)
    images.add_images(product.id, uploads(2))
    with pytest.raises(ValidationError) as refused:
        images.add_images(product.id, uploads(4)[2:])
    assert "room for 1 more" in refused.value.message
    assert len(gallery(product.id)) == 2
    assert len(stored_files(media_root)) == 2 * 4  # the two kept, nothing of the refused


def test_no_such_product(media_root):
    with pytest.raises(NotFound):
        images.add_images(987654, uploads(1))
    assert stored_files(media_root) == []


def test_moving_up_and_down_stops_at_the_ends(make_product, media_root):
    product = make_product()
    a, b, c = images.add_images(product.id, uploads(3))
    images.move_image(product.id, c.id, -1)
    assert [row[0] for row in gallery(product.id)] == [a.id, c.id, b.id]
    images.move_image(product.id, c.id, -1)
    assert [row[0] for row in gallery(product.id)] == [c.id, a.id, b.id]
    images.move_image(product.id, c.id, -1)  # already the cover
    assert [row[0] for row in gallery(product.id)] == [c.id, a.id, b.id]
    assert_dense_with_cover_copied(product.id)
    images.move_image(product.id, c.id, 5)
    assert [row[0] for row in gallery(product.id)] == [a.id, b.id, c.id]
    assert_dense_with_cover_copied(product.id)


def test_set_cover_and_set_position(make_product, media_root):
    product = make_product()
    a, b, c, d = images.add_images(product.id, uploads(4))
    images.set_cover(product.id, c.id)
    assert [row[0] for row in gallery(product.id)] == [c.id, a.id, b.id, d.id]
    assert_dense_with_cover_copied(product.id)
    images.update_image(product.id, c.id, position=3)
    assert [row[0] for row in gallery(product.id)] == [a.id, b.id, d.id, c.id]
    assert_dense_with_cover_copied(product.id)
    with pytest.raises(ValidationError) as refused:
        images.update_image(product.id, a.id, position=4)
    assert refused.value.field == "position"


def test_alt_text_is_edited_and_empty_means_the_products_name(make_product, media_root):
    product = make_product(name="Blue Mug")
    (image,) = images.add_images(product.id, uploads(1))
    assert image.alt == ""
    images.update_image(product.id, image.id, alt="  The mug from above ")
    assert images.list_images(product.id)[0].alt == "The mug from above"
    with pytest.raises(ValidationError) as refused:
        images.update_image(product.id, image.id, alt="x" * 301)
    assert refused.value.field == "alt"


def test_an_image_of_another_product_is_not_found(make_product, media_root):
    first, second = make_product(), make_product()
    (image,) = images.add_images(first.id, uploads(1))
    for change in (
        lambda: images.update_image(second.id, image.id, alt="x"),
        lambda: images.move_image(second.id, image.id, 1),
        lambda: images.remove_image(second.id, image.id),
    ):
        with pytest.raises(NotFound):
            change()
    assert len(gallery(first.id)) == 1


def test_deleting_the_cover_makes_the_next_the_cover_and_removes_its_files(
    make_product, media_root
):
    product = make_product()
    a, b = images.add_images(product.id, uploads(2))
    a_path = a.path
    images.remove_image(product.id, a.id)
    assert [row[0] for row in gallery(product.id)] == [b.id]
    assert_dense_with_cover_copied(product.id)
    assert not any(name.startswith(a_path.split("/")[1][:32]) for name in stored_files(media_root))
    images.remove_image(product.id, b.id)
    assert gallery(product.id) == []
    assert cover_copy(product.id) is None
    assert stored_files(media_root) == []


def test_a_file_two_products_share_stays_until_neither_uses_it(make_product, media_root):
    first, second = make_product(), make_product()
    (one,) = images.add_images(first.id, uploads(1))
    (two,) = images.add_images(second.id, uploads(1))
    assert one.path == two.path  # the same content, one set of files
    images.remove_image(first.id, one.id)
    assert (media_root / two.path).is_file()
    images.remove_image(second.id, two.id)
    assert stored_files(media_root) == []


def test_replacing_the_cover_keeps_the_rest_of_the_gallery(make_product, media_root):
    product = make_product()
    a, b = images.add_images(product.id, uploads(2))
    old_path = a.path
    images.replace_product_image(product.id, picture((1, 2, 3)))
    rows = gallery(product.id)
    assert [row[0] for row in rows] == [a.id, b.id]
    assert rows[0][1] != old_path
    assert_dense_with_cover_copied(product.id)
    assert not (media_root / old_path).exists()


def test_replacing_the_cover_of_a_product_without_a_gallery_starts_one(make_product, media_root):
    product = make_product()
    images.replace_product_image(product.id, picture())
    assert len(gallery(product.id)) == 1
    assert_dense_with_cover_copied(product.id)


def test_every_change_bumps_the_catalog_version(make_product, media_root):
    product = make_product()

    def version():
        db.session.rollback()
        return catalog_version.current(db.session)

    start = version()
    a, b = images.add_images(product.id, uploads(2))
    assert version() == start + 1
    images.update_image(product.id, b.id, alt="Side")  # not the cover: only the row changes
    assert version() == start + 2
    images.move_image(product.id, b.id, -1)
    assert version() == start + 3
    images.remove_image(product.id, a.id)
    assert version() == start + 4


def test_a_product_with_images_can_be_created_in_one_go(media_root):
    product = images.create_product_with_images(
        uploads(3), name="Lamp", price="20.00", stock_quantity=2
    )
    assert len(gallery(product.id)) == 3
    assert_dense_with_cover_copied(product.id)


def test_a_refused_image_creates_no_product(media_root):
    batch = uploads(1) + [Upload("notes.pdf", io.BytesIO(b"%PDF-1.4"))]
    with pytest.raises(InvalidImage):
        images.create_product_with_images(batch, name="Lamp", price="20.00", stock_quantity=2)
    assert db.session.scalar(select(Product).where(Product.name == "Lamp")) is None
    assert stored_files(media_root) == []


def test_a_refused_field_creates_nothing_and_keeps_no_files(media_root):
    with pytest.raises(ValidationError):
        images.create_product_with_images(uploads(2), name="Lamp", price="-1", stock_quantity=2)
    assert db.session.scalar(select(Product).where(Product.name == "Lamp")) is None
    assert stored_files(media_root) == []


def test_deleting_a_product_deletes_its_gallery_rows(make_product, media_root):
    product = make_product()
    images.add_images(product.id, uploads(2))
    assert catalog.delete_product(product.id) == "deleted"
    assert gallery(product.id) == []


def test_positions_are_unique_per_product_in_the_database(make_product, media_root):
    from sqlalchemy.exc import IntegrityError

    product = make_product()
    (image,) = images.add_images(product.id, uploads(1))
    db.session.add(ProductImage(product_id=product.id, path="products/x.png", alt="", position=0))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
