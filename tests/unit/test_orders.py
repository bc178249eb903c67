"""The order service: checkout, idempotency keys, the status machine, cancellation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Order, OrderStatusChange, StockMovement, User
from storefront.services import cart, catalog, inventory, orders
from storefront.services.errors import (
    EmptyCart,
    IdempotencyKeyReused,
    InvalidTransition,
    NotFound,
    OutOfStock,
    Shortage,
    ValidationError,
)

from .helpers import ADDRESS, ledger_sum, reasons_of, snapshot_tables, stock_of

STATUSES = ("pending", "processing", "shipped", "delivered", "cancelled")
ALLOWED = {
    ("pending", "processing"),
    ("processing", "shipped"),
    ("shipped", "delivered"),
    ("pending", "cancelled"),
    ("processing", "cancelled"),
}
PATH_TO = {
    "pending": [],
    "processing": ["processing"],
    "shipped": ["processing", "shipped"],
    "delivered": ["processing", "shipped", "delivered"],
    "cancelled": ["cancelled"],
}


def order_count() -> int:
    return db.session.scalar(select(func.count(Order.id)))


def movement_count() -> int:
    return db.session.scalar(select(func.count(StockMovement.id)))


@pytest.fixture
def order_in(customer, admin, make_product, place):
    """An order of two units of a product (stock 5), walked to ``status`` by an admin."""

    def build(status):
        product = make_product(stock=5)
        order = place(customer, (product, 2))
        for step in PATH_TO[status]:
            orders.change_order_status(order.id, step, actor_id=admin.id)
        return orders.get_order(order.id), product

    return build


# --- checkout: success ----------------------------------------------------------


def test_checkout_turns_the_cart_into_a_pending_order(customer, make_product, fill_cart):
    kettle = make_product(name="Kettle", price="25.00", stock=5)
    mug = make_product(name="Mug", price="4.50", stock=10)
    fill_cart(customer, (mug, 3), (kettle, 1))

    placed = orders.place_order(customer.id, "  12 Lake Road  ", "ring twice")

    order = placed.order
    assert placed.created is True
    assert order.status == "pending"
    assert order.user_id == customer.id
    assert order.shipping_address == "12 Lake Road"
    assert order.note == "ring twice"
    assert [(i.product_name, i.quantity, i.price_at_time, i.line_total) for i in order.items] == [
        ("Kettle", 1, Decimal("25.00"), Decimal("25.00")),
        ("Mug", 3, Decimal("4.50"), Decimal("13.50")),
    ]
    assert order.total_amount == Decimal("38.50")
    assert [(h.from_status, h.to_status, h.changed_by_id) for h in order.status_history] == [
        (None, "pending", customer.id)
    ]
    assert stock_of(kettle.id) == 4 and stock_of(mug.id) == 7
    assert reasons_of(mug.id) == ["initial", "order"]
    assert cart.get_cart(customer.id).is_empty


def test_checkout_charges_the_current_price_not_the_price_when_added(
    customer, make_product, fill_cart
):
    product = make_product(price="10.00", stock=5)
    fill_cart(customer, (product, 2))
    catalog.update_product(product.id, price="12.00")

    order = orders.place_order(customer.id, ADDRESS).order

    assert order.items[0].price_at_time == Decimal("12.00")
    assert order.total_amount == Decimal("24.00")


def test_checkout_may_take_the_last_unit(customer, make_product, place):
    product = make_product(stock=2)
    place(customer, (product, 2))
    assert stock_of(product.id) == 0 == ledger_sum(product.id)


# --- checkout: refusals ---------------------------------------------------------


def test_checkout_refuses_an_empty_cart(customer, make_product, place):
    with pytest.raises(EmptyCart):
        orders.place_order(customer.id, ADDRESS)  # no cart at all yet
    place(customer, (make_product(), 1))
    with pytest.raises(EmptyCart):
        orders.place_order(customer.id, ADDRESS)  # the cart was emptied by that order
    assert order_count() == 1


def test_checkout_refuses_when_any_line_is_short_and_lists_every_shortage(
    customer, make_product, fill_cart
):
    lamp = make_product(name="Lamp", stock=5)
    rug = make_product(name="Rug", stock=2)
    vase = make_product(name="Vase", stock=10)
    fill_cart(customer, (lamp, 4), (rug, 2), (vase, 1))
    inventory.adjust_stock(lamp.id, -3, "damaged")  # 2 left, 4 wanted
    inventory.adjust_stock(rug.id, -2, "lost")  # 0 left, 2 wanted
    before = snapshot_tables()

    with pytest.raises(OutOfStock) as info:
        orders.place_order(customer.id, ADDRESS)

    assert info.value.shortages == [
        Shortage(lamp.id, "Lamp", requested=4, available=2),
        Shortage(rug.id, "Rug", requested=2, available=0),
    ]
    assert "Lamp (asked 4, 2 left)" in info.value.message
    assert "Rug (asked 2, 0 left)" in info.value.message
    assert snapshot_tables() == before  # cart, stock, ledger untouched; no order


@pytest.mark.parametrize(
    ("address", "note", "key", "field"),
    [
        ("   ", "", None, "shipping_address"),
        ("x" * 1001, "", None, "shipping_address"),
        (ADDRESS, "n" * 1001, None, "note"),
        (ADDRESS, "", "", "idempotency_key"),
        (ADDRESS, "", "k" * 256, "idempotency_key"),
    ],
)
def test_checkout_refuses_bad_input_before_touching_anything(
    customer, make_product, fill_cart, address, note, key, field
):
    fill_cart(customer, (make_product(), 1))
    before = snapshot_tables()
    with pytest.raises(ValidationError) as info:
        orders.place_order(customer.id, address, note, idempotency_key=key)
    assert field in info.value.errors
    assert snapshot_tables() == before


def test_checkout_refuses_a_total_the_database_cannot_hold(customer, make_product, fill_cart):
    product = make_product(price="9999999999.99", stock=5)
    fill_cart(customer, (product, 2))
    before = snapshot_tables()
    with pytest.raises(ValidationError, match="at most 9,999,999,999.99"):
        orders.place_order(customer.id, ADDRESS)
    assert snapshot_tables() == before

    cart.clear_cart(customer.id)
    fill_cart(customer, (product, 1))
    assert orders.place_order(customer.id, ADDRESS).order.total_amount == Decimal("9999999999.99")


# --- idempotency keys ------------------------------------------------------------


def test_same_key_and_body_returns_the_first_order_and_creates_nothing(
    customer, make_product, place
):
    product = make_product(stock=5)
    first = place(customer, (product, 2), key="checkout-1")
    before = snapshot_tables()

    again = orders.place_order(customer.id, ADDRESS, idempotency_key="checkout-1")

    assert again.created is False
    assert again.order.id == first.id
    assert again.order.total_amount == first.total_amount
    assert snapshot_tables() == before  # even though the cart is empty now


def test_same_key_with_another_body_is_refused(customer, make_product, place, fill_cart):
    product = make_product(stock=5)
    place(customer, (product, 1), key="checkout-1")
    fill_cart(customer, (product, 1))
    before = snapshot_tables()

    with pytest.raises(IdempotencyKeyReused):
        orders.place_order(customer.id, "Another address", idempotency_key="checkout-1")
    with pytest.raises(IdempotencyKeyReused):
        orders.place_order(customer.id, ADDRESS, "a note", idempotency_key="checkout-1")

    assert snapshot_tables() == before


def test_different_customers_may_use_the_same_key(make_user, make_product, place):
    product = make_product(stock=5)
    first = place(make_user(), (product, 1), key="same-key")
    second = place(make_user(), (product, 1), key="same-key")
    assert first.id != second.id
    assert order_count() == 2
    assert stock_of(product.id) == 3


def test_a_refused_checkout_does_not_use_up_its_key(customer, make_product, fill_cart):
    product = make_product(stock=3)
    fill_cart(customer, (product, 3))
    inventory.adjust_stock(product.id, -1, "recount")
    with pytest.raises(OutOfStock):
        orders.place_order(customer.id, ADDRESS, idempotency_key="retry-me")

    inventory.adjust_stock(product.id, 1, "found it")
    placed = orders.place_order(customer.id, ADDRESS, idempotency_key="retry-me")
    assert placed.created is True


# --- the status machine ------------------------------------------------------------


def test_admin_moves_an_order_along_the_whole_machine(order_in, admin):
    order, product = order_in("pending")
    for status in ("processing", "shipped", "delivered"):
        order = orders.change_order_status(order.id, status, actor_id=admin.id)
        assert order.status == status
    assert [(h.from_status, h.to_status) for h in order.status_history] == [
        (None, "pending"),
        ("pending", "processing"),
        ("processing", "shipped"),
        ("shipped", "delivered"),
    ]
    assert all(h.changed_by_id == admin.id for h in order.status_history[1:])
    assert stock_of(product.id) == 3  # delivery does not touch stock
    assert reasons_of(product.id) == ["initial", "order"]


@pytest.mark.parametrize(
    ("current", "target"),
    [(a, b) for a in STATUSES for b in STATUSES if (a, b) not in ALLOWED],
)
def test_every_transition_outside_the_machine_is_refused(order_in, admin, current, target):
    order, product = order_in(current)
    before = snapshot_tables()

    with pytest.raises(InvalidTransition) as info:
        orders.change_order_status(order.id, target, actor_id=admin.id)

    assert current in info.value.message
    assert snapshot_tables() == before


def test_an_unknown_status_or_order_is_refused(order_in, admin):
    order, _ = order_in("pending")
    with pytest.raises(ValidationError):
        orders.change_order_status(order.id, "lost", actor_id=admin.id)
    with pytest.raises(NotFound):
        orders.change_order_status(order.id + 1000, "processing", actor_id=admin.id)


@pytest.mark.parametrize("status", ["pending", "processing"])
def test_owner_cancels_before_shipping_and_the_stock_comes_back(order_in, customer, status):
    order, product = order_in(status)
    assert stock_of(product.id) == 3

    cancelled = orders.cancel_order(order.id, customer.id)

    assert cancelled.status == "cancelled"
    assert stock_of(product.id) == 5 == ledger_sum(product.id)
    movement = db.session.scalars(
        select(StockMovement)
        .where(StockMovement.product_id == product.id)
        .order_by(StockMovement.id.desc())
    ).first()
    assert (movement.reason, movement.delta, movement.order_id, movement.actor_id) == (
        "cancel",
        2,
        order.id,
        customer.id,
    )
    last = cancelled.status_history[-1]
    assert (last.from_status, last.to_status, last.changed_by_id) == (
        status,
        "cancelled",
        customer.id,
    )
    assert db.session.get(User, customer.id).order_cancellation_count == 1


def test_admin_cancellation_counts_against_the_owner_and_records_the_admin(
    order_in, customer, admin
):
    first, _ = order_in("pending")
    second, product = order_in("processing")

    orders.cancel_order(first.id, admin.id, as_admin=True)
    orders.change_order_status(second.id, "cancelled", actor_id=admin.id)

    assert db.session.get(User, customer.id).order_cancellation_count == 2
    assert db.session.get(User, admin.id).order_cancellation_count == 0
    history = orders.get_order(second.id).status_history[-1]
    assert (history.from_status, history.to_status, history.changed_by_id) == (
        "processing",
        "cancelled",
        admin.id,
    )
    assert reasons_of(product.id) == ["initial", "order", "cancel"]
    assert stock_of(product.id) == ledger_sum(product.id) == 5


def test_a_cancelled_order_with_several_products_restocks_each(customer, make_product, place):
    a, b = make_product(stock=4), make_product(stock=6)
    order = place(customer, (b, 5), (a, 3))
    orders.cancel_order(order.id, customer.id)
    assert (stock_of(a.id), stock_of(b.id)) == (4, 6)
    assert inventory.stock_discrepancies() == []


@pytest.mark.parametrize("status", ["pending", "processing"])
def test_a_failure_during_cancellation_leaves_every_table_as_before(
    order_in, customer, monkeypatch, status
):
    order, product = order_in(status)
    before = snapshot_tables()

    def fail(*_args, **_kwargs):
        raise RuntimeError("injected failure after the restock")

    monkeypatch.setattr(orders, "_record_status", fail)
    with pytest.raises(RuntimeError, match="injected"):
        orders.cancel_order(order.id, customer.id)
    monkeypatch.undo()

    assert snapshot_tables() == before
    assert stock_of(product.id) == 3


@pytest.mark.parametrize("status", ["shipped", "delivered", "cancelled"])
def test_cancel_after_shipping_or_twice_is_refused(order_in, customer, status):
    order, product = order_in(status)
    before = snapshot_tables()
    with pytest.raises(InvalidTransition):
        orders.cancel_order(order.id, customer.id)
    assert snapshot_tables() == before


def test_another_customer_cannot_cancel_or_even_see_the_order(order_in, make_user):
    order, _ = order_in("pending")
    stranger = make_user()
    before = snapshot_tables()

    with pytest.raises(NotFound):
        orders.cancel_order(order.id, stranger.id)
    with pytest.raises(NotFound):
        orders.get_order(order.id, owner_id=stranger.id)

    assert snapshot_tables() == before


def test_status_history_rows_are_one_per_transition(order_in):
    order_in("delivered")
    order_in("cancelled")
    assert db.session.scalar(select(func.count(OrderStatusChange.id))) == 4 + 2


# --- listing ---------------------------------------------------------------------


def test_list_orders_filters_by_customer_and_status_newest_first(
    make_user, make_product, place, admin
):
    ann = make_user(email="ann@example.com", full_name="Ann 100%")
    bob = make_user(email="bob@example.com", full_name="Bob")
    product = make_product(stock=10)
    a1 = place(ann, (product, 1))
    a2 = place(ann, (product, 1))
    b1 = place(bob, (product, 1))
    orders.change_order_status(a1.id, "processing", actor_id=admin.id)

    assert [o.id for o in orders.list_orders(user_id=ann.id).items] == [a2.id, a1.id]
    assert [o.id for o in orders.list_orders(status="processing").items] == [a1.id]
    assert [o.id for o in orders.list_orders(customer="BOB@").items] == [b1.id]
    assert {o.id for o in orders.list_orders(customer="100%").items} == {a1.id, a2.id}
    assert orders.list_orders(customer="_").total == 0  # literal, not a wildcard
    with pytest.raises(ValidationError):
        orders.list_orders(status="lost")


def test_a_checkout_reads_the_order_back_never_and_each_table_once(make_product, customer):
    """Round trips: the products' options in one query whatever the number of lines,
    the order's lines and history written in batches and none of them read back."""
    from storefront.services import variants
    from tests.web.conftest import count_queries

    for n in range(3):
        tee = make_product(name=f"Tee {n}", stock=0)
        tee = variants.set_options(tee.id, [("Size", "S, M")])
        inventory.adjust_stock(tee.id, 5, "count", None, variant_id=tee.variants[0].id)
        cart.add_to_cart(customer.id, tee.variants[0].id, 1)
    customer_id = customer.id
    db.session.rollback()
    with count_queries() as statements:
        placed = orders.place_order(customer_id, "1 Test Road")
    reads = [" ".join(s.split()) for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert not [s for s in reads if " FROM orders " in f"{s} " or "FROM order_items" in s], reads
    assert len([s for s in reads if "FROM product_options" in s]) == 1, reads
    if db.engine.dialect.name == "postgresql":  # SQLite has no round trip to save
        writes = [s for s in statements if s.lstrip().startswith("INSERT INTO order_items")]
        assert len(writes) == 1, writes
    assert [i.variant_options for i in placed.order.items] == [{"Size": "S"}] * 3
    assert [c.to_status for c in placed.order.status_history] == ["pending"]


def test_a_checkout_of_products_without_options_does_not_read_options(make_product, customer):
    """Nothing to name: a cart of products sold without options costs no options query,
    and the lines keep an empty set of options."""
    from tests.web.conftest import count_queries

    for n in range(2):
        cart.add_to_cart(customer.id, make_product(name=f"Mug {n}", stock=3).id, 1)
    customer_id = customer.id
    db.session.rollback()
    with count_queries() as statements:
        placed = orders.place_order(customer_id, "1 Test Road")
    assert not [s for s in statements if "FROM product_options" in s], statements
    assert [i.variant_options for i in placed.order.items] == [{}, {}]
    assert [i.product_name for i in placed.order.items] == ["Mug 0", "Mug 1"]
