"""Upgrading a database that holds orders made before the checkout work keeps them whole.

The data is written as the previous head's schema knew it (plain SQL: today's
models describe the new schema), then the database is upgraded to head and
audited with ``check-stock`` and ``check-orders``.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import text

from storefront import create_app
from storefront.extensions import db
from tests.conftest import _create_postgres_database, _drop_postgres_database, base_config

ROOT = Path(__file__).resolve().parents[2]
FIRST_CHECKOUT_REVISION = "c11a_order_money"  # its down_revision is the previous head
ADDRESS = "Rahim Uddin\n12 Lake Road, Dhanmondi\nDhaka 1209\n+880 1700-000000"


@pytest.fixture
def scratch_app(tmp_path):
    requested = os.environ.get("TEST_DATABASE_URL", "").strip()
    if requested.startswith("postgresql"):
        url = _create_postgres_database(requested)
    else:
        url = "sqlite:///" + str(tmp_path / "old.db")
    app = create_app(base_config(url, str(tmp_path / "media")))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if requested.startswith("postgresql"):
        _drop_postgres_database(url)


def revision_before(revision: str) -> str:
    """The head a migration was written on: its down revision (the "previous head")."""
    return ScriptDirectory(str(ROOT / "migrations")).get_revision(revision).down_revision


def previous_head() -> str:
    return revision_before(FIRST_CHECKOUT_REVISION)


def write_old_data() -> None:
    run = db.session.execute
    run(
        text(
            "INSERT INTO users (id, email, password_hash, full_name, role, is_active, "
            "order_cancellation_count) VALUES (1, 'old@example.com', 'x', 'Old Shopper', "
            "'customer', :yes, 0)"
        ),
        {"yes": True},
    )
    for pid, name, price in ((1, "Pencil", "0.10"), (2, "Lamp", "33.33")):
        run(
            text(
                "INSERT INTO products (id, name, slug, description, price, stock_quantity, "
                f"is_active) VALUES (:id, :name, :slug, '', {price}, 2, :yes)"
            ),
            {"id": pid, "name": name, "slug": name.lower(), "yes": True},
        )
        run(
            text(
                "INSERT INTO stock_movements (product_id, delta, reason, stock_after, note) "
                "VALUES (:id, 5, 'initial', 5, '')"
            ),
            {"id": pid},
        )
    run(
        text(
            "INSERT INTO orders (id, user_id, status, total_amount, shipping_address, note) "
            "VALUES (1, 1, 'pending', 100.29, :address, 'Ring twice')"
        ),
        {"address": ADDRESS},
    )
    for pid, name, price, line in ((1, "Pencil", "0.10", "0.30"), (2, "Lamp", "33.33", "99.99")):
        run(
            text(
                "INSERT INTO order_items (order_id, product_id, product_name, quantity, "
                f"price_at_time, line_total) VALUES (1, :pid, :name, 3, {price}, {line})"
            ),
            {"pid": pid, "name": name},
        )
        run(
            text(
                "INSERT INTO stock_movements (product_id, delta, reason, order_id, actor_id, "
                "stock_after, note) VALUES (:pid, -3, 'order', 1, 1, 2, '')"
            ),
            {"pid": pid},
        )
    db.session.commit()


def test_upgrading_keeps_old_orders_whole_and_the_audits_pass(scratch_app):
    upgrade(revision=previous_head())
    write_old_data()
    db.session.remove()

    upgrade()

    from storefront.models import Order

    order = db.session.get(Order, 1)
    assert order.total_amount == Decimal("100.29")
    assert (order.subtotal, order.discount_amount, order.shipping_fee) == (
        Decimal("100.29"), Decimal("0.00"), Decimal("0.00")
    )  # fmt: skip
    assert order.shipping_address == ADDRESS  # the free text, untouched
    assert order.address is None  # nothing guessed from it
    assert [(i.product_name, i.line_total) for i in order.items] == [
        ("Pencil", Decimal("0.30")), ("Lamp", Decimal("99.99"))
    ]  # fmt: skip
    db.session.remove()
    runner = scratch_app.test_cli_runner()
    for command in ("check-stock", "check-orders"):
        result = runner.invoke(args=[command])
        assert result.exit_code == 0, (command, result.output)
