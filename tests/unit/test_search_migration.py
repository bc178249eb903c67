"""Upgrading to full-text search (c13a) indexes the products already stored.

The data is written as the previous head's schema knew it (plain SQL), the
database is upgraded to head, searched through the catalog service and audited
with ``check-stock``; a downgrade with the data in place and a new upgrade
index it again.
"""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from storefront.extensions import db
from storefront.services import catalog
from tests.unit.test_migration_carries_data import revision_before, scratch_app  # noqa: F401 (a fixture)

SEARCH_REVISION = "c13a_search_fts"
SQLITE_TRIGGERS = {"products_fts_insert", "products_fts_delete", "products_fts_update"}


def write_old_products() -> None:
    run = db.session.execute
    run(
        text(
            "INSERT INTO categories (id, name, slug, description, position, is_archived) "
            "VALUES (1, 'Kitchen', 'kitchen', '', 0, :no)"
        ),
        {"no": False},
    )
    for pid, name, description, stock in (
        (1, "Enamel Kettle", "Whistles when the water boils.", 4),
        (2, "Desk Lamp", "A brass arm and a linen shade.", 0),
        (3, "Teapots Set", "Two pots.", 2),
    ):
        run(
            text(
                "INSERT INTO products (id, name, slug, description, price, min_price, "
                "stock_quantity, category_id, is_active) "
                "VALUES (:id, :name, :slug, :description, 5.00, 5.00, :stock, 1, :yes)"
            ),
            {"id": pid, "name": name, "slug": name.lower(), "description": description,
             "stock": stock, "yes": True},
        )  # fmt: skip
        run(
            text(
                "INSERT INTO product_variants (id, product_id, sku, stock_quantity, "
                "option_values, option_key, is_active, position) "
                "VALUES (:id, :id, :sku, :stock, '[]', '', :yes, 0)"
            ),
            {"id": pid, "sku": f"P{pid}", "stock": stock, "yes": True},
        )
        if stock:
            run(
                text(
                    "INSERT INTO stock_movements (product_id, variant_id, delta, reason, "
                    "stock_after, note) VALUES (:id, :id, :stock, 'initial', :stock, '')"
                ),
                {"id": pid, "stock": stock},
            )
    if db.engine.dialect.name == "postgresql":  # the ids above were given, not drawn
        for table in ("categories", "products", "product_variants"):
            run(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 3)"))
    db.session.commit()


def found(q: str) -> set[str]:
    return {p.name for p in catalog.search_products(q=q, per_page=100).items}


def check_search_finds_the_old_products() -> None:
    assert found("kettle") == {"Enamel Kettle"}
    assert found("ETTL") == {"Enamel Kettle"}  # a substring inside a word
    assert found("brass shade") == {"Desk Lamp"}  # description words
    assert found("kitchen") == {"Enamel Kettle", "Desk Lamp", "Teapots Set"}  # the category
    if db.engine.dialect.name == "postgresql":
        assert found("teapot") == {"Teapots Set"}
        assert found("kettles") == {"Enamel Kettle"}  # another form of the word
    else:
        tables = set(inspect(db.engine).get_table_names())
        assert "products_fts" in tables
        triggers = set(
            db.session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        )
        assert triggers >= SQLITE_TRIGGERS


def test_upgrading_indexes_the_products_already_stored(scratch_app):  # noqa: F811
    upgrade(revision=revision_before(SEARCH_REVISION))
    write_old_products()
    db.session.remove()

    upgrade()

    check_search_finds_the_old_products()
    # A product written after the upgrade is found too (the triggers / the generated column).
    catalog.create_product(name="Milk Frother", price="12.00", description="Foams milk.")
    assert found("frother") == {"Milk Frother"}
    db.session.remove()
    result = scratch_app.test_cli_runner().invoke(args=["check-stock"])
    assert result.exit_code == 0, result.output


def test_downgrading_with_products_and_upgrading_again(scratch_app):  # noqa: F811
    upgrade(revision=revision_before(SEARCH_REVISION))
    write_old_products()
    db.session.remove()
    upgrade()
    db.session.remove()

    downgrade(revision=revision_before(SEARCH_REVISION))
    inspector = inspect(db.engine)
    assert "products_fts" not in inspector.get_table_names()
    assert "search_vector" not in {c["name"] for c in inspector.get_columns("products")}
    assert db.session.scalar(text("SELECT count(*) FROM products")) == 3
    db.session.remove()

    upgrade()
    check_search_finds_the_old_products()
    db.session.remove()
    result = scratch_app.test_cli_runner().invoke(args=["check-stock"])
    assert result.exit_code == 0, result.output
