"""Guest checkout: an email and an address instead of an account, the same locks,
money and idempotency as a customer's checkout, and a signed link to the order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Order, OutboxMessage, ProductVariant
from storefront.services import discounts, inventory, orders
from storefront.services.errors import (
    DiscountCustomerLimit,
    EmptyCart,
    IdempotencyKeyReused,
    NotFound,
    OutOfStock,
    ValidationError,
)

from .helpers import snapshot_tables
from .test_checkout_concurrency import run_together

ADDRESS = {
    "full_name": "Rina Guest",
    "phone": "+880 1711-000000",
    "line1": "House 1, Road 1",
    "line2": "",
    "city": "Dhaka",
    "region": "",
    "postal_code": "1205",
    "country": "BD",
}


def guest_order(variant_id, quantity=1, email="rina@example.com", **kwargs):
    return orders.place_guest_order(email, {variant_id: quantity}, address=ADDRESS, **kwargs)


def test_a_guest_orders_with_an_email_and_an_address(make_product):
    mug = make_product(name="Mug", price="12.50", stock=5)
    placed = guest_order(mug.variants[0].id, 2, email=" Rina@Example.com ")
    order = placed.order
    assert placed.created and order.user_id is None and order.guest_email == "rina@example.com"
    assert order.total_amount == Decimal("25.00") and order.address_line1 == "House 1, Road 1"
    assert db.session.get(ProductVariant, mug.variants[0].id).stock_quantity == 3
    assert inventory.stock_discrepancies() == []
    mail = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    assert mail.to_address == "rina@example.com"
    token = orders.guest_order_token(order)
    assert f"/orders/guest/{token}" in mail.text_body
    assert "Hello, Rina Guest" in mail.text_body
    assert orders.get_guest_order(token).id == order.id


def test_a_link_that_is_not_ours_finds_nothing(make_product):
    order = guest_order(make_product().variants[0].id).order
    token = orders.guest_order_token(order)
    for bad in (token[:-2] + "xx", "", "nonsense", token + "a"):
        with pytest.raises(NotFound):
            orders.get_guest_order(bad)


def test_bad_guest_input_is_refused_field_by_field_and_nothing_changes(make_product):
    mug = make_product(stock=5)
    before = snapshot_tables()
    with pytest.raises(ValidationError) as info:
        orders.place_guest_order(
            "not-an-email", {mug.variants[0].id: 1}, address={**ADDRESS, "line1": ""}
        )
    assert {"email", "address.line1"} <= set(info.value.errors)
    with pytest.raises(EmptyCart):
        orders.place_guest_order("a@example.com", {}, address=ADDRESS)
    with pytest.raises(OutOfStock):
        guest_order(mug.variants[0].id, 6)
    assert snapshot_tables() == before


def test_the_same_key_from_the_same_guest_gives_the_same_order(make_product):
    mug = make_product(stock=5)
    first = guest_order(mug.variants[0].id, idempotency_key="k-1")
    again = guest_order(mug.variants[0].id, idempotency_key="k-1")
    assert not again.created and again.order.id == first.order.id
    with pytest.raises(IdempotencyKeyReused):
        guest_order(mug.variants[0].id, 2, idempotency_key="k-1")
    other = guest_order(mug.variants[0].id, email="other@example.com", idempotency_key="k-1")
    assert other.created  # a key belongs to its email
    assert db.session.scalar(select(func.count(Order.id))) == 2


def test_a_per_customer_limit_counts_a_guests_orders_by_email(make_product):
    mug = make_product(price="100.00", stock=10)
    discounts.create_code(
        {"code": "ONCE", "kind": "percent", "value": "10", "per_customer_limit": 1}
    )
    first = guest_order(mug.variants[0].id, discount_code="once").order
    assert first.discount_amount == Decimal("10.00")
    with pytest.raises(DiscountCustomerLimit):
        guest_order(mug.variants[0].id, discount_code="ONCE")


@pytest.mark.parametrize("round_", range(2))
def test_guests_and_customers_racing_for_ten_units_never_oversell(
    app, make_product, make_user, round_
):
    from storefront.services import cart

    mug = make_product(stock=10)
    variant_id = mug.variants[0].id
    calls = []
    for n in range(20):
        calls.append((guest_order, (variant_id, 1, f"guest{n}@example.com")))
    for _ in range(20):
        buyer = make_user()
        cart.add_to_cart(buyer.id, variant_id, 1)
        calls.append((orders.place_order, (buyer.id, "1 Road")))
    db.session.remove()
    outcomes = run_together(app, calls)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert all(isinstance(o, OutOfStock) for o in failures), failures
    assert len(outcomes) - len(failures) == 10
    assert db.session.get(ProductVariant, variant_id).stock_quantity == 0
    assert inventory.stock_discrepancies() == []


def test_a_double_submit_by_one_guest_places_one_order(app, make_product):
    mug = make_product(stock=10)
    variant_id = mug.variants[0].id
    db.session.remove()

    def with_key(*args):
        return guest_order(*args, idempotency_key="same-page").order.id

    outcomes = run_together(app, [(with_key, (variant_id, 1, "twice@example.com"))] * 4)
    assert not [o for o in outcomes if isinstance(o, BaseException)]
    assert len(set(outcomes)) == 1
    assert db.session.scalar(select(func.count(Order.id))) == 1
