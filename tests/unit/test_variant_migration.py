"""Upgrading to variants: every product, stock figure, ledger row, cart line and order
line made at the previous head survives, each product with one variant holding its stock.

The data is written as the previous head's schema knew it (plain SQL), then the
database is upgraded and audited with ``check-stock`` and ``check-orders``.
"""

from __future__ import annotations

from decimal import Decimal

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from storefront.extensions import db

from .test_migration_carries_data import revision_before, scratch_app  # noqa: F401  (a fixture)

VARIANTS_REVISION = "c12a_variants"


def write_data_of_the_revision_before() -> None:
    run = db.session.execute
    run(
        text(
            "INSERT INTO users (id, email, password_hash, full_name, role, is_active, "
            "order_cancellation_count) VALUES (1, 'old@example.com', 'x', 'Old', 'customer', "
            ":yes, 0)"
        ),
        {"yes": True},
    )
    for pid, name, price, stock in ((1, "Pencil", "0.10", 2), (2, "Lamp", "33.33", 0)):
        run(
            text(
                # No id given: the sequence hands out 1 and 2, and moves past them.
                "INSERT INTO products (name, slug, description, price, stock_quantity, "
                f"is_active) VALUES (:name, :slug, '', {price}, :stock, :yes)"
            ),
            {"name": name, "slug": name.lower(), "stock": stock, "yes": True},
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
            "INSERT INTO orders (id, user_id, status, subtotal, discount_amount, shipping_fee, "
            "total_amount, shipping_address, note) "
            "VALUES (1, 1, 'pending', 100.29, 0, 0, 100.29, '1 Road', '')"
        )
    )
    for pid, name, price, qty, line in (
        (1, "Pencil", "0.10", 3, "0.30"),
        (2, "Lamp", "33.33", 3, "99.99"),
    ):
        run(
            text(
                "INSERT INTO order_items (order_id, product_id, product_name, quantity, "
                f"price_at_time, line_total) VALUES (1, :pid, :name, :qty, {price}, {line})"
            ),
            {"pid": pid, "name": name, "qty": qty},
        )
    for pid, delta, after in ((1, -3, 2), (2, -3, 2), (2, -2, 0)):
        run(
            text(
                "INSERT INTO stock_movements (product_id, delta, reason, order_id, stock_after, "
                "note) VALUES (:pid, :delta, :reason, :order, :after, '')"
            ),
            {
                "pid": pid,
                "delta": delta,
                "after": after,
                "reason": "order" if delta == -3 else "adjustment",
                "order": 1 if delta == -3 else None,
            },
        )
    run(text("INSERT INTO carts (id, user_id) VALUES (1, 1)"))
    run(
        text(
            "INSERT INTO cart_items (cart_id, product_id, quantity, price_at_time) "
            "VALUES (1, 1, 2, 0.10)"
        )
    )
    db.session.commit()


def test_upgrading_gives_each_product_one_variant_with_its_stock_and_ledger(scratch_app):  # noqa: F811
    upgrade(revision=revision_before(VARIANTS_REVISION))
    write_data_of_the_revision_before()
    db.session.remove()
    # Consistent as written: Pencil 5 - 3 = 2, Lamp 5 - 3 - 2 = 0 (today's check-stock
    # reads variants, which the previous head has not).

    upgrade()

    from storefront.models import CartItem, OrderItem, Product, ProductVariant, StockMovement

    for pid, stock, price in ((1, 2, Decimal("0.10")), (2, 0, Decimal("33.33"))):
        product = db.session.get(Product, pid)
        (variant,) = product.variants
        assert (variant.id, variant.sku, variant.stock_quantity) == (pid, f"P{pid}", stock)
        assert variant.option_values == [] and variant.price is None
        assert product.stock_quantity == stock and product.min_price == price
    moves = db.session.query(StockMovement).order_by(StockMovement.id).all()
    assert [(m.product_id, m.variant_id, m.delta) for m in moves] == [
        (1, 1, 5), (2, 2, 5), (1, 1, -3), (2, 2, -3), (2, 2, -2)
    ]  # fmt: skip
    items = db.session.query(OrderItem).order_by(OrderItem.id).all()
    assert [(i.variant_id, i.sku, i.variant_options, i.line_total) for i in items] == [
        (1, "P1", {}, Decimal("0.30")), (2, "P2", {}, Decimal("99.99"))
    ]  # fmt: skip
    (line,) = db.session.query(CartItem).all()
    assert (line.variant_id, line.quantity) == (1, 2)
    # New rows get new ids (PostgreSQL's sequence was moved past the copied ones).
    from storefront.services import catalog

    lamp_shade = catalog.create_product(name="Shade", price="5.00", stock_quantity=1)
    assert lamp_shade.variants[0].id == 3
    assert db.session.get(ProductVariant, 3).product_id == lamp_shade.id
    db.session.remove()
    runner = scratch_app.test_cli_runner()
    for command in ("check-stock", "check-orders"):
        result = runner.invoke(args=[command])
        assert result.exit_code == 0, (command, result.output)


def test_downgrade_from_variants_works_on_an_empty_database(scratch_app):  # noqa: F811
    upgrade()
    downgrade(revision=revision_before(VARIANTS_REVISION))
    tables = set(inspect(db.engine).get_table_names())
    assert "product_variants" not in tables and "product_options" not in tables
    upgrade()
    assert "product_variants" in set(inspect(db.engine).get_table_names())
