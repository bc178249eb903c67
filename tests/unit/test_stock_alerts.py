"""Back-in-stock alerts: each waiting address gets one email when stock comes back."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import OutboxMessage, StockAlert
from storefront.services import catalog, inventory, orders, outbox, stock_alerts
from storefront.services.errors import NotFound, ValidationError
from tests.mailserver import html_of, text_of


def waiting() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(StockAlert.id)))


def test_a_restock_tells_each_subscriber_once_and_a_second_restock_no_one(
    customer, admin, make_product, place, smtp_server
):
    lamp = make_product(name="Storm Lamp", price="900.00", stock=0)
    stock_alerts.subscribe(lamp.id, "guest@example.com")
    stock_alerts.subscribe(lamp.id, "GUEST@example.com ")  # the same address: one alert
    stock_alerts.subscribe(lamp.id, user_id=customer.id)
    assert stock_alerts.waiting_count(lamp.id) == 2

    inventory.adjust_stock(lamp.id, 3, "Delivery from the supplier", actor_id=admin.id)
    outbox.deliver_due()
    assert sorted(m["To"] for m in smtp_server.messages) == ["guest@example.com", customer.email]
    message = smtp_server.to("guest@example.com")[0]
    assert message["Subject"] == "Storm Lamp is back in stock"
    assert "BDT 900.00" in text_of(message) and "Storm Lamp" in html_of(message)
    assert waiting() == 0

    # Sold out and back again: the subscriptions ended with the first email.
    place(customer, (lamp, 3))
    inventory.adjust_stock(lamp.id, 2, "Another delivery", actor_id=admin.id)
    outbox.deliver_due()
    assert len([m for m in smtp_server.messages if "back in stock" in m["Subject"]]) == 2


def test_the_email_has_one_click_unsubscribe_headers(make_product, admin, smtp_server):
    product = make_product(stock=0)
    stock_alerts.subscribe(product.id, "guest@example.com")
    inventory.adjust_stock(product.id, 1, "Found one", actor_id=admin.id)
    outbox.deliver_due()
    (message,) = smtp_server.messages
    url = str(message["List-Unsubscribe"]).strip().strip("<>")
    assert "/unsubscribe/" in url
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in text_of(message) and url in html_of(message)


@pytest.mark.parametrize("how", ["api update", "cancellation"])
def test_every_way_back_into_stock_tells_the_subscribers(how, customer, admin, make_product, place):
    product = make_product(stock=1)
    order = place(customer, (product, 1))
    stock_alerts.subscribe(product.id, "guest@example.com")
    if how == "api update":
        catalog.update_product(product.id, actor_id=admin.id, stock_quantity=4)
    else:
        orders.cancel_order(order.id, customer.id)
    kinds = list(db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))
    assert kinds.count("back_in_stock") == 1
    assert waiting() == 0


def test_a_restock_that_rolls_back_tells_no_one(make_product):
    from storefront.services._tx import write_transaction

    product = make_product(stock=0)
    stock_alerts.subscribe(product.id, "guest@example.com")
    with pytest.raises(RuntimeError), write_transaction():
        inventory.adjust_stock(product.id, 2, "Delivery")
        raise RuntimeError("the caller failed afterwards")
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert waiting() == 1


def test_subscribing_needs_an_out_of_stock_product_and_an_address(customer, make_product):
    in_stock = make_product(stock=2)
    with pytest.raises(stock_alerts.InStock):
        stock_alerts.subscribe(in_stock.id, "guest@example.com")
    gone = make_product(stock=0)
    with pytest.raises(ValidationError):
        stock_alerts.subscribe(gone.id)
    with pytest.raises(ValidationError):
        stock_alerts.subscribe(gone.id, "not an email")
    with pytest.raises(NotFound):
        stock_alerts.subscribe(gone.id + 1000, "guest@example.com")
    assert waiting() == 0


def test_unsubscribing_ends_every_alert_of_the_address(make_product):
    first, second = make_product(stock=0), make_product(stock=0)
    for product in (first, second):
        stock_alerts.subscribe(product.id, "guest@example.com")
    stock_alerts.subscribe(first.id, "other@example.com")
    assert stock_alerts.unsubscribe(stock_alerts.unsubscribe_token("guest@example.com")) == 2
    assert waiting() == 1
    with pytest.raises(stock_alerts.InvalidUnsubscribeLink):
        stock_alerts.unsubscribe("forged")


def test_deleting_a_never_ordered_product_takes_its_alerts_along(make_product):
    product = make_product(stock=0)
    stock_alerts.subscribe(product.id, "guest@example.com")
    assert catalog.delete_product(product.id) == "deleted"
    assert waiting() == 0
