"""The dashboard page: figures that match the orders, a 30-point chart, bounded queries."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, insert, update

from storefront.extensions import db
from storefront.models import Order
from storefront.services import cart, orders
from tests.web.test_admin_access import log_in


@contextmanager
def count_queries():
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _figure(body: str, period: str, name: str) -> str:
    block = body.split(f'data-period="{period}"', 1)[1]
    return re.search(rf'data-figure="{name}">([^<]+)<', block).group(1).strip()


def test_the_dashboard_shows_the_figures_of_the_orders_placed(
    client, admin, make_user, make_product
):
    buyer = make_user()
    now = datetime.now(UTC)
    placed = []
    for price, quantity, days_ago in (("250.00", 2, 0), ("99.50", 1, 3), ("1000.00", 1, 20)):
        product = make_product(price=price, stock=quantity)
        cart.add_to_cart(buyer.id, product.id, quantity)
        order = orders.place_order(buyer.id, "1 Test Road").order
        placed.append(order.id)
        if days_ago:
            db.session.execute(
                update(Order)
                .where(Order.id == order.id)
                .values(created_at=now - timedelta(days=days_ago))
            )
            db.session.commit()
    product = make_product(price="777.00", stock=1)
    cart.add_to_cart(buyer.id, product.id, 1)
    cancelled = orders.place_order(buyer.id, "1 Test Road").order
    orders.change_order_status(cancelled.id, "cancelled")

    log_in(client, admin)
    body = client.get("/admin/").get_data(as_text=True)

    assert _figure(body, "today", "revenue") == "BDT 500.00"
    assert _figure(body, "today", "orders") == "1"
    assert _figure(body, "7-days", "revenue") == "BDT 599.50"
    assert _figure(body, "7-days", "orders") == "2"
    assert _figure(body, "30-days", "revenue") == "BDT 1,599.50"
    assert _figure(body, "30-days", "orders") == "3"
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg
    assert svg.count('class="chart-point"') == 30
    assert "Max BDT 1,000.00" in svg
    assert "Revenue (BDT)" in svg and ">Day<" in svg
    # The latest orders, cancelled one included, link to their pages.
    for order_id in [*placed, cancelled.id]:
        assert f'href="/admin/orders/{order_id}"' in body


def _bulk_orders(user_id: int, count: int) -> None:
    """Orders straight into the table: the services would take minutes for 10,000."""
    now = datetime.now(UTC)
    statuses = ("pending", "processing", "shipped", "delivered", "cancelled")
    rows = [
        {
            "user_id": user_id,
            "status": statuses[n % len(statuses)],
            "subtotal": Decimal("10.00") + n % 97,
            "total_amount": Decimal("10.00") + n % 97,
            "shipping_address": "1 Bulk Road",
            "note": "",
            "created_at": now - timedelta(minutes=7 * n),
            "updated_at": now,
        }
        for n in range(count)
    ]
    db.session.execute(insert(Order), rows)
    db.session.commit()


def _dashboard_queries(client) -> int:
    with count_queries() as statements:
        response = client.get("/admin/")
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("big", [10_000])
def test_the_dashboard_needs_the_same_few_queries_for_10_or_10000_orders(
    client, admin, make_user, make_product, big
):
    buyer = make_user()
    for n in range(8):
        make_product(stock=n)
    log_in(client, admin)

    _bulk_orders(buyer.id, 10)
    few = _dashboard_queries(client)
    _bulk_orders(buyer.id, big - 10)
    many = _dashboard_queries(client)

    print(f"dashboard queries: {few} with 10 orders, {many} with {big} orders")
    # The shop's header may cache what it reads (the cart count) after the first page.
    assert many <= few <= 8
