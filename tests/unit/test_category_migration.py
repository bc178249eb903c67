"""Upgrading to managed categories keeps every category's id, name and slug, and
every product in its category; names that differ only in case are told apart."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from storefront.extensions import db
from tests.unit.test_migration_carries_data import revision_before, scratch_app  # noqa: F401 (fixture)

REVISION = "c12b_managed_categories"


def test_upgrading_keeps_categories_and_their_products(scratch_app):  # noqa: F811
    upgrade(revision=revision_before(REVISION))
    run = db.session.execute
    for cid, name, slug in (
        (3, "Kitchen", "kitchen"),
        (5, "Books", "books"),
        (8, "books", "books-2"),  # the old schema allowed both
    ):
        run(
            text("INSERT INTO categories (id, name, slug) VALUES (:id, :name, :slug)"),
            {"id": cid, "name": name, "slug": slug},
        )
    run(
        text(
            "INSERT INTO products (id, name, slug, description, price, stock_quantity, "
            "category_id, is_active) VALUES (1, 'Pot', 'pot', '', 5.00, 2, 3, :yes)"
        ),
        {"yes": True},
    )
    run(
        text(
            "INSERT INTO stock_movements (product_id, delta, reason, stock_after, note) "
            "VALUES (1, 2, 'initial', 2, '')"
        )
    )
    db.session.commit()
    db.session.remove()

    upgrade()

    rows = db.session.execute(
        text(
            "SELECT id, name, slug, description, parent_id, position, is_archived "
            "FROM categories ORDER BY id"
        )
    ).all()
    assert [tuple(r) for r in rows] == [
        (3, "Kitchen", "kitchen", "", None, 2, False),
        (5, "Books", "books", "", None, 0, False),
        (8, "books (8)", "books-2", "", None, 1, False),
    ]
    assert db.session.scalar(text("SELECT category_id FROM products WHERE id = 1")) == 3
    db.session.remove()
    result = scratch_app.test_cli_runner().invoke(args=["check-stock"])
    assert result.exit_code == 0, result.output

    from storefront.services import catalog

    assert [c.name for c in catalog.list_categories()] == ["Books", "books (8)", "Kitchen"]
    db.session.remove()

    downgrade(revision=revision_before(REVISION))
    names = db.session.execute(text("SELECT id, name FROM categories ORDER BY id")).all()
    assert [tuple(r) for r in names] == [(3, "Kitchen"), (5, "Books"), (8, "books (8)")]
