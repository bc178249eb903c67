"""Money is Decimal from the form to the database and back: exact to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest

from storefront.extensions import db
from storefront.models import Order
from storefront.services import cart, orders
from storefront.services.errors import ValidationError
from storefront.services.money import (
    display_money,
    format_money,
    parse_money,
    without_grouping,
)


def test_float_arithmetic_really_is_off_for_these_amounts():
    # The premise of the tests below: a float total would be wrong.
    assert 0.10 * 3 + 0.20 * 3 != 0.90
    assert 1.10 * 3 != 3.30


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([("0.10", 3), ("0.20", 3)], "0.90"),
        ([("1.10", 3)], "3.30"),
        ([("0.10", 1), ("0.20", 1)], "0.30"),
        ([("19.99", 7), ("0.01", 999), ("33.33", 3)], "249.91"),
    ],
)
def test_order_totals_are_exact_to_the_cent(customer, make_product, place, lines, expected):
    products = [(make_product(price=price, stock=1000), qty) for price, qty in lines]

    order = place(customer, *products)
    order_id = order.id
    db.session.remove()  # read back from the database, not the session
    stored = db.session.get(Order, order_id)

    assert isinstance(stored.total_amount, Decimal)
    assert stored.total_amount == Decimal(expected)
    assert str(stored.total_amount) == expected
    for item in orders.get_order(order_id).items:
        assert isinstance(item.line_total, Decimal)
        assert item.line_total == item.price_at_time * item.quantity
    assert sum(i.line_total for i in orders.get_order(order_id).items) == Decimal(expected)


def test_cart_totals_are_decimal_and_exact(customer, make_product, fill_cart):
    fill_cart(customer, (make_product(price="0.10", stock=5), 3), (make_product(price="0.20"), 3))
    view = cart.get_cart(customer.id)
    assert view.total == Decimal("0.90")
    assert isinstance(view.total, Decimal)
    assert all(isinstance(line.line_total, Decimal) for line in view.lines)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12, "12.00"),
        (0, "0.00"),
        ("12", "12.00"),
        ("12.5", "12.50"),
        (" 12.50 ", "12.50"),
        ("0.10", "0.10"),
        (12.5, "12.50"),
        (0.1, "0.10"),
        (Decimal("3.3"), "3.30"),
        ("9999999999.99", "9999999999.99"),
    ],
)
def test_parse_money_accepts_plain_amounts(value, expected):
    parsed = parse_money(value)
    assert isinstance(parsed, Decimal)
    assert str(parsed) == expected


@pytest.mark.parametrize(
    "value",
    [
        "1e3",
        "1E-2",
        1e20,
        "-1",
        "+1",
        -1,
        "12.345",
        Decimal("0.001"),
        "NaN",
        "nan",
        float("nan"),
        "inf",
        "Infinity",
        float("inf"),
        Decimal("Infinity"),
        "10000000000.00",
        10**12,
        "",
        "  ",
        "12.",
        ".5",
        "1,000",
        "12 50",
        "0x10",
        None,
        True,
        [],
    ],
)
def test_parse_money_refuses_anything_but_plain_amounts(value):
    with pytest.raises(ValidationError) as info:
        parse_money(value, field="price")
    assert info.value.field == "price"
    assert info.value.message


def test_money_is_shown_with_two_decimals():
    assert format_money(Decimal("1250")) == "1250.00"
    assert display_money(Decimal("1250.5"), "BDT") == "BDT 1,250.50"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1,250.50", "1250.50"), (" 1,000 ", "1000"), ("1250.50", "1250.50"), ("1,25.0", "1,25.0")],
)
def test_without_grouping_drops_only_commas_where_the_shop_puts_them(typed, expected):
    assert without_grouping(typed) == expected


def test_the_strict_parser_still_refuses_grouping_commas():
    with pytest.raises(ValidationError):
        parse_money("1,250.50")
