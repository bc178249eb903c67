"""Payment status: unpaid -> paid -> refunded, recorded; a paid order cancelled is
"to refund"; the method is one the shop takes; revenue may count paid orders only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from storefront.services import cart, orders, payments, reporting
from storefront.services.errors import ValidationError
from storefront.services.payments import InvalidPaymentChange


@pytest.fixture
def order(customer, make_product):
    mug = make_product(price="40.00", stock=5)
    cart.add_to_cart(customer.id, mug.variants[0].id, 1)
    return orders.place_order(customer.id, "1 Road", payment_method="bank_transfer").order


def test_an_order_is_unpaid_with_the_chosen_method(order):
    assert (order.payment_method, order.payment_status) == ("bank_transfer", "unpaid")
    assert not order.refund_due


def test_paid_then_refunded_each_recorded_with_who(order, admin):
    paid = payments.mark(order.id, "paid", admin.id)
    assert paid.payment_status == "paid"
    refunded = payments.mark(order.id, "refunded", admin.id)
    history = [(c.from_status, c.to_status, c.changed_by_id) for c in refunded.payment_history]
    assert history == [("unpaid", "paid", admin.id), ("paid", "refunded", admin.id)]


@pytest.mark.parametrize("steps", [["refunded"], ["paid", "paid"], ["paid", "refunded", "paid"]])
def test_steps_off_the_path_are_refused(order, admin, steps):
    *ok, wrong = steps
    for step in ok:
        payments.mark(order.id, step, admin.id)
    with pytest.raises(InvalidPaymentChange):
        payments.mark(order.id, wrong, admin.id)


def test_a_paid_order_cancelled_is_to_refund(order, admin):
    payments.mark(order.id, "paid", admin.id)
    cancelled = orders.change_order_status(order.id, "cancelled", admin.id)
    assert cancelled.refund_due
    assert not payments.mark(order.id, "refunded", admin.id).refund_due


def test_a_method_the_shop_does_not_take_is_refused(app, customer, make_product):
    mug = make_product(stock=5)
    cart.add_to_cart(customer.id, mug.variants[0].id, 1)
    with pytest.raises(ValidationError) as info:
        orders.place_order(customer.id, "1 Road", payment_method="card")
    assert "payment_method" in info.value.errors
    app.config["PAYMENT_METHODS"] = ("bank_transfer",)
    placed = orders.place_order(customer.id, "1 Road")
    assert placed.order.payment_method == "bank_transfer"


def test_revenue_counts_paid_orders_only_when_the_shop_says_so(app, order, admin):
    today = reporting.preset_range("7d", reporting.shop_today())
    placed, _ = reporting.compare_figures(today)
    assert placed.revenue == Decimal("40.00")
    app.config["REVENUE_BASIS"] = "paid"
    unpaid, _ = reporting.compare_figures(today)
    assert unpaid.revenue == Decimal("0.00")
    payments.mark(order.id, "paid", admin.id)
    paid, _ = reporting.compare_figures(today)
    assert paid.revenue == Decimal("40.00")
