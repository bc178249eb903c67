"""Upgrading to galleries: each product's one image becomes its gallery's cover.

The data is written as the previous head's schema knew it (plain SQL), the
database is upgraded to head and audited with ``check-stock``; downgrading an
empty database works.
"""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from storefront.extensions import db
from tests.unit.test_migration_carries_data import revision_before, scratch_app  # noqa: F401 (a fixture)

GALLERY_REVISION = "c12c_product_images"


def write_old_products() -> None:
    run = db.session.execute
    for pid, name, image in (
        (1, "Pencil", "products/aaaa.jpg"),
        (2, "Lamp", None),
        (3, "Kettle", "products/bbbb.png"),
    ):
        run(
            text(
                "INSERT INTO products (id, name, slug, description, price, stock_quantity, "
                "image_path, is_active) VALUES (:id, :name, :slug, '', 5.00, 4, :image, :yes)"
            ),
            {"id": pid, "name": name, "slug": name.lower(), "image": image, "yes": True},
        )
        run(
            text(
                "INSERT INTO stock_movements (product_id, delta, reason, stock_after, note) "
                "VALUES (:id, 4, 'initial', 4, '')"
            ),
            {"id": pid},
        )
    db.session.commit()


def test_each_products_image_becomes_its_cover(scratch_app):  # noqa: F811
    upgrade(revision=revision_before(GALLERY_REVISION))
    write_old_products()
    db.session.remove()

    upgrade()

    rows = db.session.execute(
        text("SELECT product_id, path, alt, position FROM product_images ORDER BY product_id")
    ).all()
    assert [tuple(row) for row in rows] == [
        (1, "products/aaaa.jpg", "", 0),
        (3, "products/bbbb.png", "", 0),
    ]
    covers = db.session.execute(text("SELECT id, image_path FROM products ORDER BY id")).all()
    assert [tuple(row) for row in covers] == [
        (1, "products/aaaa.jpg"), (2, None), (3, "products/bbbb.png")
    ]  # fmt: skip
    db.session.remove()
    result = scratch_app.test_cli_runner().invoke(args=["check-stock"])
    assert result.exit_code == 0, result.output


def test_downgrade_from_galleries_on_an_empty_database(scratch_app):  # noqa: F811
    upgrade()
    downgrade(revision=revision_before(GALLERY_REVISION))
    tables = db.session.execute(text("SELECT 1 FROM products")).all()
    assert tables == []
    db.session.remove()
    upgrade()
