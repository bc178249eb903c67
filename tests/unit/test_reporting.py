"""The dashboard's figures: a date range against the previous one, cancelled orders
left out, days in the shop's time zone, exact money, and the range's rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from storefront.extensions import db
from storefront.models import Order
from storefront.services import accounts, cart, catalog, orders, reporting
from storefront.services.errors import ValidationError
from storefront.services.reporting import DateRange

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
TODAY = date(2025, 6, 15)


def _place(buyer_id: int, lines, at: datetime, *, cancelled: bool = False) -> Order:
    """An order through the checkout (lines: (product, quantity)), then dated ``at``."""
    for product, quantity in lines:
        cart.add_to_cart(buyer_id, product.id, quantity)
    placed = orders.place_order(buyer_id, "1 Test Road").order
    if cancelled:
        orders.change_order_status(placed.id, "cancelled")
    db.session.execute(update(Order).where(Order.id == placed.id).values(created_at=at))
    db.session.commit()
    return placed


@pytest.fixture
def place(app, make_user, make_product):
    """Place a one-product order at a price and quantity, dated ``at``."""
    buyer = make_user()

    def order(price: str, quantity: int = 1, *, at: datetime, cancelled: bool = False) -> Order:
        product = make_product(price=price, stock=quantity)
        return _place(buyer.id, [(product, quantity)], at, cancelled=cancelled)

    return order


def _days(first: str, last: str, preset=None) -> DateRange:
    return DateRange(date.fromisoformat(first), date.fromisoformat(last), preset)


def test_a_range_counts_the_orders_placed_in_it_and_not_the_cancelled_ones(place):
    place("100.00", at=NOW - timedelta(hours=2))  # today
    place("19.99", 3, at=NOW.replace(hour=0, minute=0, second=1))  # today, just after midnight
    place("500.00", at=NOW - timedelta(hours=1), cancelled=True)  # today, cancelled
    place("40.10", at=NOW - timedelta(days=1))  # yesterday
    place("7.05", 2, at=NOW - timedelta(days=6))  # 7th day back: inside "last 7 days"
    place("1000.00", at=NOW - timedelta(days=7))  # 8th day back: the previous 7 days
    place("9.99", at=NOW - timedelta(days=12), cancelled=True)  # previous, cancelled
    place("0.01", at=NOW - timedelta(days=13))  # 14th day back: the previous 7 days
    place("333.33", at=NOW - timedelta(days=14))  # 15th day back: in neither

    figures = reporting.dashboard(reporting.preset_range("7d", TODAY))

    assert figures.range == _days("2025-06-09", "2025-06-15", "7d")
    assert figures.previous_range == _days("2025-06-02", "2025-06-08")
    assert figures.current.revenue == Decimal("214.17")  # 100 + 59.97 + 40.10 + 14.10
    assert figures.current.orders == 4
    assert figures.current.units == 7
    assert figures.current.average_order_value == Decimal("53.54")  # 214.17 / 4, half up
    assert figures.previous.revenue == Decimal("1000.01")
    assert figures.previous.orders == 2
    assert figures.previous.units == 2
    for value in (figures.current.revenue, figures.previous.revenue):
        assert isinstance(value, Decimal) and value.as_tuple().exponent == -2

    today = reporting.dashboard(reporting.preset_range("today", TODAY))
    assert (today.current.revenue, today.current.orders) == (Decimal("159.97"), 2)
    assert today.previous.revenue == Decimal("40.10")


def test_the_changes_say_up_down_same_or_new_with_the_difference_and_percent(place):
    place("100.00", 2, at=NOW - timedelta(days=8))  # previous week: 200.00, 1 order, 2 units
    place("50.00", 3, at=NOW - timedelta(days=1))  # this week: 150.00 ...
    place("25.00", 2, at=NOW)  # ... + 50.00 = 200.00, 2 orders, 5 units

    changes = {c.key: c for c in reporting.dashboard(reporting.preset_range("7d", TODAY)).changes}

    assert [c.label for c in changes.values()] == [
        "Revenue",
        "Orders",
        "Average order value",
        "Units sold",
    ]
    assert changes["revenue"].direction == "same"
    assert changes["revenue"].difference == Decimal("0.00")
    assert changes["orders"].direction == "up"
    assert (changes["orders"].difference, changes["orders"].percent) == (1, Decimal("100.0"))
    assert changes["average"].current == Decimal("100.00")
    assert changes["average"].direction == "down"
    assert changes["average"].difference == Decimal("-100.00")
    assert changes["average"].percent == Decimal("-50.0")
    assert changes["units"].percent == Decimal("150.0")

    # A range whose previous one sold nothing: up from nothing, no percent.
    first = {c.key: c for c in reporting.dashboard(_days("2025-06-07", "2025-06-15")).changes}
    assert first["revenue"].direction == "new" and first["revenue"].percent is None
    assert first["average"].previous is None and first["average"].direction == "none"


def test_a_range_edge_is_local_midnight_in_the_shop_time_zone(make_app):
    app = make_app(SHOP_TIMEZONE="Asia/Dhaka")  # UTC+6, no daylight saving time
    with app.app_context():
        buyer = accounts.register("dhaka@example.com", "customer-pass-123")
        product = catalog.create_product(name="Tea", price=Decimal("1.00"), stock_quantity=100)

        def at(utc: str, quantity: int) -> None:
            _place(buyer.id, [(product, quantity)], datetime.fromisoformat(utc + "+00:00"))

        # 10 to 15 June in Dhaka runs from 9 June 18:00 UTC to 15 June 18:00 UTC.
        at("2025-06-09T17:59:59", 1)  # 9 June 23:59:59 in Dhaka: the previous range
        at("2025-06-09T18:00:00", 2)  # 10 June 00:00 in Dhaka: the first moment in
        at("2025-06-15T17:59:59", 4)  # 15 June 23:59:59 in Dhaka: the last moment in
        at("2025-06-15T18:00:00", 8)  # 16 June in Dhaka: after the range

        figures = reporting.dashboard(_days("2025-06-10", "2025-06-15"))
        assert figures.timezone == "Asia/Dhaka"
        assert (figures.current.revenue, figures.current.orders) == (Decimal("6.00"), 2)
        assert figures.current.units == 6
        assert (figures.previous.revenue, figures.previous.orders) == (Decimal("1.00"), 1)
        by_day = {d.day: d.revenue for d in figures.daily}
        assert by_day[date(2025, 6, 10)] == Decimal("2.00")
        assert by_day[date(2025, 6, 15)] == Decimal("4.00")
        assert sum(by_day.values()) == Decimal("6.00")
        # "Today" is Dhaka's: at 20:00 UTC on 15 June it is already the 16th there.
        assert reporting.shop_today(now=datetime(2025, 6, 15, 20, 0, tzinfo=UTC)) == date(
            2025, 6, 16
        )
        db.session.remove()


def test_daily_revenue_has_one_point_per_day_of_the_range_oldest_first(place):
    place("12.50", 2, at=NOW - timedelta(days=3))
    place("0.10", 3, at=NOW - timedelta(days=3, hours=1))
    place("99.00", at=NOW - timedelta(days=40))  # before the range
    daily = reporting.daily_revenue(reporting.preset_range("30d", TODAY))

    assert len(daily) == 30
    assert daily[0].day == date(2025, 5, 17)
    assert daily[-1].day == date(2025, 6, 15)
    by_day = {d.day: d for d in daily}
    assert by_day[date(2025, 6, 12)].revenue == Decimal("25.30")
    assert by_day[date(2025, 6, 12)].orders == 2
    assert sum(d.orders for d in daily) == 2
    assert all(d.revenue == Decimal("0.00") for d in daily if d.day != date(2025, 6, 12))
    assert len(reporting.daily_revenue(reporting.preset_range("90d", TODAY))) == 90


def test_top_products_by_revenue_and_by_units_with_their_names_as_sold(
    app, make_user, make_product
):
    buyer = make_user()
    mug = make_product(name="Mug", price="300.00", stock=50)
    pen = make_product(name="Pen", price="10.00", stock=50)
    lamp = make_product(name="Lamp", price="2000.00", stock=50)
    _place(buyer.id, [(mug, 1), (pen, 10)], NOW - timedelta(days=2))
    _place(buyer.id, [(lamp, 1)], NOW - timedelta(days=1), cancelled=True)  # not sold
    _place(buyer.id, [(lamp, 1)], NOW - timedelta(days=20))  # before the range
    catalog.update_product(mug.id, name="Stoneware mug")
    _place(buyer.id, [(mug, 1), (pen, 5)], NOW)

    week = reporting.preset_range("7d", TODAY)
    by_revenue = reporting.top_products(week, by="revenue")
    by_units = reporting.top_products(week, by="units")

    assert [(p.name, p.revenue, p.units) for p in by_revenue] == [
        ("Stoneware mug", Decimal("600.00"), 2),
        ("Pen", Decimal("150.00"), 15),
    ]
    assert [p.name for p in by_units] == ["Pen", "Stoneware mug"]
    assert by_units[0].product_id == pen.id
    assert len(reporting.top_products(week, by="units", limit=1)) == 1


def test_orders_waiting_are_counted_by_status_whatever_their_date(place):
    place("1.00", at=NOW - timedelta(days=400))
    second = place("1.00", at=NOW)
    third = place("1.00", at=NOW)
    place("1.00", at=NOW, cancelled=True)
    orders.change_order_status(second.id, "processing")
    orders.change_order_status(third.id, "processing")

    assert reporting.waiting_orders() == [("pending", 1), ("processing", 2)]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, ("2025-05-17", "2025-06-15", "30d")),
        ({"range": "today"}, ("2025-06-15", "2025-06-15", "today")),
        ({"range": "7d"}, ("2025-06-09", "2025-06-15", "7d")),
        ({"range": "90d"}, ("2025-03-18", "2025-06-15", "90d")),
        ({"range": "nonsense"}, ("2025-05-17", "2025-06-15", "30d")),
        ({"range": "custom", "from": "2025-01-01", "to": "2025-01-31"},
         ("2025-01-01", "2025-01-31", None)),
        ({"from": " 2025-02-01 ", "to": "2025-02-01"}, ("2025-02-01", "2025-02-01", None)),
        ({"range": "custom", "from": "2024-06-15", "to": "2025-06-15"},  # 366 days
         ("2024-06-15", "2025-06-15", None)),
    ],
)  # fmt: skip
def test_a_range_is_a_preset_or_two_days(args, expected):
    assert reporting.parse_date_range(args, today=TODAY) == _days(*expected)


def test_no_range_asked_is_no_range_where_the_page_has_no_default():
    assert reporting.parse_date_range({}, today=TODAY, default=None) is None
    assert reporting.parse_date_range({"from": "", "to": ""}, today=TODAY, default=None) is None


@pytest.mark.parametrize(
    ("args", "errors"),
    [
        ({"range": "custom"}, {"from": "Enter the first day, such as 2026-11-01.",
                               "to": "Enter the last day, such as 2026-11-01."}),
        ({"from": "2025-06-01"}, {"to": "Enter the last day, such as 2026-11-01."}),
        ({"from": "yesterday", "to": "2025-06-31"},
         {"from": "Enter the first day as year-month-day, such as 2026-11-01.",
          "to": "Enter the last day as year-month-day, such as 2026-11-01."}),
        ({"from": "20250601", "to": "2025-06-02"},
         {"from": "Enter the first day as year-month-day, such as 2026-11-01."}),
        ({"from": "2025-06-10", "to": "2025-06-09"},
         {"to": "The last day must be on or after the first day."}),
        ({"from": "2024-06-14", "to": "2025-06-15"},
         {"to": "Choose at most 366 days from the first day."}),
        ({"from": "0001-01-01", "to": "2025-06-15"},
         {"from": "Enter a first day between the years 2000 and 9000."}),
    ],
)  # fmt: skip
def test_a_custom_range_is_refused_with_a_message_per_field(args, errors):
    with pytest.raises(ValidationError) as refused:
        reporting.parse_date_range(args, today=TODAY)
    assert refused.value.errors == errors


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


def test_the_threshold_comes_from_the_configuration(make_app):
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
    assert figures.range == _days("2025-05-17", "2025-06-15", "30d")
    assert figures.current == reporting.Figures(Decimal("0.00"), 0, 0)
    assert figures.current.average_order_value is None
    assert len(figures.daily) == 30
    assert figures.top_by_revenue == [] and figures.top_by_units == []
    assert figures.waiting == [("pending", 0), ("processing", 0)]
    assert figures.low_stock == [] and figures.latest_orders == []
