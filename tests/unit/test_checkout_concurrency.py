"""Forty customers race for ten units: the locks let exactly ten through."""

import threading

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Order, Product, StockMovement
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
