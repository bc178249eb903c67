"""The dashboard page: a chosen range's figures against the previous range, the
custom range's refusals, bounded queries, admins only."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import insert, select, update

from storefront.extensions import db
from storefront.models import Order, OrderItem
from storefront.services import cart, orders, reporting
from tests.web.conftest import count_queries
from tests.web.test_admin_access import log_in


def _card(body: str, key: str) -> str:
    start = body.index(f'data-figure-card="{key}"')
    return body[start : body.index("</li>", start)]


def _figure(body: str, key: str) -> str:
    return re.search(rf'data-figure="{key}">([^<]+)<', _card(body, key)).group(1).strip()


def _previous(body: str, key: str) -> str:
    return re.search(rf'data-previous="{key}">([^<]+)<', _card(body, key)).group(1).strip()


def _change(body: str, key: str) -> str:
    match = re.search(r'data-change="(\w+)">(.*?)</p>', _card(body, key), re.S)
    words = re.sub(r"<[^>]+>", "", match.group(2))
    return f"{match.group(1)}: {' '.join(words.split())}"


@pytest.fixture
def shop(app, make_user, make_product):
    """Orders placed through the checkout, then dated: days_ago in the shop's days (UTC)."""
    buyer = make_user()
    now = datetime.now(UTC)
    made = {}
    for name, price, quantity, days_ago, cancelled in (
        ("Kettle", "250.00", 2, 0, False),
        ("Teapot", "99.50", 1, 3, False),
        ("Lamp", "1000.00", 1, 20, False),
        ("Rug", "777.00", 1, 1, True),
        ("Mug", "40.00", 5, 9, False),  # the 7 days before the last 7
    ):
        product = make_product(name=name, price=price, stock=quantity)
        cart.add_to_cart(buyer.id, product.id, quantity)
        order = orders.place_order(buyer.id, "1 Test Road").order
        if cancelled:
            orders.change_order_status(order.id, "cancelled")
        db.session.execute(
            update(Order)
            .where(Order.id == order.id)
            .values(created_at=now - timedelta(days=days_ago))
        )
        db.session.commit()
        made[name] = order.id
    return made


def test_the_dashboard_shows_the_chosen_range_against_the_previous_one(client, admin, shop):
    log_in(client, admin)

    body = client.get("/admin/?range=7d").get_data(as_text=True)
    assert 'aria-current="true">Last 7 days<' in body
    assert _figure(body, "revenue") == "BDT 599.50"
    assert _figure(body, "orders") == "2"
    assert _figure(body, "average") == "BDT 299.75"
    assert _figure(body, "units") == "3"
    assert _previous(body, "revenue") == "BDT 200.00"
    assert _change(body, "revenue") == "up: ▲ Up BDT 399.50 (199.8%)"
    assert _change(body, "orders") == "up: ▲ Up 1 (100.0%)"
    assert _change(body, "units") == "down: ▼ Down 2 (40.0%)"
    # Top products, with the cancelled order's left out.
    top = body[body.index('data-top="revenue"') : body.index('data-top="units"')]
    assert top.index("Kettle") < top.index("Teapot") and "Rug" not in top
    assert "BDT 500.00" in top
    # The chart has one point per day of the range.
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert svg.count('class="chart-point"') == 7
    assert "Max BDT 500.00" in svg and 'role="img"' in svg
    # Orders waiting: all four not cancelled are pending.
    assert re.search(r'data-waiting="pending">.*?waiting-count">4<', body, re.S)

    body = client.get("/admin/").get_data(as_text=True)  # the last 30 days
    assert 'aria-current="true">Last 30 days<' in body
    assert _figure(body, "revenue") == "BDT 1,799.50"
    assert _figure(body, "orders") == "4"
    assert _change(body, "revenue") == "new: ▲ Up BDT 1,799.50 (none before)"
    assert body[body.index("<svg") : body.index("</svg>")].count('class="chart-point"') == 30


def test_a_custom_range_shows_its_days(client, admin, shop):
    log_in(client, admin)
    today = datetime.now(UTC).date()
    first, last = today - timedelta(days=3), today - timedelta(days=3)
    response = client.get(f"/admin/?range=custom&from={first}&to={last}")
    body = response.get_data(as_text=True)

    assert response.status_code == 200
    assert _figure(body, "revenue") == "BDT 99.50"
    assert _figure(body, "orders") == "1"
    assert _change(body, "revenue") == "new: ▲ Up BDT 99.50 (none before)"
    assert _change(body, "average") == "none: No comparison"
    assert f'value="{first}"' in body and 'aria-current="true"' not in body
    assert body[body.index("<svg") : body.index("</svg>")].count('class="chart-point"') == 1
    # The range's orders are a link away.
    assert f'href="/admin/orders?from={first}&amp;to={last}"' in body


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2026-02-10&to=2026-02-01", "The last day must be on or after the first day."),
        ("from=2020-01-01&to=2026-01-01", "Choose at most 366 days from the first day."),
        ("from=10%2F02%2F2026&to=2026-02-20", "Enter the first day as year-month-day"),
        ("range=custom&from=2026-02-10", "Enter the last day, such as 2026-11-01."),
    ],
)
def test_a_bad_range_is_refused_with_a_message_and_keeps_what_was_typed(
    client, admin, query, message
):
    log_in(client, admin)
    response = client.get(f"/admin/?{query}")
    body = response.get_data(as_text=True)

    assert response.status_code == 422
    assert 'class="error-summary" role="alert"' in body
    assert message in body
    assert 'aria-invalid="true"' in body
    typed = dict(pair.split("=") for pair in query.split("&"))
    if "from" in typed:
        assert f'value="{typed["from"].replace("%2F", "/")}"' in body
    # The page still shows the default range's figures, named as such.
    assert "Last 30 days" in body and "<svg" in body


def _bulk_orders(user_id: int, product_id: int, count: int) -> None:
    """Orders with a line each, straight into the tables (the checkout is slow for many)."""
    now = datetime.now(UTC)
    statuses = ("pending", "processing", "shipped", "delivered", "cancelled")
    rows = [
        {
            "user_id": user_id,
            "status": statuses[n % len(statuses)],
            "subtotal": Decimal("10.00") + n % 97,
            "total_amount": Decimal("10.00") + n % 97,
            "shipping_address": "1 Bulk Road",
            "note": "",
            "created_at": now - timedelta(minutes=37 * n),
            "updated_at": now,
        }
        for n in range(count)
    ]
    db.session.execute(insert(Order), rows)
    ids = db.session.scalars(select(Order.id).order_by(Order.id.desc()).limit(count)).all()
    db.session.execute(
        insert(OrderItem),
        [
            {
                "order_id": order_id,
                "product_id": product_id,
                "variant_id": product_id,  # its one variant has its id (a fresh database)
                "product_name": "Bulk thing",
                "quantity": 1,
                "price_at_time": Decimal("10.00"),
                "line_total": Decimal("10.00"),
            }
            for order_id in ids
        ],
    )
    db.session.commit()


def _dashboard_queries(client, query: str) -> int:
    with count_queries() as statements:
        response = client.get(f"/admin/?{query}")
    assert response.status_code == 200
    return len(statements)


def test_the_dashboard_needs_the_same_few_queries_for_10_or_200_orders(
    client, admin, make_user, make_product
):
    buyer = make_user()
    for n in range(8):
        product = make_product(stock=n)
    log_in(client, admin)

    _bulk_orders(buyer.id, product.id, 10)
    few = [_dashboard_queries(client, q) for q in ("range=90d", "range=today")]
    _bulk_orders(buyer.id, product.id, 190)
    many = [_dashboard_queries(client, q) for q in ("range=90d", "range=today")]

    print(f"dashboard queries: {few} with 10 orders, {many} with 200 orders")
    assert many == few
    assert max(many) <= 12  # the admin's session and the dashboard's nine queries
    body = client.get("/admin/?range=90d").get_data(as_text=True)
    assert _figure(body, "orders") == "160"  # 200 less the cancelled fifth


def test_the_dashboard_is_for_admins_only(client, customer):
    query = "/admin/?range=custom&from=2026-01-01&to=2026-01-31"
    guest = client.get(query)
    assert guest.status_code == 302 and "/login" in guest.headers["Location"]
    log_in(client, customer)
    assert client.get(query).status_code == 403
    assert client.get("/admin/?range=7d").status_code == 403


def test_the_presets_are_links_that_need_no_script(client, admin):
    log_in(client, admin)
    body = client.get("/admin/").get_data(as_text=True)
    for key, (label, _days) in reporting.PRESETS.items():
        assert f'href="/admin/?range={key}"' in body
        assert f">{label}<" in body
    form = body[body.index('aria-label="Custom date range"') :]
    form = form[: form.index("</form>")]
    assert 'method="get"' in body and 'type="date" name="from"' in form
