"""seed-demo-orders: weeks of past orders from demo customers, placed through the
real checkout, so the stock ledger and the orders' money stay right."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from storefront.demo_orders import DEMO_CUSTOMERS
from storefront.extensions import db
from storefront.models import Order, OrderStatusChange, OutboxMessage, StockMovement, User
from storefront.services import reporting


def test_seed_demo_orders_fills_90_days_that_check_stock_and_check_orders_accept(runner):
    assert runner.invoke(args=["seed-demo", "--products", "30", "--no-images"]).exit_code == 0
    before = datetime.now(UTC)

    result = runner.invoke(args=["seed-demo-orders", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert "Placed 60 past orders from 6 demo customers over the last 90 days" in result.output
    placed = list(db.session.scalars(select(Order)))
    assert len(placed) == 60
    # In the past, over the last 90 days, on many different days, in every status.
    assert all(before - timedelta(days=91) < o.created_at < before for o in placed)
    assert len({o.created_at.date() for o in placed}) >= 25
    assert {o.status for o in placed} == {
        "pending",
        "processing",
        "shipped",
        "delivered",
        "cancelled",
    }
    assert {o.user.email for o in placed} <= {c[1] for c in DEMO_CUSTOMERS}
    # Each status change and stock movement is dated with its order, never in the future.
    for o in placed:
        for change in o.status_history:
            assert o.created_at <= change.created_at < before
    sold = db.session.scalars(select(StockMovement).where(StockMovement.order_id.is_not(None)))
    assert all(m.created_at < before for m in sold)
    assert db.session.scalar(select(func.count(OrderStatusChange.id))) > 60
    # The demo customers are not mailed.
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    # The ledger and the money add up.
    assert runner.invoke(args=["check-stock"]).exit_code == 0
    assert runner.invoke(args=["check-orders"]).exit_code == 0
    # The dashboard's 90 days are not a flat line.
    figures = reporting.dashboard(reporting.preset_range("90d", reporting.shop_today()))
    assert figures.current.orders == sum(1 for o in placed if o.status != "cancelled")
    assert sum(1 for d in figures.daily if d.revenue) >= 20
    assert figures.top_by_revenue and figures.waiting[0][1] + figures.waiting[1][1] > 0


def test_seed_demo_orders_if_empty_leaves_a_store_with_orders_alone(runner):
    runner.invoke(args=["seed-demo", "--products", "6", "--no-images"])
    assert runner.invoke(args=["seed-demo-orders", "--orders", "5"]).exit_code == 0
    customers = db.session.scalar(select(func.count(User.id)))

    again = runner.invoke(args=["seed-demo-orders", "--if-empty"])

    assert again.exit_code == 0
    assert "The store has orders; not seeding past orders." in again.output
    assert db.session.scalar(select(func.count(Order.id))) == 5
    assert db.session.scalar(select(func.count(User.id))) == customers


def test_seed_demo_orders_needs_a_catalog(runner):
    result = runner.invoke(args=["seed-demo-orders"])
    assert result.exit_code != 0
    assert "run seed-demo first" in result.output
