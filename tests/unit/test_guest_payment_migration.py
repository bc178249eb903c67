"""Upgrading to guest checkout and payment status keeps every order whole: each keeps
its customer; all are cash on delivery; delivered ones are paid, the rest unpaid."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from storefront.extensions import db

from .test_migration_carries_data import scratch_app  # noqa: F401  (a fixture)

BEFORE = "c12a_variants"


def test_orders_keep_their_customer_and_get_a_payment_status(scratch_app):  # noqa: F811
    upgrade(revision=BEFORE)
    run = db.session.execute
    run(
        text(
            "INSERT INTO users (id, email, password_hash, full_name, role, is_active, "
            "order_cancellation_count) VALUES (1, 'old@example.com', 'x', 'Old', 'customer', "
            ":yes, 0)"
        ),
        {"yes": True},
    )
    for order_id, status in ((1, "delivered"), (2, "pending"), (3, "cancelled")):
        run(
            text(
                "INSERT INTO orders (id, user_id, status, subtotal, discount_amount, "
                "shipping_fee, total_amount, shipping_address, note) "
                "VALUES (:id, 1, :status, 0, 0, 0, 0, '1 Road', '')"
            ),
            {"id": order_id, "status": status},
        )
    db.session.commit()
    upgrade()
    rows = run(
        text("SELECT id, user_id, guest_email, payment_method, payment_status FROM orders")
    ).all()
    assert sorted(tuple(r) for r in rows) == [
        (1, 1, None, "cod", "paid"),
        (2, 1, None, "cod", "unpaid"),
        (3, 1, None, "cod", "unpaid"),
    ]
    db.session.remove()
    result = scratch_app.test_cli_runner().invoke(args=["check-orders"])
    assert result.exit_code == 0, result.output


def test_downgrade_works_on_an_empty_database(scratch_app):  # noqa: F811
    upgrade()
    downgrade(revision=BEFORE)
    upgrade()


def test_images_made_before_variant_images_show_the_whole_product(scratch_app):  # noqa: F811
    upgrade(revision="c11f_payment_status")
    run = db.session.execute
    run(
        text(
            "INSERT INTO products (id, name, slug, description, price, min_price, stock_quantity, "
            "image_path, is_active) VALUES (1, 'Mug', 'mug', '', 5, 5, 0, 'products/a.png', :yes)"
        ),
        {"yes": True},
    )
    run(
        text(
            "INSERT INTO product_variants (id, product_id, sku, stock_quantity, option_values, "
            "option_key, is_active, position) VALUES (1, 1, 'P1', 0, '[]', '', :yes, 0)"
        ),
        {"yes": True},
    )
    run(
        text(
            "INSERT INTO product_images (product_id, path, alt, position) "
            "VALUES (1, 'products/a.png', '', 0)"
        )
    )
    db.session.commit()
    upgrade()
    assert run(text("SELECT variant_id FROM product_images")).all() == [(None,)]
    assert run(text("SELECT image_path FROM product_variants")).all() == [(None,)]
    db.session.remove()
    assert scratch_app.test_cli_runner().invoke(args=["check-stock"]).exit_code == 0
