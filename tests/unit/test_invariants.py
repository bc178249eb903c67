"""Each invariant of domain.md, proved at the service level."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import IntegrityError

from storefront.extensions import db
from storefront.models import CartItem, Order, OrderItem, Product, StockMovement, User
from storefront.services import accounts, cart, catalog, inventory, orders
from storefront.services.errors import (
    AccountDeactivated,
    NotFound,
    OutOfStock,
    ProductUnavailable,
    ValidationError,
)
from storefront.services.inventory import InsufficientStock

from .helpers import ADDRESS, ledger_sum, reasons_of, snapshot_tables, stock_of

# --- 1. stock never goes below zero ------------------------------------------


def test_database_refuses_negative_stock_even_from_a_raw_update(make_product):
    product = make_product(stock=3)
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE products SET stock_quantity = -1 WHERE id = :id"), {"id": product.id}
        )
        db.session.flush()
    db.session.rollback()
    assert stock_of(product.id) == 3


def test_database_refuses_a_negative_price_from_a_raw_update(make_product):
    product = make_product(price="4.00")
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE products SET price = -0.01 WHERE id = :id"), {"id": product.id}
        )
    db.session.rollback()
    assert db.session.get(Product, product.id).price == Decimal("4.00")


class _ProductUpdates:
    """Counts the UPDATE statements sent for the products table."""

    def __init__(self):
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE PRODUCTS"):
            self.statements.append(statement)


@pytest.fixture
def product_updates(app):
    listener = _ProductUpdates()
    event.listen(db.engine, "before_cursor_execute", listener)
    yield listener
    event.remove(db.engine, "before_cursor_execute", listener)


def test_checkout_never_asks_the_database_for_negative_stock(
    customer, make_product, fill_cart, product_updates
):
    product = make_product(stock=2)
    fill_cart(customer, (product, 2))
    inventory.adjust_stock(product.id, -1, "one was broken")
    product_updates.statements.clear()

    with pytest.raises(OutOfStock):
        orders.place_order(customer.id, ADDRESS)

    assert product_updates.statements == []
    assert stock_of(product.id) == 1


def test_adjustment_below_zero_is_refused_before_reaching_the_database(
    make_product, product_updates
):
    product = make_product(stock=2)
    product_updates.statements.clear()
    with pytest.raises(InsufficientStock):
        inventory.adjust_stock(product.id, -3, "stock count")
    assert product_updates.statements == []
    assert stock_of(product.id) == 2


# --- 2. stock equals the sum of the ledger, after every kind of change --------


def test_stock_equals_ledger_after_every_kind_of_change(customer, admin, make_product, place):
    product = make_product(stock=10)
    pid = product.id

    def assert_consistent(expected_stock, expected_reasons):
        assert stock_of(pid) == expected_stock
        assert ledger_sum(pid) == expected_stock
        assert reasons_of(pid) == expected_reasons
        assert inventory.stock_discrepancies() == []

    assert_consistent(10, ["initial"])

    order = place(customer, (product, 3))
    assert_consistent(7, ["initial", "order"])

    orders.cancel_order(order.id, customer.id)
    assert_consistent(10, ["initial", "order", "cancel"])

    inventory.adjust_stock(pid, -4, "water damage", actor_id=admin.id)
    assert_consistent(6, ["initial", "order", "cancel", "adjustment"])

    catalog.update_product(pid, actor_id=admin.id, stock_quantity=15)
    assert_consistent(15, ["initial", "order", "cancel", "adjustment", "adjustment"])

    catalog.update_product(pid, actor_id=admin.id, stock_quantity=15, name="Same stock")
    assert_consistent(15, ["initial", "order", "cancel", "adjustment", "adjustment"])


def test_every_movement_records_the_stock_it_left_and_who_made_it(customer, admin, make_product):
    product = make_product(stock=5)
    inventory.adjust_stock(product.id, 2, "found in the back", actor_id=admin.id)
    catalog.update_product(product.id, actor_id=admin.id, stock_quantity=1)

    movements = list(
        db.session.scalars(
            select(StockMovement)
            .where(StockMovement.product_id == product.id)
            .order_by(StockMovement.id)
        )
    )
    assert [(m.delta, m.stock_after) for m in movements] == [(5, 5), (2, 7), (-6, 1)]
    assert movements[1].note == "found in the back"
    assert movements[1].actor_id == admin.id
    assert movements[2].note  # a product update says why the stock changed


def test_adjustment_needs_a_note_and_a_non_zero_whole_delta(make_product):
    product = make_product(stock=5)
    for delta, note in [(0, "x"), (1, "  "), (True, "x"), (1.5, "x")]:
        with pytest.raises(ValidationError):
            inventory.adjust_stock(product.id, delta, note)
    with pytest.raises(NotFound):
        inventory.adjust_stock(product.id + 1000, 1, "no such product")
    assert reasons_of(product.id) == ["initial"]


# --- 3. checkout is all-or-nothing (failures injected after deduction) --------


def _fail(*_args, **_kwargs):
    raise RuntimeError("injected failure")


def _fail_on_second_movement(monkeypatch):
    real = orders.record_movement
    calls = []

    def record_then_fail(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("injected failure on the second line")
        return real(*args, **kwargs)

    monkeypatch.setattr(orders, "record_movement", record_then_fail)


def _fail_when_recording_status(monkeypatch):
    monkeypatch.setattr(orders, "OrderStatusChange", _fail)


def _fail_when_emptying_the_cart(monkeypatch):
    session_class = type(db.session())
    real_delete = session_class.delete

    def delete(self, instance):
        if isinstance(instance, CartItem):
            raise RuntimeError("injected failure while emptying the cart")
        return real_delete(self, instance)

    monkeypatch.setattr(session_class, "delete", delete)


def _fail_when_recording_the_key(monkeypatch):
    session_class = type(db.session())
    real_add = session_class.add

    def add(self, instance, *args, **kwargs):
        if type(instance).__name__ == "IdempotencyKey":
            raise RuntimeError("injected failure while recording the idempotency key")
        return real_add(self, instance, *args, **kwargs)

    monkeypatch.setattr(session_class, "add", add)


@pytest.mark.parametrize(
    "inject",
    [
        _fail_on_second_movement,
        _fail_when_recording_status,
        _fail_when_emptying_the_cart,
        _fail_when_recording_the_key,
    ],
    ids=["second-stock-deduction", "status-history", "emptying-cart", "idempotency-key"],
)
def test_failure_after_stock_was_deducted_leaves_every_table_as_before(
    customer, make_product, fill_cart, monkeypatch, inject
):
    first = make_product(stock=5, price="2.50")
    second = make_product(stock=5, price="1.25")
    fill_cart(customer, (first, 2), (second, 3))
    before = snapshot_tables()

    inject(monkeypatch)
    with pytest.raises(RuntimeError, match="injected failure"):
        orders.place_order(customer.id, ADDRESS, idempotency_key="k-1")
    monkeypatch.undo()

    assert snapshot_tables() == before
    # And the same cart checks out once the fault is gone.
    order = orders.place_order(customer.id, ADDRESS, idempotency_key="k-1").order
    assert order.total_amount == Decimal("8.75")
    assert stock_of(first.id) == 3 and stock_of(second.id) == 2


# --- 4. order items keep the name and price of the moment of purchase -------


def test_order_items_keep_name_and_price_after_the_product_changes(customer, make_product, place):
    product = make_product(name="Blue Kettle", price="25.00", stock=5)
    order = place(customer, (product, 2))

    catalog.update_product(product.id, name="Red Kettle", price="99.99")
    catalog.archive_product(product.id)

    kept = orders.get_order(order.id)
    (item,) = kept.items
    assert (item.product_name, item.price_at_time, item.line_total) == (
        "Blue Kettle",
        Decimal("25.00"),
        Decimal("50.00"),
    )
    assert kept.total_amount == Decimal("50.00")


# --- 5. nothing an order refers to is hard-deleted ---------------------------


def test_deleting_an_ordered_product_archives_it(customer, make_product, place):
    product = make_product(stock=5)
    place(customer, (product, 1))

    assert catalog.delete_product(product.id) == "archived"

    kept = db.session.get(Product, product.id)
    assert kept is not None and kept.is_active is False
    assert db.session.scalar(select(OrderItem.product_id)) == product.id
    assert ledger_sum(product.id) == stock_of(product.id) == 4
    with pytest.raises(NotFound):
        catalog.get_product(product.id)


def test_deleting_a_never_ordered_product_removes_it_with_its_movements_and_cart_lines(
    customer, make_product, fill_cart
):
    doomed = make_product(stock=5)
    kept = make_product(stock=5)
    fill_cart(customer, (doomed, 1), (kept, 1))
    inventory.adjust_stock(doomed.id, 1, "recount")
    doomed_id = doomed.id

    assert catalog.delete_product(doomed_id) == "deleted"

    assert db.session.get(Product, doomed_id) is None
    assert reasons_of(doomed_id) == []
    assert [line.product.id for line in cart.get_cart(customer.id).lines] == [kept.id]
    assert reasons_of(kept.id) == ["initial"]
    with pytest.raises(NotFound):
        catalog.delete_product(doomed_id)


def test_deactivating_a_customer_keeps_their_orders(customer, admin, make_product, place):
    order = place(customer, (make_product(stock=3), 1))

    accounts.deactivate_user(customer.id, actor_id=admin.id)

    assert db.session.get(User, customer.id).is_active is False
    assert orders.get_order(order.id).user_id == customer.id
    assert orders.list_orders(user_id=customer.id).total == 1


def test_a_cart_line_for_an_archived_product_blocks_checkout_until_removed(
    customer, make_product, fill_cart
):
    product = make_product(name="Paper Lamp", stock=5)
    other = make_product(stock=5)
    fill_cart(customer, (product, 1), (other, 1))
    catalog.archive_product(product.id)
    before = snapshot_tables()

    with pytest.raises(ProductUnavailable) as info:
        orders.place_order(customer.id, ADDRESS)

    assert info.value.products == [(product.id, "Paper Lamp")]
    assert "Paper Lamp" in info.value.message
    assert snapshot_tables() == before


# --- 6. a deactivated user cannot log in -------------------------------------


def test_deactivated_user_cannot_authenticate(make_user):
    user = make_user(email="gone@example.com", password="right-password")
    assert accounts.authenticate("gone@example.com", "right-password").id == user.id

    accounts.deactivate_user(user.id)

    with pytest.raises(AccountDeactivated):
        accounts.authenticate("gone@example.com", "right-password")


def test_no_order_row_is_ever_deleted_by_cancelling(customer, make_product, place):
    order = place(customer, (make_product(stock=3), 2))
    orders.cancel_order(order.id, customer.id)
    assert db.session.get(Order, order.id).status == "cancelled"
    assert len(orders.get_order(order.id).items) == 1
