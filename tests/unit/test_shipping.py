"""Shipping methods: the fee, free over a threshold (the subtotal before any discount),
countries, and the order's copy of the name and fee."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Order
from storefront.services import cart, orders, shipping
from storefront.services.errors import ValidationError

ADDRESS = {
    "full_name": "Nadia Rahman",
    "phone": "+880 1712-345678",
    "line1": "House 7",
    "city": "Dhaka",
    "country": "BD",
}


@pytest.fixture
def standard(app):
    return shipping.create_method(
        {"name": "Standard", "fee": "60.00", "free_over": "100.00", "countries": "BD IN"}
    )


@pytest.mark.parametrize(
    ("price", "quantity", "fee"),
    [
        ("33.33", 3, "60.00"),  # 99.99: a cent under the threshold
        ("0.10", 999, "60.00"),  # 99.90
        ("0.10", 1000, "0.00"),  # 100.00: at the threshold, free
        ("33.34", 3, "0.00"),  # 100.02
    ],
)
def test_shipping_is_free_from_the_threshold_exactly(
    app, make_user, make_product, standard, price, quantity, fee
):
    buyer = make_user()
    cart.add_to_cart(buyer.id, make_product(price=price, stock=2000).id, quantity)
    order = orders.place_order(buyer.id, address=ADDRESS, shipping_method_id=standard.id).order
    assert order.shipping_fee == Decimal(fee)
    assert order.shipping_method == "Standard"
    assert order.total_amount == order.subtotal + order.shipping_fee
    assert orders.order_discrepancies() == []


def test_the_order_keeps_the_name_and_fee_it_was_shipped_with(
    app, make_user, make_product, standard
):
    buyer = make_user()
    cart.add_to_cart(buyer.id, make_product(price="10.00").id, 1)
    order_id = orders.place_order(
        buyer.id, address=ADDRESS, shipping_method_id=standard.id
    ).order.id
    shipping.update_method(standard.id, {"name": "Economy", "fee": "99.00"})
    shipping.delete_method(standard.id)
    order = db.session.get(Order, order_id)
    assert (order.shipping_method, order.shipping_fee) == ("Standard", Decimal("60.00"))


def test_a_method_is_required_once_any_is_offered(app, make_user, make_product, standard):
    buyer = make_user()
    cart.add_to_cart(buyer.id, make_product().id, 1)
    with pytest.raises(ValidationError) as refused:
        orders.place_order(buyer.id, address=ADDRESS)
    assert "shipping_method_id" in refused.value.errors


def test_without_any_method_there_is_no_shipping_charge(app, make_user, make_product):
    buyer = make_user()
    cart.add_to_cart(buyer.id, make_product(price="10.00").id, 1)
    order = orders.place_order(buyer.id, address=ADDRESS).order
    assert (order.shipping_fee, order.shipping_method) == (Decimal("0.00"), None)


@pytest.mark.parametrize(
    ("change", "country"),
    [({"is_active": False}, "BD"), ({}, "GB")],
    ids=["inactive", "not-to-that-country"],
)
def test_a_method_not_offered_for_the_address_is_refused_and_nothing_ordered(
    app, make_user, make_product, standard, change, country
):
    if change:
        shipping.update_method(standard.id, change)
        shipping.create_method({"name": "Other", "fee": "1.00"})
    buyer = make_user()
    cart.add_to_cart(buyer.id, make_product().id, 1)
    with pytest.raises(ValidationError) as refused:
        orders.place_order(
            buyer.id, address={**ADDRESS, "country": country}, shipping_method_id=standard.id
        )
    assert "shipping_method_id" in refused.value.errors
    assert db.session.scalar(select(func.count(Order.id))) == 0


def test_listing_by_country(app, standard):
    anywhere = shipping.create_method({"name": "Courier", "fee": "500.00"})
    assert [m.id for m in shipping.list_methods(country="bd")] == [standard.id, anywhere.id]
    assert [m.id for m in shipping.list_methods(country="GB")] == [anywhere.id]


def test_a_bad_method_is_refused_field_by_field(app):
    with pytest.raises(ValidationError) as refused:
        shipping.create_method({"name": " ", "fee": "-1", "free_over": "1e3", "countries": "XX"})
    assert set(refused.value.errors) == {"name", "fee", "free_over", "countries"}
