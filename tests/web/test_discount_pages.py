"""Discount codes on the checkout page: shown before confirming, refusals said clearly."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import DiscountCode, Order, utcnow
from storefront.services import cart, discounts, orders
from tests.web.conftest import ADDRESS_FORM


@pytest.fixture
def in_cart(customer, make_product):
    product = make_product(name="Lamp", price="33.33", stock=10)
    cart.add_to_cart(customer.id, product.id, 3)
    return product


def test_a_code_is_applied_and_shown_before_the_order_is_placed(shopper_client, in_cart):
    discounts.create_code({"code": "SAVE15", "kind": "percent", "value": "15"})
    data = {**ADDRESS_FORM, "discount_code": "save15", "idempotency_key": "k"}
    shown = shopper_client.post("/checkout", data={**data, "review": "y"})
    html = shown.get_data(as_text=True)
    assert shown.status_code == 200
    assert 'data-testid="checkout-discount">−BDT 15.00' in html and "Discount (SAVE15)" in html
    assert 'data-testid="checkout-total">BDT 84.99' in html
    assert db.session.scalar(select(Order)) is None

    placed = shopper_client.post("/checkout", data={**data, "expected_total": "84.99"})
    assert placed.status_code == 303
    order = db.session.scalar(select(Order))
    assert (order.discount_code, order.total_amount) == ("SAVE15", Decimal("84.99"))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"ends_at": "past"}, "The code SAVE is not valid now."),
        ({"min_subtotal": "100.00"}, "The code SAVE needs an order of at least BDT 100.00."),
        ({}, "There is no discount code NOPE."),
    ],
)
def test_a_refused_code_is_said_next_to_the_field_and_nothing_is_lost(
    shopper_client, customer, in_cart, settings, message
):
    if settings.get("ends_at") == "past":
        settings = {"ends_at": utcnow() - timedelta(hours=1)}
    discounts.create_code({"code": "SAVE", "kind": "fixed", "value": "5", **settings})
    entered = "nope" if not settings else "save"
    response = shopper_client.post(
        "/checkout", data={**ADDRESS_FORM, "discount_code": entered, "idempotency_key": "k"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'id="discount_code-error"' in html and message in html
    assert f'value="{entered}"' in html and 'value="House 7, Road 3"' in html
    assert db.session.scalar(select(Order)) is None
    assert cart.get_cart(customer.id).item_count == 3
    assert db.session.scalar(select(DiscountCode.times_used)) == 0


def test_a_code_at_its_per_customer_limit_is_refused(
    shopper_client, customer, in_cart, make_product
):
    discounts.create_code({"code": "ONCE", "kind": "fixed", "value": "5", "per_customer_limit": 1})
    orders.place_order(customer.id, address=ADDRESS_FORM, discount_code="ONCE")
    cart.add_to_cart(customer.id, in_cart.id, 1)
    response = shopper_client.post(
        "/checkout", data={**ADDRESS_FORM, "discount_code": "ONCE", "idempotency_key": "k2"}
    )
    assert response.status_code == 409
    assert "You have used the code ONCE as many times as it allows." in response.get_data(
        as_text=True
    )
    assert cart.get_cart(customer.id).item_count == 1
