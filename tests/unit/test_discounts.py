"""Discount codes: exact money, every refusal, and the usage limit under a race."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import DiscountCode, Order, Product, StockMovement, utcnow
from storefront.services import cart, discounts, inventory, orders, shipping
from storefront.services.errors import (
    DiscountCustomerLimit,
    DiscountExhausted,
    DiscountExpired,
    DiscountMinimum,
    DiscountUnknown,
    ValidationError,
)
from tests.unit.test_checkout_concurrency import run_together

ADDRESS = {
    "full_name": "Nadia Rahman",
    "phone": "+880 1712-345678",
    "line1": "House 7",
    "city": "Dhaka",
    "country": "BD",
}


def order_count() -> int:
    return db.session.scalar(select(func.count(Order.id)))


@pytest.mark.parametrize(
    ("price", "quantity", "percent", "discount"),
    [
        ("0.10", 1, "10", "0.01"),  # 0.01 exactly
        ("0.10", 1, "15", "0.02"),  # 0.015 rounds half-up to 0.02
        ("0.10", 3, "15", "0.05"),  # 0.045 -> 0.05, once, on the subtotal
        ("0.10", 7, "33.33", "0.23"),  # 0.233331
        ("33.33", 1, "10", "3.33"),  # 3.333
        ("33.33", 3, "15", "15.00"),  # 99.99 * 0.15 = 14.9985 -> 15.00
        ("33.33", 7, "12.5", "29.16"),  # 233.31 * 0.125 = 29.16375
        ("33.33", 2, "100", "66.66"),  # everything, never below zero
    ],
)
def test_percentage_codes_are_exact_to_the_cent(
    app, make_user, make_product, price, quantity, percent, discount
):
    discounts.create_code({"code": "SAVE", "kind": "percent", "value": percent})
    buyer = make_user()
    cart.add_to_cart(buyer.id, make_product(price=price, stock=100).id, quantity)
    order = orders.place_order(buyer.id, address=ADDRESS, discount_code="save").order
    assert order.discount_amount == Decimal(discount)
    assert order.total_amount == order.subtotal - order.discount_amount + order.shipping_fee
    assert order.total_amount >= 0 and order.discount_code == "SAVE"
    assert orders.order_discrepancies() == []


@pytest.mark.parametrize(
    ("quantity", "shipping_fee", "total"),
    [
        (3, "60.00", "149.99"),  # subtotal 99.99 is under 100: shipping charged
        (4, "0.00", "119.99"),  # 133.32 - 13.33 (10%): free, judged before the discount
    ],
)
def test_free_shipping_is_judged_on_the_subtotal_before_the_discount(
    app, make_user, make_product, quantity, shipping_fee, total
):
    method = shipping.create_method({"name": "Standard", "fee": "60.00", "free_over": "100.00"})
    discounts.create_code({"code": "TEN", "kind": "fixed", "value": "10.00"})
    if quantity == 4:
        discounts.update_code(
            db.session.scalar(select(DiscountCode.id)), {"kind": "percent", "value": "10"}
        )
    buyer = make_user()
    cart.add_to_cart(buyer.id, make_product(price="33.33", stock=10).id, quantity)
    order = orders.place_order(
        buyer.id, address=ADDRESS, shipping_method_id=method.id, discount_code="TEN"
    ).order
    assert order.shipping_fee == Decimal(shipping_fee)
    assert order.total_amount == Decimal(total)


def test_a_fixed_code_never_makes_the_total_negative(app, make_user, make_product):
    discounts.create_code({"code": "BIG", "kind": "fixed", "value": "500.00"})
    buyer = make_user()
    cart.add_to_cart(buyer.id, make_product(price="0.10").id, 3)
    order = orders.place_order(buyer.id, address=ADDRESS, discount_code="big").order
    assert (order.discount_amount, order.total_amount) == (Decimal("0.30"), Decimal("0.00"))


@pytest.fixture
def buyer_with_cart(app, make_user, make_product):
    buyer = make_user()
    product = make_product(price="50.00", stock=10)
    cart.add_to_cart(buyer.id, product.id, 1)
    return buyer, product


@pytest.mark.parametrize(
    ("settings", "refusal"),
    [
        ({"code": "OTHER"}, DiscountUnknown),
        ({"is_active": False}, DiscountUnknown),
        ({"ends_at": "past"}, DiscountExpired),
        ({"starts_at": "future"}, DiscountExpired),
        ({"usage_limit": 1, "times_used": 1}, DiscountExhausted),
        ({"min_subtotal": "50.01"}, DiscountMinimum),
    ],
)
def test_a_refused_code_orders_nothing_and_keeps_the_cart(app, buyer_with_cart, settings, refusal):
    buyer, product = buyer_with_cart
    settings = dict(settings)
    used = settings.pop("times_used", 0)
    if settings.get("ends_at") == "past":
        settings["ends_at"] = utcnow() - timedelta(minutes=1)
    if settings.get("starts_at") == "future":
        settings["starts_at"] = utcnow() + timedelta(days=1)
    code = discounts.create_code({"code": "SAVE", "kind": "percent", "value": "10", **settings})
    if used:
        db.session.execute(
            DiscountCode.__table__.update()
            .values(times_used=used)
            .where(DiscountCode.id == code.id)
        )
        db.session.commit()
    with pytest.raises(refusal) as refused:
        orders.place_order(buyer.id, address=ADDRESS, discount_code="save")
    assert refused.value.field == "discount_code"
    assert order_count() == 0
    assert db.session.get(Product, product.id).stock_quantity == 10
    assert not cart.get_cart(buyer.id).is_empty
    assert db.session.get(DiscountCode, code.id).times_used == used


def test_the_per_customer_limit_counts_that_customers_orders(app, make_user, make_product):
    discounts.create_code(
        {"code": "ONCE", "kind": "fixed", "value": "1.00", "per_customer_limit": 1}
    )
    product = make_product(stock=10)
    first, second = make_user(), make_user()
    for buyer in (first, second):
        cart.add_to_cart(buyer.id, product.id, 1)
        orders.place_order(buyer.id, address=ADDRESS, discount_code="ONCE")
    cart.add_to_cart(first.id, product.id, 1)
    with pytest.raises(DiscountCustomerLimit):
        orders.place_order(first.id, address=ADDRESS, discount_code="once")
    assert db.session.scalar(select(DiscountCode.times_used)) == 2


def test_admin_rules_for_codes(app):
    with pytest.raises(ValidationError) as refused:
        discounts.create_code({"code": "a b!", "kind": "percent", "value": "120"})
    assert set(refused.value.errors) == {"code", "value"}
    code = discounts.create_code({"code": "eid10", "kind": "percent", "value": "10"})
    assert code.code == "EID10"
    with pytest.raises(Exception, match="already a code"):
        discounts.create_code({"code": "Eid10", "kind": "fixed", "value": "1"})


def test_deleting_a_used_code_deactivates_it(app, buyer_with_cart):
    buyer, _ = buyer_with_cart
    code = discounts.create_code({"code": "SAVE", "kind": "fixed", "value": "1"})
    orders.place_order(buyer.id, address=ADDRESS, discount_code="SAVE")
    discounts.delete_code(code.id)
    assert db.session.get(DiscountCode, code.id).is_active is False


# --- the race ---------------------------------------------------------------------------


def test_fifty_checkouts_at_once_with_five_uses_left_give_exactly_five_discounts(
    app, make_user, make_product
):
    product = make_product(price="20.00", stock=100)
    code = discounts.create_code(
        {"code": "FIVE", "kind": "percent", "value": "50", "usage_limit": 8}
    )
    db.session.execute(
        DiscountCode.__table__.update().values(times_used=3).where(DiscountCode.id == code.id)
    )
    db.session.commit()
    buyers = [make_user() for _ in range(50)]
    for buyer in buyers:
        cart.add_to_cart(buyer.id, product.id, 1)
    ids = [b.id for b in buyers]
    product_id = product.id
    db.session.remove()

    def checkout(user_id):
        return orders.place_order(user_id, address=ADDRESS, discount_code="five").order.id

    outcomes = run_together(app, [(checkout, (uid,)) for uid in ids])

    placed = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, DiscountExhausted)]
    others = [o for o in outcomes if not isinstance(o, int | DiscountExhausted)]
    assert others == []
    assert (len(placed), len(refused)) == (5, 45)
    assert db.session.scalar(select(DiscountCode.times_used)) == 8
    assert db.session.scalar(
        select(func.count(Order.id)).where(Order.discount_code == "FIVE")
    ) == 5  # fmt: skip
    assert db.session.get(Product, product_id).stock_quantity == 95
    assert inventory.stock_discrepancies() == []
    assert orders.order_discrepancies() == []
    assert db.session.scalar(
        select(func.count(StockMovement.id)).where(StockMovement.reason == "order")
    ) == 5  # fmt: skip
