"""Figures for the back office's dashboard, computed by the database.

Revenue and order counts come from one ``GROUP BY day`` over the orders of
the last 30 days, so the dashboard costs the same few queries whether the
store has ten orders or a million. Cancelled orders are not revenue.

Days are calendar days in the shop's time zone (``SHOP_TIMEZONE``, default
UTC): "today" starts at local midnight, "last 7 days" is today and the six
days before it, "last 30 days" today and the 29 before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import BigInteger, Date, cast, func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Order, Product, User
from . import inventory
from .money import CENT

DAYS = 30
LATEST_ORDERS = 10
LOW_STOCK_SHOWN = 10


@dataclass(frozen=True)
class Period:
    label: str
    revenue: Decimal
    orders: int


@dataclass(frozen=True)
class DailyRevenue:
    day: date
    revenue: Decimal
    orders: int


@dataclass(frozen=True)
class Dashboard:
    today: Period
    last_7_days: Period
    last_30_days: Period
    daily: list[DailyRevenue]  # oldest first, one per day, DAYS long
    low_stock: list[Product]
    low_stock_total: int
    low_stock_threshold: int
    latest_orders: list[Order]
    timezone: str


def shop_timezone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("SHOP_TIMEZONE") or "UTC")


def _cents_to_money(cents) -> Decimal:
    # Summed as whole cents (an integer on every database), so no float is involved.
    return (Decimal(str(cents or 0)) / 100).quantize(CENT)


def _local_day(tz: ZoneInfo, now: datetime):
    """A SQL expression for the order's calendar day in ``tz``."""
    if db.engine.dialect.name == "postgresql":
        return cast(func.timezone(tz.key, Order.created_at), Date)
    # SQLite has no time-zone database: shift by the zone's current offset,
    # which is exact for zones without daylight saving time (UTC, Asia/Dhaka).
    offset = int(now.astimezone(tz).utcoffset().total_seconds())
    return func.date(Order.created_at, f"{offset:+d} seconds")


def daily_revenue(
    days: int = DAYS, *, now: datetime | None = None, tz: ZoneInfo | None = None
) -> list[DailyRevenue]:
    """Revenue and order count per local day, oldest first, zero for days without orders."""
    tz = tz or shop_timezone()
    now = now or datetime.now(UTC)
    today = now.astimezone(tz).date()
    first_day = today - timedelta(days=days - 1)
    start = datetime.combine(first_day, time.min, tzinfo=tz)

    recent = (
        select(_local_day(tz, now).label("day"), Order.total_amount)
        .where(Order.created_at >= start, Order.status != "cancelled")
        .subquery()
    )
    cents = func.sum(cast(func.round(recent.c.total_amount * 100), BigInteger))
    rows = db.session.execute(
        select(recent.c.day, cents, func.count()).group_by(recent.c.day)
    ).all()

    by_day = {}
    for day, day_cents, count in rows:
        if isinstance(day, str):  # SQLite answers text
            day = date.fromisoformat(day)
        by_day[day] = (_cents_to_money(day_cents), int(count))
    result = []
    for n in range(days):
        day = first_day + timedelta(days=n)
        revenue, count = by_day.get(day, (Decimal("0.00"), 0))
        result.append(DailyRevenue(day=day, revenue=revenue, orders=count))
    return result


def _period(label: str, daily: list[DailyRevenue]) -> Period:
    return Period(
        label=label,
        revenue=sum((d.revenue for d in daily), Decimal("0.00")),
        orders=sum(d.orders for d in daily),
    )


def low_stock_products(threshold: int, limit: int = LOW_STOCK_SHOWN) -> tuple[list[Product], int]:
    """Active products at or below ``threshold``, lowest stock first, and how many there are."""
    condition = (Product.is_active.is_(True), Product.stock_quantity <= threshold)
    total = db.session.scalar(select(func.count(Product.id)).where(*condition)) or 0
    products = list(
        db.session.scalars(
            select(Product)
            .where(*condition)
            .order_by(Product.stock_quantity.asc(), func.lower(Product.name), Product.id)
            .limit(limit)
        )
    )
    return products, total


def latest_orders(limit: int = LATEST_ORDERS) -> list[Order]:
    return list(
        db.session.scalars(
            select(Order)
            .options(joinedload(Order.user))
            .order_by(Order.created_at.desc(), Order.id.desc())
            .limit(limit)
        )
    )


def dashboard(*, now: datetime | None = None, low_stock_threshold: int | None = None) -> Dashboard:
    """Everything the dashboard shows, in four queries whatever the number of orders."""
    tz = shop_timezone()
    threshold = (
        low_stock_threshold if low_stock_threshold is not None else inventory.low_stock_threshold()
    )
    daily = daily_revenue(DAYS, now=now, tz=tz)
    low, low_total = low_stock_products(threshold)
    return Dashboard(
        today=_period("Today", daily[-1:]),
        last_7_days=_period("Last 7 days", daily[-7:]),
        last_30_days=_period("Last 30 days", daily),
        daily=daily,
        low_stock=low,
        low_stock_total=low_total,
        low_stock_threshold=threshold,
        latest_orders=latest_orders(),
        timezone=tz.key,
    )


def people(user_ids) -> dict[int, User]:
    """The users behind a page's ids (ledger actors, status changes), in one query."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
