"""Order emails: one per event, in the order's transaction, read back from a real SMTP server."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import OutboxMessage
from storefront.services import cart, orders, outbox
from storefront.services.errors import ValidationError
from tests.mailserver import html_of, text_of

from .helpers import ADDRESS, snapshot_tables, stock_of


def delivered(smtp_server, address):
    outbox.deliver_due()
    return smtp_server.to(address)


def assert_self_contained(html: str) -> None:
    """No script, no remote image or style: nothing that loads or runs."""
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert not re.search(r"""(src|background)\s*=\s*["']?https?:""", html, re.I)
    assert "@import" not in html and "<link" not in html.lower()


def test_placing_an_order_sends_one_confirmation_with_its_lines_and_total(
    customer, make_product, place, smtp_server
):
    lamp = make_product(name="Trail Lamp", price="1250.00")
    mug = make_product(name="Enamel Mug", price="300.50")
    order = place(customer, (lamp, 2), (mug, 3))

    (message,) = delivered(smtp_server, customer.email)
    assert message["Subject"] == f"Order #{order.id} confirmed"
    text = text_of(message)
    assert "2 x Trail Lamp at BDT 1,250.00 = BDT 2,500.00" in text
    assert "3 x Enamel Mug at BDT 300.50 = BDT 901.50" in text
    assert "Total: BDT 3,401.50" in text
    assert ADDRESS in text
    html = html_of(message)
    assert "Trail Lamp" in html and "BDT 3,401.50" in html and ADDRESS in html
    assert_self_contained(html)


def test_shipping_with_a_tracking_number_sends_one_notice_that_gives_it(
    customer, admin, make_product, place, smtp_server
):
    order = place(customer, (make_product(), 1))
    orders.change_order_status(order.id, "processing", actor_id=admin.id)
    orders.change_order_status(
        order.id, "shipped", actor_id=admin.id, tracking_number="  RR123456789BD "
    )
    messages = delivered(smtp_server, customer.email)
    assert [m["Subject"] for m in messages] == [
        f"Order #{order.id} confirmed",
        f"Your order #{order.id} is on its way",
    ]
    assert "Tracking number: RR123456789BD" in text_of(messages[1])
    assert "RR123456789BD" in html_of(messages[1])
    assert_self_contained(html_of(messages[1]))
    assert orders.get_order(order.id).tracking_number == "RR123456789BD"

    orders.change_order_status(order.id, "delivered", actor_id=admin.id)
    (notice,) = delivered(smtp_server, customer.email)[2:]
    assert notice["Subject"] == f"Your order #{order.id} has been delivered"


def test_a_tracking_number_goes_with_shipping_only(customer, admin, make_product, place):
    order = place(customer, (make_product(), 1))
    with pytest.raises(ValidationError) as refused:
        orders.change_order_status(order.id, "processing", admin.id, tracking_number="RR1")
    assert refused.value.field == "tracking_number"
    with pytest.raises(ValidationError):
        orders.change_order_status(order.id, "processing", admin.id, tracking_number="x" * 101)
    assert orders.get_order(order.id).status == "pending"


def test_a_cancellation_says_who_cancelled(customer, admin, make_product, place, smtp_server):
    mine = place(customer, (make_product(), 1))
    theirs = place(customer, (make_product(), 1))
    orders.cancel_order(mine.id, customer.id)
    orders.change_order_status(theirs.id, "cancelled", actor_id=admin.id)
    notices = {
        m["Subject"]: text_of(m)
        for m in delivered(smtp_server, customer.email)
        if "cancelled" in m["Subject"]
    }
    assert "You cancelled your order" in notices[f"Your order #{mine.id} is cancelled"]
    assert "We had to cancel your order" in notices[f"Your order #{theirs.id} is cancelled"]


def test_moving_to_processing_sends_nothing(customer, admin, make_product, place):
    order = place(customer, (make_product(), 1))
    orders.change_order_status(order.id, "processing", actor_id=admin.id)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1


def test_a_checkout_failing_after_its_email_was_queued_leaves_no_email(
    customer, make_product, monkeypatch
):
    from storefront.services import notifications

    product = make_product(stock=5)
    cart.add_to_cart(customer.id, product.id, 2)
    before = snapshot_tables()
    queued = []
    confirm = notifications.order_placed

    def confirm_then_fail(order):
        queued.append(confirm(order))
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1  # written
        raise RuntimeError("injected failure after the confirmation was queued")

    monkeypatch.setattr(notifications, "order_placed", confirm_then_fail)
    with pytest.raises(RuntimeError, match="injected"):
        orders.place_order(customer.id, ADDRESS)
    assert len(queued) == 1
    assert snapshot_tables() == before  # no order, no email, stock and cart as they were
    assert stock_of(product.id) == 5


def test_orders_placed_while_the_mail_server_is_down_are_each_confirmed_once(
    customer, make_user, make_product, place, smtp_server
):
    from datetime import timedelta

    from storefront.models import utcnow

    smtp_server.stop()
    buyers = [customer, make_user(), make_user()]
    placed = [place(buyer, (make_product(), 1)) for buyer in buyers]
    assert outbox.deliver_due().retrying == 3
    smtp_server.start()
    assert outbox.deliver_due(utcnow() + timedelta(hours=1)).sent == 3
    assert outbox.deliver_due(utcnow() + timedelta(days=1)).tried == 0
    subjects = sorted(m["Subject"] for m in smtp_server.messages)
    assert subjects == sorted(f"Order #{o.id} confirmed" for o in placed)
