"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storefront.extensions import db
from storefront.models import Base
from storefront.models.catalog import include_in_schema_comparison


def test_upgraded_database_matches_the_models(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "include_name": include_in_schema_comparison},
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_every_model_table_exists_after_upgrade(app):
    from sqlalchemy import inspect

    tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_upgrading_a_database_that_holds_data_keeps_it_consistent(make_app, tmp_path):
    """Data written at the previous head survives the upgrade, and check-stock passes."""
    import os

    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.conftest import _create_postgres_database, _drop_postgres_database

    requested = os.environ.get("TEST_DATABASE_URL", "")
    if requested.startswith("postgresql"):
        url = _create_postgres_database(requested)
    else:
        url = "sqlite:///" + str(tmp_path / "upgrade.db")
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    try:
        with app.app_context():
            upgrade(revision="0001")
            # Rows as the previous head stored them (today's models have more tables
            # and columns, so the ORM cannot write them there).
            db.session.execute(
                text(
                    "INSERT INTO products (name, slug, description, price, stock_quantity, "
                    "is_active) VALUES ('Kept', 'kept', '', 5.00, 7, true)"
                )
            )
            db.session.execute(
                text(
                    "INSERT INTO stock_movements (product_id, delta, reason, stock_after, note) "
                    "VALUES (1, 7, 'initial', 7, '')"
                )
            )
            db.session.execute(
                text(
                    "INSERT INTO users (email, password_hash, full_name, role, is_active, "
                    "order_cancellation_count) VALUES ('old@example.com', 'x', '', 'customer', "
                    "true, 0)"
                )
            )
            db.session.execute(
                text(
                    "INSERT INTO orders (user_id, status, total_amount, shipping_address, note) "
                    "VALUES (1, 'shipped', 0, '1 Old Road', '')"
                )
            )
            db.session.commit()
            upgrade()
            assert db.session.scalar(text("SELECT stock_quantity FROM products")) == 7
            old_order = db.session.execute(
                text("SELECT shipping_address, status, tracking_number FROM orders")
            ).one()
            assert tuple(old_order) == ("1 Old Road", "shipped", None)
            assert db.session.scalar(text("SELECT count(*) FROM outbox_messages")) == 0
            db.session.remove()
            result = app.test_cli_runner().invoke(args=["check-stock"])
        assert result.exit_code == 0, result.output
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        if requested.startswith("postgresql"):
            _drop_postgres_database(url)
