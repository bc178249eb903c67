"""Figures for the back office's dashboard, computed by the database.

The dashboard shows one date range (today, the last 7, 30 or 90 days, or
any range of up to ``MAX_RANGE_DAYS`` days) against the range of the same
length just before it. Whatever the number of orders, it costs the same
few queries: the figures of both ranges in one, the units sold in one, the
chart in one ``GROUP BY day``, the top products in two, and so on.

What counts: revenue is the ``total_amount`` of orders placed in the range
that are not cancelled (what the shopper paid: lines less discount plus
shipping), summed as whole cents so no float is involved even on SQLite,
which keeps NUMERIC values as binary floats. Orders and units count the
same orders; the average order value is revenue / orders, to the cent. A
product's revenue is the sum of its order lines (price times quantity as
sold, before an order's discount), on the same orders. With
``REVENUE_BASIS=paid`` only paid orders count (cash collected, transfer
received); the default, ``placed``, counts every order not cancelled.

Days are calendar days in the shop's time zone (``SHOP_TIMEZONE``, default
UTC): a range from D1 to D2 is every order placed from local midnight at
the start of D1 to local midnight at the end of D2.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import BigInteger, Date, case, cast, func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Order, OrderItem, Product, User
from . import inventory, payments
from .errors import ValidationError
from .money import CENT

LATEST_ORDERS = 10
LOW_STOCK_SHOWN = 10
TOP_PRODUCTS = 5
# The orders that wait for the shop to act, in the order the shop acts on them.
WAITING_STATUSES = ("pending", "processing")

# The ranges offered as links: key -> (label, number of days ending today).
PRESETS: dict[str, tuple[str, int]] = {
    "today": ("Today", 1),
    "7d": ("Last 7 days", 7),
    "30d": ("Last 30 days", 30),
    "90d": ("Last 90 days", 90),
}
DEFAULT_PRESET = "30d"
CUSTOM = "custom"
MAX_RANGE_DAYS = 366
# Dates far outside these years are typing mistakes (and 0001-01-01 cannot be moved to UTC).
FIRST_YEAR, LAST_YEAR = 2000, 9000


def shop_timezone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("SHOP_TIMEZONE") or "UTC")


def shop_today(*, now: datetime | None = None, tz: ZoneInfo | None = None) -> date:
    """Today's date where the shop is."""
    return (now or datetime.now(UTC)).astimezone(tz or shop_timezone()).date()


# --- date ranges --------------------------------------------------------------


@dataclass(frozen=True)
class DateRange:
    """Whole local days from ``first`` to ``last``, both included."""

    first: date
    last: date
    preset: str | None = None  # a key of PRESETS, or None for a range typed in

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def label(self) -> str:
        if self.preset in PRESETS:
            return PRESETS[self.preset][0]
        return describe_days(self.first, self.last)

    @property
    def dates(self) -> str:
        return describe_days(self.first, self.last)

    def previous(self) -> DateRange:
        """The range of the same length that ends the day before this one starts."""
        last = self.first - timedelta(days=1)
        return DateRange(first=last - timedelta(days=self.days - 1), last=last)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The UTC instants where the range starts (included) and ends (excluded)."""
        start = datetime.combine(self.first, time.min, tzinfo=tz)
        end = datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=tz)
        return start.astimezone(UTC), end.astimezone(UTC)


def describe_days(first: date, last: date) -> str:
    """ "3 Nov 2026", "3 to 9 Nov 2026", "28 Oct to 3 Nov 2026", "30 Dec 2025 to 5 Jan 2026"."""
    if first == last:
        return f"{last.day} {last:%b %Y}"
    if first.year != last.year:
        return f"{first.day} {first:%b %Y} to {last.day} {last:%b %Y}"
    if first.month != last.month:
        return f"{first.day} {first:%b} to {last.day} {last:%b %Y}"
    return f"{first.day} to {last.day} {last:%b %Y}"


def preset_range(key: str, today: date) -> DateRange:
    days = PRESETS[key][1]
    return DateRange(first=today - timedelta(days=days - 1), last=today, preset=key)


def _parse_day(text: str, which: str, errors: dict[str, str], field: str) -> date | None:
    if not text:
        errors[field] = f"Enter the {which} day, such as 2026-11-01."
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or len(text) != 10:
        errors[field] = f"Enter the {which} day as year-month-day, such as 2026-11-01."
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors[field] = f"Enter a {which} day between the years {FIRST_YEAR} and {LAST_YEAR}."
        return None
    return day


def parse_date_range(
    args: Mapping[str, str], *, today: date, default: str | None = DEFAULT_PRESET
) -> DateRange | None:
    """The range a page's query asks for: ``range`` (a preset key, or ``custom``)
    and ``from``/``to`` (``YYYY-MM-DD``, both included, what a date input sends).

    Dates given without ``range`` are a custom range too. Nothing asked: the
    ``default`` preset, or None (no range) when ``default`` is None. An unknown
    ``range`` is treated as nothing asked. A custom range must have both days,
    the first on or before the last, and at most ``MAX_RANGE_DAYS`` days;
    otherwise ``ValidationError`` names each field's problem (``from``, ``to``).
    """
    key = (args.get("range") or "").strip()
    from_text = (args.get("from") or "").strip()
    to_text = (args.get("to") or "").strip()
    if key == CUSTOM or (key not in PRESETS and (from_text or to_text)):
        errors: dict[str, str] = {}
        first = _parse_day(from_text, "first", errors, "from")
        last = _parse_day(to_text, "last", errors, "to")
        if first and last:
            if first > last:
                errors["to"] = "The last day must be on or after the first day."
            elif (last - first).days + 1 > MAX_RANGE_DAYS:
                errors["to"] = f"Choose at most {MAX_RANGE_DAYS} days from the first day."
        if errors:
            raise ValidationError("Choose a valid date range.", errors=errors)
        return DateRange(first=first, last=last)
    if key in PRESETS:
        return preset_range(key, today)
    return preset_range(default, today) if default else None


# --- figures ------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """What a range sold: revenue, orders and units of its orders not cancelled."""

    revenue: Decimal
    orders: int
    units: int

    @property
    def average_order_value(self) -> Decimal | None:
        if not self.orders:
            return None
        return (self.revenue / self.orders).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Change:
    """One figure of the range beside the previous range's."""

    key: str
    label: str
    current: Decimal | int | None
    previous: Decimal | int | None
    is_money: bool

    @property
    def difference(self) -> Decimal | int | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def percent(self) -> Decimal | None:
        """The change in percent, one decimal; None when there was nothing before."""
        if self.difference is None or not self.previous:
            return None
        return (Decimal(self.difference) * 100 / Decimal(self.previous)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def direction(self) -> str:
        """ "up", "down" or "same"; "new" when the previous range had none of it;
        "none" when either range has no value (an average of no orders)."""
        if self.current is None or self.previous is None:
            return "none"
        if self.current == self.previous:
            return "same"
        if not self.previous:
            return "new"
        return "up" if self.current > self.previous else "down"


@dataclass(frozen=True)
class DailyRevenue:
    day: date
    revenue: Decimal
    orders: int


@dataclass(frozen=True)
class TopProduct:
    product_id: int
    name: str  # as sold: the name on its latest order line in the range
    revenue: Decimal
    units: int


@dataclass(frozen=True)
class Dashboard:
    range: DateRange
    previous_range: DateRange
    current: Figures
    previous: Figures
    changes: list[Change]
    daily: list[DailyRevenue]  # oldest first, one per day of the range
    top_by_revenue: list[TopProduct]
    top_by_units: list[TopProduct]
    waiting: list[tuple[str, int]]  # (status, orders) for each of WAITING_STATUSES
    low_stock: list[Product]
    low_stock_total: int
    low_stock_threshold: int
    latest_orders: list[Order]
    timezone: str


def _cents(column):
    """A money column as whole cents, an integer on every database."""
    return cast(func.round(column * 100), BigInteger)


def _cents_to_money(cents) -> Decimal:
    return (Decimal(int(cents or 0)) / 100).quantize(CENT)


def _sold_between(start: datetime, end: datetime):
    """The orders that count: placed in [start, end), not cancelled, and, when the
    shop counts revenue when paid (``REVENUE_BASIS=paid``), paid."""
    conditions = (Order.created_at >= start, Order.created_at < end, Order.status != "cancelled")
    if payments.revenue_counts_paid_only():
        conditions += (Order.payment_status == "paid",)
    return conditions


def compare_figures(date_range: DateRange, tz: ZoneInfo | None = None) -> tuple[Figures, Figures]:
    """The range's figures and the previous range's, in two queries."""
    tz = tz or shop_timezone()
    previous_start, _ = date_range.previous().bounds(tz)
    start, end = date_range.bounds(tz)
    now_range = Order.created_at >= start  # the rest of [previous_start, end) is the previous
    cents = _cents(Order.total_amount)
    money = db.session.execute(
        select(
            func.sum(case((now_range, cents), else_=0)),
            func.count(case((now_range, Order.id))),
            func.sum(case((now_range, 0), else_=cents)),
            func.count(case((now_range, None), else_=Order.id)),
        ).where(*_sold_between(previous_start, end))
    ).one()
    units = db.session.execute(
        select(
            func.sum(case((now_range, OrderItem.quantity), else_=0)),
            func.sum(case((now_range, 0), else_=OrderItem.quantity)),
        )
        .select_from(OrderItem)
        .join(Order, Order.id == OrderItem.order_id)
        .where(*_sold_between(previous_start, end))
    ).one()
    current = Figures(_cents_to_money(money[0]), int(money[1] or 0), int(units[0] or 0))
    previous = Figures(_cents_to_money(money[2]), int(money[3] or 0), int(units[1] or 0))
    return current, previous


def changes(current: Figures, previous: Figures) -> list[Change]:
    return [
        Change("revenue", "Revenue", current.revenue, previous.revenue, True),
        Change("orders", "Orders", current.orders, previous.orders, False),
        Change(
            "average",
            "Average order value",
            current.average_order_value,
            previous.average_order_value,
            True,
        ),
        Change("units", "Units sold", current.units, previous.units, False),
    ]


def _local_day(tz: ZoneInfo, at: datetime):
    """A SQL expression for the order's calendar day in ``tz``."""
    if db.engine.dialect.name == "postgresql":
        return cast(func.timezone(tz.key, Order.created_at), Date)
    # SQLite has no time-zone database: shift by the zone's offset at ``at``,
    # which is exact for zones without daylight saving time (UTC, Asia/Dhaka).
    offset = int(at.astimezone(tz).utcoffset().total_seconds())
    return func.date(Order.created_at, f"{offset:+d} seconds")


def daily_revenue(date_range: DateRange, tz: ZoneInfo | None = None) -> list[DailyRevenue]:
    """Revenue and order count per local day of the range, oldest first, zero for
    days without orders: one query, grouped by day."""
    tz = tz or shop_timezone()
    start, end = date_range.bounds(tz)
    placed = (
        select(_local_day(tz, end).label("day"), Order.total_amount)
        .where(*_sold_between(start, end))
        .subquery()
    )
    rows = db.session.execute(
        select(placed.c.day, func.sum(_cents(placed.c.total_amount)), func.count()).group_by(
            placed.c.day
        )
    ).all()

    by_day = {}
    for day, day_cents, count in rows:
        if isinstance(day, str):  # SQLite answers text
            day = date.fromisoformat(day)
        by_day[day] = (_cents_to_money(day_cents), int(count))
    result = []
    for n in range(date_range.days):
        day = date_range.first + timedelta(days=n)
        revenue, count = by_day.get(day, (Decimal("0.00"), 0))
        result.append(DailyRevenue(day=day, revenue=revenue, orders=count))
    return result


def top_products(
    date_range: DateRange, *, by: str, limit: int = TOP_PRODUCTS, tz: ZoneInfo | None = None
) -> list[TopProduct]:
    """The products that sold most in the range, ``by`` "revenue" or "units", in one query.

    Ties go to the product sold most by the other measure, then to the lower id.
    """
    tz = tz or shop_timezone()
    start, end = date_range.bounds(tz)
    revenue = func.sum(_cents(OrderItem.line_total)).label("revenue")
    units = func.sum(OrderItem.quantity).label("units")
    order = (revenue, units) if by == "revenue" else (units, revenue)
    top = (
        select(
            OrderItem.product_id,
            revenue,
            units,
            func.max(OrderItem.id).label("last_line"),
        )
        .join(Order, Order.id == OrderItem.order_id)
        .where(*_sold_between(start, end))
        .group_by(OrderItem.product_id)
        .order_by(order[0].desc(), order[1].desc(), OrderItem.product_id)
        .limit(limit)
        .subquery()
    )
    named = db.session.execute(
        select(top.c.product_id, OrderItem.product_name, top.c.revenue, top.c.units)
        .join(OrderItem, OrderItem.id == top.c.last_line)
        .order_by(
            *(
                (top.c.revenue.desc(), top.c.units.desc())
                if by == "revenue"
                else (top.c.units.desc(), top.c.revenue.desc())
            ),
            top.c.product_id,
        )
    ).all()
    return [
        TopProduct(product_id=pid, name=name, revenue=_cents_to_money(cents), units=int(count))
        for pid, name, cents, count in named
    ]


def waiting_orders() -> list[tuple[str, int]]:
    """How many orders wait in each of ``WAITING_STATUSES`` now, whatever their date."""
    counts = dict(
        db.session.execute(
            select(Order.status, func.count())
            .where(Order.status.in_(WAITING_STATUSES))
            .group_by(Order.status)
        ).all()
    )
    return [(status, int(counts.get(status, 0))) for status in WAITING_STATUSES]


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


def dashboard(
    date_range: DateRange | None = None,
    *,
    now: datetime | None = None,
    low_stock_threshold: int | None = None,
) -> Dashboard:
    """Everything the dashboard shows for ``date_range`` (default: the last 30 days
    as of ``now``), in nine queries whatever the number of orders."""
    tz = shop_timezone()
    if date_range is None:
        date_range = preset_range(DEFAULT_PRESET, shop_today(now=now, tz=tz))
    threshold = (
        low_stock_threshold if low_stock_threshold is not None else inventory.low_stock_threshold()
    )
    current, previous = compare_figures(date_range, tz)
    low, low_total = low_stock_products(threshold)
    return Dashboard(
        range=date_range,
        previous_range=date_range.previous(),
        current=current,
        previous=previous,
        changes=changes(current, previous),
        daily=daily_revenue(date_range, tz),
        top_by_revenue=top_products(date_range, by="revenue", tz=tz),
        top_by_units=top_products(date_range, by="units", tz=tz),
        waiting=waiting_orders(),
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
