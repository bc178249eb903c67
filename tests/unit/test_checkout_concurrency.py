"""Forty customers race for ten units: the locks let exactly ten through."""

import threading

import pytest
from sqlalchemy import func, select, text

from storefront.extensions import db
from storefront.models import Order, Product, StockMovement, User
from storefront.services import accounts, cart, catalog, categories, orders
from storefront.services.errors import (
    DuplicateEmail,
    InvalidTransition,
    NotFound,
    OutOfStock,
    ProductUnavailable,
)


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


@pytest.mark.parametrize("round_", range(3))
def test_editing_the_cart_during_checkout_gives_a_clean_outcome(
    app, customer, make_product, round_
):
    # The customer removes a line in one tab while checking out in another: either
    # the checkout wins (the line is in the order) or the removal does (it is not),
    # never an error and never an order of a line that was removed.
    tea, jam = make_product(stock=10), make_product(stock=10)
    customer_id, tea_id, jam_id = customer.id, tea.id, jam.id
    cart.add_to_cart(customer_id, jam_id, 1)
    tea_item = cart.add_to_cart(customer_id, tea_id, 2).lines[-1].item_id
    db.session.remove()

    outcomes = run_together(
        app,
        [
            (_order_id, (orders.place_order, customer_id, "1 Test Road")),
            (cart.remove_cart_item, (customer_id, tea_item)),
        ],
    )

    order_id, removal = outcomes
    assert not isinstance(order_id, BaseException), order_id
    assert isinstance(removal, cart.CartView | NotFound), removal
    ordered = {i.product_id: i.quantity for i in orders.get_order(order_id).items}
    assert ordered in ({tea_id: 2, jam_id: 1}, {jam_id: 1})
    assert isinstance(removal, NotFound) == (tea_id in ordered)
    assert db.session.get(Product, tea_id).stock_quantity == 10 - ordered.get(tea_id, 0)
    assert cart.get_cart(customer_id).is_empty


def _wait_until_a_lock_is_awaited(connection, timeout=30.0):
    """Return once some backend waits for a row lock (the checkout has reached it)."""
    pause = threading.Event()
    waited = 0.0
    while waited < timeout:
        waiting = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
        ).scalar()
        connection.rollback()  # a fresh snapshot for the next look
        if waiting:
            return
        pause.wait(0.02)
        waited += 0.02
    raise AssertionError("the checkout never waited for the product's lock")


@pytest.mark.postgres_only
def test_a_product_deleted_while_checkout_waits_for_it_is_refused_cleanly(
    app, customer, make_product
):
    doomed, kept = make_product(name="Doomed", stock=5), make_product(name="Kept", stock=5)
    customer_id, doomed_id, kept_id = customer.id, doomed.id, kept.id
    cart.add_to_cart(customer_id, doomed_id, 1)
    cart.add_to_cart(customer_id, kept_id, 1)
    db.session.remove()

    # An admin's deletion holds the variant's lock (and the product's: the order
    # catalog.delete_product takes them in) while the checkout reaches it.
    with db.engine.connect() as admin_conn, db.engine.connect() as watcher:
        for table, column in (("product_variants", "product_id"), ("products", "id")):
            admin_conn.execute(
                text(f"SELECT id FROM {table} WHERE {column} = :id FOR UPDATE"), {"id": doomed_id}
            )
        outcome: list[object] = []

        def checkout():
            with app.app_context():
                try:
                    outcome.append(orders.place_order(customer_id, "1 Test Road"))
                except BaseException as exc:
                    outcome.append(exc)
                finally:
                    db.session.remove()

        thread = threading.Thread(target=checkout)
        thread.start()
        _wait_until_a_lock_is_awaited(watcher)
        for table in ("cart_items", "stock_movements", "product_variants"):
            admin_conn.execute(
                text(f"DELETE FROM {table} WHERE product_id = :id"), {"id": doomed_id}
            )
        admin_conn.execute(text("DELETE FROM products WHERE id = :id"), {"id": doomed_id})
        admin_conn.commit()
        thread.join(timeout=60)

    assert not thread.is_alive()
    (refusal,) = outcome
    assert isinstance(refusal, ProductUnavailable), refusal
    assert db.session.scalar(select(func.count(Order.id))) == 0
    assert db.session.get(Product, kept_id).stock_quantity == 5
    # The line went with the product; the rest of the cart checks out.
    assert orders.place_order(customer_id, "1 Test Road").order.items[0].product_id == kept_id


@pytest.mark.parametrize("round_", range(3))
def test_two_registrations_of_one_email_at_once_make_one_account(app, round_):
    outcomes = run_together(
        app,
        [
            (accounts.register, ("twin@example.com", "long-enough-1")),
            (accounts.register, (" TWIN@example.com", "long-enough-2")),
        ],
    )
    refusals = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(refusals) == 1
    assert isinstance(refusals[0], DuplicateEmail), refusals[0]
    assert db.session.scalar(select(func.count(User.id))) == 1


@pytest.mark.parametrize("round_", range(3))
def test_a_cancel_racing_a_shipment_leaves_one_consistent_outcome(
    app, customer, admin, make_product, round_
):
    product = make_product(stock=5)
    cart.add_to_cart(customer.id, product.id, 2)
    order_id = orders.place_order(customer.id, "1 Test Road").order.id
    orders.change_order_status(order_id, "processing", actor_id=admin.id)
    customer_id, admin_id, product_id = customer.id, admin.id, product.id
    db.session.remove()

    cancel, ship = run_together(
        app,
        [
            (orders.cancel_order, (order_id, customer_id)),
            (orders.change_order_status, (order_id, "shipped", admin_id)),
        ],
    )

    refused = [o for o in (cancel, ship) if isinstance(o, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], InvalidTransition), refused
    final = orders.get_order(order_id)
    if final.status == "cancelled":
        assert db.session.get(Product, product_id).stock_quantity == 5
        assert db.session.get(User, customer_id).order_cancellation_count == 1
    else:
        assert final.status == "shipped"
        assert db.session.get(Product, product_id).stock_quantity == 3
        assert db.session.get(User, customer_id).order_cancellation_count == 0
    assert [h.to_status for h in final.status_history][-1] == final.status
    assert len(final.status_history) == 3


@pytest.mark.parametrize("round_", range(3))
def test_a_new_customers_first_adds_from_two_tabs_share_one_cart(
    app, customer, make_product, round_
):
    tea, jam = make_product(stock=5), make_product(stock=5)
    customer_id, tea_id, jam_id = customer.id, tea.id, jam.id
    db.session.remove()

    outcomes = run_together(
        app,
        [
            (cart.add_to_cart, (customer_id, tea_id, 1)),
            (cart.add_to_cart, (customer_id, jam_id, 2)),
        ],
    )

    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    lines = {line.product.id: line.quantity for line in cart.get_cart(customer_id).lines}
    assert lines == {tea_id: 1, jam_id: 2}


@pytest.mark.parametrize("round_", range(3))
def test_two_products_created_at_once_in_a_new_category_share_it(app, round_):
    """Seeding's ensure_category: the loser of the race uses the winner's category.
    (Admins choose existing categories; storefront/services/categories.py.)"""

    def create_in(name, category):
        return catalog.create_product(
            name, "10.00", 1, "", category_id=categories.ensure_category(category).id
        )

    outcomes = run_together(
        app, [(create_in, ("Tea Pot", "Tea Things")), (create_in, ("Tea Cup", "tea things"))]
    )
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    (only,) = catalog.list_categories()
    assert (only.name.lower(), only.product_count) == ("tea things", 2)
