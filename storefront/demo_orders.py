"""Past orders for the demo shop (``flask --app wsgi seed-demo-orders``), so that a
first ``make run`` shows a dashboard with weeks of sales rather than a flat line.

Each order is placed by a demo customer through the real checkout
(``cart.add_to_cart`` then ``orders.place_order``) and moved along the real
status machine, so stock, the stock ledger and the order's money are exactly
what a shop's would be (``check-stock`` and ``check-orders`` pass). Only then,
in the same transaction, are its rows dated in the past: the order, its status
changes and its stock movements. This is a seeding helper's own step; the
order service offers no way to choose an order's date.

The demo customers are made-up people at example.com: the notices their orders
would send are dropped in the same transaction rather than queued.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, update

from .extensions import db
from .models import (
    Order,
    OrderStatusChange,
    OutboxMessage,
    Product,
    ProductVariant,
    StockMovement,
    User,
)
from .services import accounts, cart, orders, shipping
from .services._tx import write_transaction

DEMO_CUSTOMERS = (
    ("Nadia Rahman", "nadia.rahman@example.com", "House 7, Road 3", "Dhanmondi", "Dhaka", "1205"),
    ("Tanvir Ahmed", "tanvir.ahmed@example.com", "Flat 4B, 12 Lake Road", "", "Dhaka", "1212"),
    ("Farhana Akter", "farhana.akter@example.com", "22 College Road", "", "Chattogram", "4203"),
    ("Rafiq Islam", "rafiq.islam@example.com", "9 Zindabazar", "", "Sylhet", "3100"),
    ("Sumaiya Khan", "sumaiya.khan@example.com", "51 Shaheb Bazar", "", "Rajshahi", "6100"),
    ("Imran Hossain", "imran.hossain@example.com", "3 KDA Avenue", "", "Khulna", "9100"),
)
ORDERS = 60
DAYS = 90

# (status, the delays after placing at which it moved there), chosen by the order's age.
_PATHS = {
    "pending": (),
    "processing": (("processing", timedelta(hours=3)),),
    "shipped": (("processing", timedelta(hours=3)), ("shipped", timedelta(days=1))),
    "delivered": (
        ("processing", timedelta(hours=3)),
        ("shipped", timedelta(days=1)),
        ("delivered", timedelta(days=3)),
    ),
    "cancelled": (("cancelled", timedelta(hours=5)),),
}


@dataclass(frozen=True)
class SeededOrders:
    created: int
    skipped: int  # moments when no product in the catalog had stock left


def _status_for(age: timedelta, rng: random.Random) -> str:
    """What an order of this age has become, as in a shop that keeps up."""
    roll = rng.random()
    if age < timedelta(hours=6):
        return "pending"
    if age < timedelta(days=1):
        return "pending" if roll < 0.5 else "processing"
    if age < timedelta(days=4):
        return "cancelled" if roll < 0.1 else "processing" if roll < 0.5 else "shipped"
    if age < timedelta(days=14):
        return "cancelled" if roll < 0.12 else "shipped" if roll < 0.4 else "delivered"
    return "cancelled" if roll < 0.12 else "delivered"


def demo_customers() -> list[User]:
    """The demo customers, registered the first time (with passwords nobody knows)."""
    found = {
        u.email: u
        for u in db.session.scalars(
            select(User).where(User.email.in_([c[1] for c in DEMO_CUSTOMERS]))
        )
    }
    customers = []
    for full_name, email, *_ in DEMO_CUSTOMERS:
        user = found.get(email) or accounts.register(email, secrets.token_urlsafe(16), full_name)
        customers.append(user)
    return customers


def _address(index: int) -> dict:
    full_name, _email, line1, line2, city, postal_code = DEMO_CUSTOMERS[index]
    return {
        "full_name": full_name,
        "phone": f"+880 171{index}-34567{index}",
        "line1": line1,
        "line2": line2,
        "city": city,
        "region": "",
        "postal_code": postal_code,
        "country": "BD",
    }


def _moments(count: int, days: int, now: datetime, rng: random.Random) -> list[datetime]:
    """``count`` moments in the last ``days`` days, oldest first, more of them lately
    (a shop that grows), during the day, never in the future."""
    moments = []
    for _ in range(count):
        days_ago = int(days * rng.random() ** 1.4)
        day = now - timedelta(days=days_ago)
        moment = day.replace(hour=rng.randrange(8, 22), minute=rng.randrange(60), second=0)
        if moment > now - timedelta(minutes=10):
            moment = now - timedelta(minutes=rng.randrange(10, 120))
        moments.append(moment)
    return sorted(moments)


def _date_in_the_past(order_id: int, placed_at: datetime, now: datetime) -> None:
    """Move the order's rows to when it was placed and when its status moved."""
    latest = now - timedelta(minutes=1)
    changes = list(
        db.session.scalars(
            select(OrderStatusChange)
            .where(OrderStatusChange.order_id == order_id)
            .order_by(OrderStatusChange.id)
        )
    )
    path = dict(_PATHS.get(changes[-1].to_status, ()))
    when = {}
    for change in changes:
        moment = placed_at + path.get(change.to_status, timedelta(0))
        when[change.to_status] = min(moment, latest)
        change.created_at = change.updated_at = when[change.to_status]
    last_change = max(when.values())
    db.session.execute(
        update(Order)
        .where(Order.id == order_id)
        .values(created_at=placed_at, updated_at=last_change)
    )
    # The sale's movements when it was placed; a cancellation's return when it was cancelled.
    for movement in db.session.scalars(
        select(StockMovement).where(StockMovement.order_id == order_id)
    ):
        moment = when.get("cancelled", placed_at) if movement.delta > 0 else placed_at
        movement.created_at = movement.updated_at = moment


def _every_status_shown(plan: list, now: datetime) -> None:
    """The demo shows every status whatever the time of day it is seeded: when chance
    left pending or processing out, the youngest order that could be in it takes it
    (processing: placed 6 hours ago or more)."""
    shown = {status for _, status in plan}
    if "pending" not in shown and plan:
        youngest = max(range(len(plan)), key=lambda i: plan[i][0])
        plan[youngest] = (plan[youngest][0], "pending")
        shown = {status for _, status in plan}
    if "processing" not in shown:
        candidates = [i for i, (m, s) in enumerate(plan) if now - m >= timedelta(hours=6)]
        if candidates:
            youngest = max(candidates, key=lambda i: plan[i][0])
            plan[youngest] = (plan[youngest][0], "processing")


def seed_past_orders(
    count: int = ORDERS, days: int = DAYS, *, seed: int = 13, now: datetime | None = None
) -> SeededOrders:
    """Place ``count`` orders from the demo customers, dated over the last ``days`` days."""
    rng = random.Random(seed)
    # What goes in each basket draws from its own generator, so the catalog's shape
    # (how many variants are in stock) never changes the dates and statuses.
    basket = random.Random(seed + 1)
    now = now or datetime.now(UTC)
    customers = demo_customers()
    emails = [c.email for c in customers]
    created = skipped = 0
    plan = [(moment, _status_for(now - moment, rng)) for moment in _moments(count, days, now, rng)]
    _every_status_shown(plan, now)
    for moment, status in plan:
        in_stock = list(
            db.session.scalars(
                select(ProductVariant)
                .join(ProductVariant.product)
                .where(
                    Product.is_active.is_(True),
                    ProductVariant.is_active.is_(True),
                    ProductVariant.stock_quantity > 0,
                )
                .order_by(ProductVariant.id)
            )
        )
        if not in_stock:
            skipped += 1
            continue
        index = basket.randrange(len(customers))
        buyer = customers[index]
        address = _address(index)
        picks = basket.sample(in_stock, k=min(len(in_stock), basket.choice((1, 1, 1, 2, 2, 3))))
        methods = shipping.list_methods(country=address["country"])
        with write_transaction():
            cart.clear_cart(buyer.id)
            for variant in picks:
                quantity = min(variant.stock_quantity, basket.choice((1, 1, 1, 2, 2, 3)))
                cart.add_to_cart(buyer.id, variant.id, quantity)
            placed = orders.place_order(
                buyer.id,
                address=address,
                shipping_method_id=basket.choice(methods).id if methods else None,
            ).order
            for next_status, _delay in _PATHS[status]:
                tracking = f"DEMO{placed.id:06d}" if next_status == "shipped" else None
                orders.change_order_status(placed.id, next_status, tracking_number=tracking)
            _date_in_the_past(placed.id, moment, now)
            db.session.execute(delete(OutboxMessage).where(OutboxMessage.to_address.in_(emails)))
        created += 1
    return SeededOrders(created=created, skipped=skipped)


def store_has_orders() -> bool:
    return bool(db.session.scalar(select(func.count(Order.id))))
