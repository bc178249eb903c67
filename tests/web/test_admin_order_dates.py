"""The admin order list filters by the days orders were placed (in the shop's time
zone), beside status and customer, with the dashboard's reading of a range."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import update

from storefront.extensions import db
from storefront.models import Order
from storefront.services import accounts, cart, catalog, orders
from tests.conftest import SeparateContextClient
from tests.web.test_admin_access import log_in


def _listed(body: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/admin/orders/(\d+)"', body)]


@pytest.fixture
def dhaka(make_app):
    """An app in Asia/Dhaka (UTC+6) with four orders around the edges of 10 to 12 June."""
    app = make_app(SHOP_TIMEZONE="Asia/Dhaka")
    app.test_client_class = SeparateContextClient
    with app.app_context():
        admin = accounts.register("boss@example.com", "admin-pass-123456", role="admin")
        buyer = accounts.register("rina@example.com", "customer-pass-123", "Rina")
        other = accounts.register("omar@example.com", "customer-pass-123", "Omar")
        product = catalog.create_product(name="Tea", price=Decimal("5.00"), stock_quantity=100)
        placed = {}
        for name, user, utc in (
            ("before", buyer, "2025-06-09T17:59:59"),  # 9 June 23:59:59 in Dhaka
            ("first", buyer, "2025-06-09T18:00:00"),  # 10 June 00:00 in Dhaka
            ("last", other, "2025-06-12T17:59:59"),  # 12 June 23:59:59 in Dhaka
            ("after", buyer, "2025-06-12T18:00:00"),  # 13 June in Dhaka
        ):
            cart.add_to_cart(user.id, product.id, 1)
            order = orders.place_order(user.id, "Road 1, Dhaka").order
            at = datetime.fromisoformat(utc).replace(tzinfo=UTC)
            db.session.execute(update(Order).where(Order.id == order.id).values(created_at=at))
            db.session.commit()
            placed[name] = order.id
        orders.change_order_status(placed["last"], "processing")
        client = app.test_client()
        log_in(client, admin)
        yield client, placed
        db.session.remove()


def test_the_order_list_shows_the_orders_placed_in_the_days_chosen(dhaka):
    client, placed = dhaka
    body = client.get("/admin/orders?from=2025-06-10&to=2025-06-12").get_data(as_text=True)
    assert sorted(_listed(body)) == sorted([placed["first"], placed["last"]])
    assert 'value="2025-06-10"' in body and 'value="2025-06-12"' in body
    assert "Placed from" in body

    one_day = client.get("/admin/orders?from=2025-06-09&to=2025-06-09").get_data(as_text=True)
    assert _listed(one_day) == [placed["before"]]
    everything = client.get("/admin/orders").get_data(as_text=True)
    assert len(_listed(everything)) == 4


def test_the_dates_combine_with_status_and_customer(dhaka):
    client, placed = dhaka
    days = "from=2025-06-09&to=2025-06-13"
    assert _listed(client.get(f"/admin/orders?{days}&status=processing").get_data(True)) == [
        placed["last"]
    ]
    rina = client.get(f"/admin/orders?{days}&customer=rina").get_data(as_text=True)
    assert sorted(_listed(rina)) == sorted([placed["before"], placed["first"], placed["after"]])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2025-06-12&to=2025-06-10", "The last day must be on or after the first day."),
        ("from=2025-06-10", "Enter the last day, such as 2026-11-01."),
        ("from=2020-01-01&to=2025-06-10", "Choose at most 366 days from the first day."),
        ("from=june&to=2025-06-10", "Enter the first day as year-month-day"),
    ],
)
def test_bad_dates_are_refused_with_a_message_and_keep_what_was_typed(dhaka, query, message):
    client, _ = dhaka
    response = client.get(f"/admin/orders?status=pending&{query}")
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body and 'role="alert"' in body
    assert _listed(body) == []
    assert "Correct the dates to see the orders." in body
    assert 'value="pending" selected' in body
    assert f'value="{query.split("&")[0].split("=")[1]}"' in body


def test_the_order_list_is_for_admins_only(client, customer):
    query = "/admin/orders?from=2025-06-10&to=2025-06-12"
    assert client.get(query).status_code == 302
    log_in(client, customer)
    assert client.get(query).status_code == 403
