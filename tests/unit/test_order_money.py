"""An order's money: subtotal, discount, shipping and total, exact to the cent,
``total = subtotal - discount + shipping`` for every order (a CHECK and ``check-orders``),
and never placed at a total the shopper did not confirm."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from storefront.extensions import db
from storefront.models import CartItem, Order, Product
from storefront.services import cart, catalog, orders, pricing
from storefront.services.errors import TotalChanged, ValidationError


def order_count() -> int:
    return db.session.scalar(select(func.count(Order.id)))


@pytest.mark.parametrize(
    ("price", "quantity", "subtotal"),
    [("0.10", 1, "0.10"), ("0.10", 3, "0.30"), ("0.10", 7, "0.70"), ("33.33", 3, "99.99")],
)
def test_an_order_stores_its_subtotal_and_a_total_that_adds_up(
    app, make_user, make_product, price, quantity, subtotal
):
    buyer = make_user()
    cart.add_to_cart(buyer.id, make_product(price=price, stock=50).id, quantity)
    order = orders.place_order(buyer.id, "1 Road").order
    assert order.subtotal == Decimal(subtotal)
    assert (order.discount_amount, order.shipping_fee) == (Decimal("0.00"), Decimal("0.00"))
    assert order.total_amount == order.subtotal - order.discount_amount + order.shipping_fee
    assert orders.order_discrepancies() == []


def test_the_confirmed_total_places_the_order(app, make_user, make_product):
    buyer = make_user()
    cart.add_to_cart(buyer.id, make_product(price="33.33").id, 3)
    order = orders.place_order(buyer.id, "1 Road", expected_total="99.99").order
    assert order.total_amount == Decimal("99.99")


def test_a_price_change_after_the_total_was_shown_orders_nothing(app, make_user, make_product):
    buyer = make_user()
    product = make_product(price="10.00", stock=5)
    cart.add_to_cart(buyer.id, product.id, 2)
    shown = pricing.quote_cart(cart.get_cart(buyer.id)).total
    catalog.update_product(product.id, price=Decimal("12.50"))

    with pytest.raises(TotalChanged) as refused:
        orders.place_order(buyer.id, "1 Road", expected_total=shown)

    assert refused.value.expected == Decimal("20.00")
    assert refused.value.quote.total == Decimal("25.00")
    assert order_count() == 0
    assert db.session.get(Product, product.id).stock_quantity == 5
    assert db.session.scalar(select(func.count(CartItem.id))) == 1
    # Confirming the new total goes through.
    assert orders.place_order(buyer.id, "1 Road", expected_total="25.00").order.total_amount == 25


def test_a_malformed_expected_total_is_refused(app, make_user, make_product):
    buyer = make_user()
    cart.add_to_cart(buyer.id, make_product().id, 1)
    with pytest.raises(ValidationError) as refused:
        orders.place_order(buyer.id, "1 Road", expected_total="-1")
    assert "expected_total" in refused.value.errors
    assert order_count() == 0


def _placed_order(make_user, make_product) -> Order:
    buyer = make_user()
    cart.add_to_cart(buyer.id, make_product(price="33.33").id, 3)
    return orders.place_order(buyer.id, "1 Road").order


def test_the_database_refuses_a_total_that_does_not_add_up(app, make_user, make_product):
    order_id = _placed_order(make_user, make_product).id
    with pytest.raises(IntegrityError):
        db.session.execute(text("UPDATE orders SET total_amount = 100.00 WHERE id = :id"),
                           {"id": order_id})  # fmt: skip
        db.session.flush()
    db.session.rollback()
    # Nor a discount larger than the subtotal, even when the identity would hold.
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(
                "UPDATE orders SET discount_amount = 100.00, shipping_fee = 100.01 WHERE id = :id"
            ),
            {"id": order_id},
        )
    db.session.rollback()


def test_check_orders_passes_when_every_order_adds_up(app, runner, make_user, make_product):
    _placed_order(make_user, make_product)
    result = runner.invoke(args=["check-orders"])
    assert result.exit_code == 0, result.output
    assert "Orders add up" in result.output


def test_check_orders_fails_on_a_total_and_subtotal_that_disagree_with_the_lines(
    app, runner, make_user, make_product
):
    order_id = _placed_order(make_user, make_product).id
    # The identity still holds, so the CHECK lets it through; only the audit sees it.
    db.session.execute(
        text("UPDATE orders SET subtotal = 9.99, total_amount = 9.99 WHERE id = :id"),
        {"id": order_id},
    )
    db.session.commit()
    result = runner.invoke(args=["check-orders"])
    assert result.exit_code == 1
    assert f"order {order_id}: subtotal 9.99 is not the sum of its lines 99.99" in result.output


def test_check_orders_fails_on_a_tampered_total(app, runner, make_user, make_product, is_postgres):
    order_id = _placed_order(make_user, make_product).id
    if is_postgres:
        # DDL is transactional here: the constraint comes back with the rollback.
        db.session.execute(text("ALTER TABLE orders DROP CONSTRAINT ck_orders_total_identity"))
        db.session.execute(
            text("UPDATE orders SET total_amount = 100.00 WHERE id = :id"), {"id": order_id}
        )
        problems = orders.order_discrepancies()
        db.session.rollback()
        assert [p["order_id"] for p in problems] == [order_id]
        assert "total 100.00 is not subtotal 99.99" in problems[0]["reasons"][0]
        return
    db.session.execute(text("PRAGMA ignore_check_constraints = ON"))
    try:
        db.session.execute(
            text("UPDATE orders SET total_amount = 100.00 WHERE id = :id"), {"id": order_id}
        )
        db.session.commit()
    finally:
        db.session.execute(text("PRAGMA ignore_check_constraints = OFF"))
    result = runner.invoke(args=["check-orders"])
    assert result.exit_code == 1
    assert f"order {order_id}: total 100.00 is not subtotal 99.99" in result.output


def test_check_orders_fails_on_a_line_that_is_not_price_times_quantity(
    app, runner, make_user, make_product
):
    order_id = _placed_order(make_user, make_product).id
    db.session.execute(text("UPDATE order_items SET price_at_time = 1.00"))
    db.session.commit()
    result = runner.invoke(args=["check-orders"])
    assert result.exit_code == 1
    assert f"order {order_id}:" in result.output and "is not its total 99.99" in result.output
