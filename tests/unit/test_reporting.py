"""The dashboard's figures: windows of days, cancelled orders left out, exact money."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from storefront.extensions import db
from storefront.models import Order
from storefront.services import cart, catalog, orders, reporting

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def place(app, make_user, make_product):
    """Place an order through the checkout, then date it as the test needs."""
    buyer = make_user()

    def order(price: str, quantity: int = 1, *, at: datetime, cancelled: bool = False) -> Order:
        product = make_product(price=price, stock=quantity)
        cart.add_to_cart(buyer.id, product.id, quantity)
        placed = orders.place_order(buyer.id, "1 Test Road").order
        if cancelled:
            orders.change_order_status(placed.id, "cancelled")
        db.session.execute(update(Order).where(Order.id == placed.id).values(created_at=at))
        db.session.commit()
        return placed

    return order


def test_figures_for_today_7_and_30_days_leave_out_cancelled_orders(place):
    place("100.00", at=NOW - timedelta(hours=2))  # today
    place("19.99", 3, at=NOW.replace(hour=0, minute=0, second=1))  # today, just after midnight
    place("500.00", at=NOW - timedelta(hours=1), cancelled=True)  # today, cancelled
    place("40.10", at=NOW - timedelta(days=1))  # yesterday
    place("7.05", at=NOW - timedelta(days=6))  # 7th day back: inside "last 7 days"
    place("1000.00", at=NOW - timedelta(days=7))  # 8th day back: only in 30 days
    place("0.01", at=NOW - timedelta(days=29))  # 30th day back: inside "last 30 days"
    place("333.33", at=NOW - timedelta(days=30))  # 31st day back: outside
    place("9.99", at=NOW - timedelta(days=12), cancelled=True)

    figures = reporting.dashboard(now=NOW)

    assert figures.today.revenue == Decimal("159.97")
    assert figures.today.orders == 2
    assert figures.last_7_days.revenue == Decimal("207.12")
    assert figures.last_7_days.orders == 4
    assert figures.last_30_days.revenue == Decimal("1207.13")
    assert figures.last_30_days.orders == 6
    for period in (figures.today, figures.last_7_days, figures.last_30_days):
        assert isinstance(period.revenue, Decimal)
        assert period.revenue.as_tuple().exponent == -2


def test_daily_revenue_has_30_days_oldest_first_with_empty_days_at_zero(place):
    place("12.50", 2, at=NOW - timedelta(days=3))
    place("0.10", 3, at=NOW - timedelta(days=3, hours=1))
    daily = reporting.daily_revenue(now=NOW)

    assert len(daily) == 30
    assert daily[0].day == date(2025, 5, 17)
    assert daily[-1].day == date(2025, 6, 15)
    assert [d.day for d in daily] == sorted(d.day for d in daily)
    by_day = {d.day: d for d in daily}
    assert by_day[date(2025, 6, 12)].revenue == Decimal("25.30")
    assert by_day[date(2025, 6, 12)].orders == 2
    assert sum(d.orders for d in daily) == 2
    assert all(d.revenue == Decimal("0.00") for d in daily if d.day != date(2025, 6, 12))


def test_days_are_counted_in_the_shop_time_zone(make_app):
    app = make_app(SHOP_TIMEZONE="Asia/Dhaka")  # UTC+6, no daylight saving time
    with app.app_context():
        from storefront.services import accounts

        buyer = accounts.register("dhaka@example.com", "customer-pass-123")
        product = catalog.create_product(name="Tea", price=Decimal("80.00"), stock_quantity=1)
        cart.add_to_cart(buyer.id, product.id, 1)
        placed = orders.place_order(buyer.id, "Road 1, Dhaka").order
        # 20:00 UTC on 14 June is 02:00 on 15 June in Dhaka.
        late = datetime(2025, 6, 14, 20, 0, tzinfo=UTC)
        db.session.execute(update(Order).where(Order.id == placed.id).values(created_at=late))
        db.session.commit()

        figures = reporting.dashboard(now=NOW)
        assert figures.timezone == "Asia/Dhaka"
        assert figures.today.revenue == Decimal("80.00")
        assert figures.daily[-1].day == date(2025, 6, 15)
        db.session.remove()


def test_low_stock_lists_active_products_at_or_below_the_threshold(app, make_product):
    make_product(name="Plenty", stock=50)
    make_product(name="Five left", stock=5)
    make_product(name="Two left", stock=2)
    make_product(name="None left", stock=0)
    make_product(name="Archived and empty", stock=0, active=False)

    low, total = reporting.low_stock_products(threshold=5)

    assert [p.name for p in low] == ["None left", "Two left", "Five left"]
    assert total == 3
    assert reporting.dashboard(low_stock_threshold=2).low_stock_total == 2


def test_the_threshold_comes_from_the_configuration(make_app, make_product):
    app = make_app(LOW_STOCK_THRESHOLD=10)
    with app.app_context():
        catalog.create_product(name="Nine", price=Decimal("1.00"), stock_quantity=9)
        figures = reporting.dashboard()
        assert figures.low_stock_threshold == 10
        assert [p.name for p in figures.low_stock] == ["Nine"]
        db.session.remove()


def test_latest_orders_are_newest_first_and_include_cancelled_ones(place):
    first = place("1.00", at=NOW - timedelta(days=2))
    second = place("2.00", at=NOW - timedelta(days=1), cancelled=True)
    third = place("3.00", at=NOW)
    latest = reporting.latest_orders()
    assert [o.id for o in latest] == [third.id, second.id, first.id]
    assert latest[1].status == "cancelled"


def test_an_empty_store_has_zero_figures(app):
    figures = reporting.dashboard(now=NOW)
    assert figures.last_30_days.revenue == Decimal("0.00")
    assert figures.last_30_days.orders == 0
    assert len(figures.daily) == 30
    assert figures.low_stock == [] and figures.latest_orders == []
