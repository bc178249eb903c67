"""Forty customers race for ten units: the locks let exactly ten through."""

import threading

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Order, Product, StockMovement, User
from storefront.services import cart, orders
from storefront.services.errors import OutOfStock


@pytest.mark.parametrize("round_", range(3))
def test_parallel_checkouts_never_oversell(app, make_user, make_product, round_):
    product = make_product(stock=10, price="5.00")
    product_id = product.id
    buyers = [make_user() for _ in range(40)]
    for buyer in buyers:
        cart.add_to_cart(buyer.id, product_id, 1)
    buyer_ids = [b.id for b in buyers]
    db.session.remove()

    start = threading.Barrier(len(buyer_ids))
    results: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def checkout(user_id: int) -> None:
        with app.app_context():
            start.wait()
            try:
                orders.place_order(user_id, "1 Test Road")
                outcome = "ordered"
            except OutOfStock:
                outcome = "short"
            except BaseException as exc:  # anything else is a failure of the test
                with lock:
                    errors.append(exc)
                return
            finally:
                db.session.remove()
            with lock:
                results.append(outcome)

    threads = [threading.Thread(target=checkout, args=(uid,)) for uid in buyer_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert not any(t.is_alive() for t in threads), "a checkout hung (deadlock?)"
    assert errors == []
    assert results.count("ordered") == 10
    assert results.count("short") == 30
    assert db.session.scalar(select(func.count(Order.id))) == 10
    assert db.session.get(Product, product_id).stock_quantity == 0
    ledger = db.session.scalar(
        select(func.sum(StockMovement.delta)).where(StockMovement.product_id == product_id)
    )
    assert ledger == 0


# --- helpers for the races below ------------------------------------------------------


def run_together(app, calls):
    """Run each ``(function, args)`` in its own thread, session and app context, all
    released at once. Returns each call's result or exception, in order."""
    start = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index, function, args):
        with app.app_context():
            start.wait()
            try:
                outcomes[index] = function(*args)
            except BaseException as exc:  # reported to the test, which decides
                outcomes[index] = exc
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=run, args=(i, function, args))
        for i, (function, args) in enumerate(calls)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a call hung (deadlock?)"
    return outcomes


def _order_id(function, *args, **kwargs):
    return function(*args, **kwargs).order.id


@pytest.mark.parametrize("round_", range(3))
def test_checkouts_and_cancels_over_the_same_products_in_opposite_orders_never_deadlock(
    app, make_user, make_product, round_
):
    first, second = make_product(stock=100), make_product(stock=100)
    ids = (first.id, second.id)
    ann, bob = make_user(), make_user()
    # Each has a pending order for both products and a cart holding both again,
    # put in the cart in opposite orders.
    placed = {}
    for user, order_of_adding in ((ann, ids), (bob, ids[::-1])):
        for pid in order_of_adding:
            cart.add_to_cart(user.id, pid, 3)
        placed[user.id] = orders.place_order(user.id, "1 Test Road").order.id
        for pid in order_of_adding:
            cart.add_to_cart(user.id, pid, 2)
    ann_id, bob_id = ann.id, bob.id
    db.session.remove()

    outcomes = run_together(
        app,
        [
            (orders.cancel_order, (placed[ann_id], ann_id)),
            (_order_id, (orders.place_order, bob_id, "2 Test Road")),
            (orders.cancel_order, (placed[bob_id], bob_id)),
            (_order_id, (orders.place_order, ann_id, "3 Test Road")),
        ],
    )

    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    for pid in ids:
        assert db.session.get(Product, pid).stock_quantity == 100 - 2 - 2
        ledger = db.session.scalar(
            select(func.sum(StockMovement.delta)).where(StockMovement.product_id == pid)
        )
        assert ledger == 96
    assert db.session.get(User, ann_id).order_cancellation_count == 1
    assert db.session.get(User, bob_id).order_cancellation_count == 1


@pytest.mark.parametrize("round_", range(3))
def test_a_double_submitted_checkout_with_one_key_places_exactly_one_order(
    app, customer, make_product, round_
):
    product = make_product(stock=10, price="7.00")
    product_id, customer_id = product.id, customer.id
    cart.add_to_cart(customer_id, product_id, 4)
    db.session.remove()

    def submit():
        placed = orders.place_order(customer_id, "1 Test Road", idempotency_key="double-click")
        return placed.order.id, placed.created

    outcomes = run_together(app, [(submit, ()), (submit, ())])

    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    (first_id, first_created), (second_id, second_created) = outcomes
    assert first_id == second_id
    assert sorted([first_created, second_created]) == [False, True]
    assert db.session.scalar(select(func.count(Order.id))) == 1
    assert db.session.get(Product, product_id).stock_quantity == 6


def test_cancellations_of_one_customers_orders_at_once_are_all_counted(app, customer, make_product):
    # Different products, so the product locks do not serialize the cancellations:
    # only the owner's row is shared.
    order_ids = []
    for _ in range(6):
        product = make_product(stock=5)
        cart.add_to_cart(customer.id, product.id, 1)
        order_ids.append(orders.place_order(customer.id, "1 Test Road").order.id)
    customer_id = customer.id
    db.session.remove()

    outcomes = run_together(
        app, [(orders.cancel_order, (order_id, customer_id)) for order_id in order_ids]
    )

    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert db.session.get(User, customer_id).order_cancellation_count == 6
