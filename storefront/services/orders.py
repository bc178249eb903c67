"""Orders: the one checkout both faces use, and the status machine."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import (
    ORDER_STATUSES,
    Address,
    Cart,
    CartItem,
    IdempotencyKey,
    Order,
    OrderItem,
    OrderStatusChange,
    OutboxMessage,
    User,
)
from . import accounts, addresses, discounts, notifications, payments, pricing, shipping
from ._sql import LIKE_ESCAPE, contains_pattern, is_storable_id
from ._tx import transactional, write_transaction
from .cart import MAX_LINE_QUANTITY
from .errors import (
    AccountDeactivated,
    EmptyCart,
    IdempotencyKeyReused,
    InvalidTransition,
    NotAShopper,
    NotFound,
    OutOfStock,
    ProductUnavailable,
    Shortage,
    TotalChanged,
    ValidationError,
)
from .inventory import lock_variants, record_movement
from .money import MAX_AMOUNT, parse_money, quantize
from .pagination import Page, paginate
from .pricing import ZERO

# The status machine: what each status may become.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "pending": ("processing", "cancelled"),
    "processing": ("shipped", "cancelled"),
    "shipped": ("delivered",),
    "delivered": (),
    "cancelled": (),
}
CANCELLABLE = ("pending", "processing")
MAX_ADDRESS = 1000
MAX_NOTE = 1000
MAX_KEY = 255
MAX_TRACKING_NUMBER = 100


def allowed_transitions(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    created: bool  # False when an Idempotency-Key replayed an earlier order


def _fingerprint(shipping_address: str, note: str, **choices) -> str:
    """What the request asked for. Choices left out (None) are not written, so a
    request without them has the fingerprint it had before they existed."""
    body = {"shipping_address": shipping_address, "note": note}
    body.update({k: v for k, v in choices.items() if v is not None})
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _check_checkout_input(
    shipping_address: str | None,
    note: str,
    key: str | None,
    *,
    structured: bool = False,
    errors: dict | None = None,
) -> tuple[str, str]:
    errors = errors if errors is not None else {}
    shipping_address = (shipping_address or "").strip()
    note = (note or "").strip()
    if structured:
        if shipping_address:
            errors["shipping_address"] = "Send either an address or a shipping_address, not both."
    elif not shipping_address:
        errors["shipping_address"] = "Enter the address to ship to."
    elif len(shipping_address) > MAX_ADDRESS:
        errors["shipping_address"] = f"Use at most {MAX_ADDRESS} characters."
    if len(note) > MAX_NOTE:
        errors["note"] = f"Use at most {MAX_NOTE} characters."
    if key is not None and not 1 <= len(key) <= MAX_KEY:
        errors["idempotency_key"] = f"An idempotency key has 1 to {MAX_KEY} characters."
    if errors:
        raise ValidationError("Invalid checkout.", errors=errors)
    return shipping_address, note


def _check_payment_method(code: str | None, errors: dict) -> None:
    try:
        payments.choose(code)
    except ValidationError as exc:
        errors["payment_method"] = exc.message


def _replay(
    user_id: int | None, key: str, fingerprint: str, guest_email: str | None = None
) -> int | None:
    """The id of the order this key (a customer's, or a guest email's) already placed."""
    owner = (
        IdempotencyKey.user_id == user_id
        if user_id is not None
        else IdempotencyKey.guest_email == guest_email
    )
    record = db.session.scalar(select(IdempotencyKey).where(owner, IdempotencyKey.key == key))
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used for a different checkout."
        )
    return record.order_id


def place_order(
    user_id: int,
    shipping_address: str | None = None,
    note: str = "",
    idempotency_key: str | None = None,
    *,
    expected_total: Decimal | str | None = None,
    address: Mapping | None = None,
    address_id: int | None = None,
    save_address: bool = False,
    shipping_method_id: int | None = None,
    discount_code: str | None = None,
    payment_method: str | None = None,
) -> PlacedOrder:
    """Turn the customer's cart into an order, all or nothing.

    The customer's cart row is locked first (one checkout per customer at a
    time, so a double click meets the first order's idempotency key), then the
    products in ascending id order, so that checkouts serialize per product
    and never deadlock. Every shortage is reported, not just the first.

    The address is ``address`` (a mapping of ``addresses.ADDRESS_FIELDS``), or
    ``address_id`` (one of the buyer's saved addresses), or, as before
    structured addresses, ``shipping_address`` text. The order keeps a copy.

    With ``save_address``, a new ``address`` also goes into the buyer's
    address book (in the same transaction; a full book does not stop the order).

    ``shipping_method_id`` is required once the shop offers any method; its
    name and fee (free over its threshold) are copied onto the order.

    ``discount_code`` is matched without regard to case; its row is locked
    after the products (a fixed order) and its use counted in this
    transaction, so its limits hold under any concurrency. A refused code
    (``DiscountRefused``) orders nothing.

    ``expected_total`` is the total the shopper was shown: when the order
    would cost anything else (a price moved), nothing is ordered and
    ``TotalChanged`` carries the new figures.

    ``payment_method`` is one the shop enables (``payments``); None: its first.
    """
    structured = address is not None or address_id is not None
    errors: dict[str, str] = {}
    checked_address = None
    if address is not None and address_id is not None:
        errors["address_id"] = "Send either an address or an address_id, not both."
    elif address is not None:
        try:
            checked_address = addresses.check_address(address)
        except ValidationError as exc:
            errors.update({f"address.{k}": v for k, v in exc.errors.items()})
    _check_payment_method(payment_method, errors)
    shipping_address, note = _check_checkout_input(
        shipping_address, note, idempotency_key, structured=structured, errors=errors
    )
    if expected_total is not None and expected_total != "":
        expected_total = parse_money(expected_total, field="expected_total")
    else:
        expected_total = None
    fingerprint = _fingerprint(
        shipping_address,
        note,
        address=checked_address.as_dict() if checked_address else None,
        address_id=address_id,
        shipping_method_id=shipping_method_id,
        discount_code=discounts.normalize(discount_code) or None,
        payment_method=payment_method or None,
    )
    with write_transaction() as session:
        cart = session.scalar(select(Cart).where(Cart.user_id == user_id).with_for_update())
        buyer = session.get(User, user_id)
        if buyer is None or not buyer.is_active:
            # Invariant 6 holds here too, not only at the pages' and API's doors.
            raise AccountDeactivated("This account has been deactivated.")
        if buyer.role == "admin":
            raise NotAShopper()
        if idempotency_key is not None:
            replayed_id = _replay(user_id, idempotency_key, fingerprint)
            if replayed_id is not None:
                return PlacedOrder(order=get_order(replayed_id), created=False)
        items = (
            list(
                session.scalars(
                    select(CartItem)
                    .where(CartItem.cart_id == cart.id)
                    .order_by(CartItem.variant_id)
                    .execution_options(populate_existing=True)
                )
            )
            if cart is not None
            else []
        )
        if not items:
            raise EmptyCart("Your cart is empty.")
        if address_id is not None:
            saved = session.get(Address, address_id) if is_storable_id(address_id) else None
            if saved is None or saved.user_id != user_id:
                raise ValidationError("No such address in your address book.", field="address_id")
            checked_address = addresses.from_saved(saved)
        if checked_address is not None:
            shipping_address = checked_address.as_text()
        method = shipping.choose_method(
            shipping_method_id, checked_address.country if checked_address else None
        )
        order = _create_order(
            user_id=user_id,
            guest_email=None,
            lines=[(item.variant_id, item.quantity) for item in items],
            method=method,
            discount_code=discount_code,
            checked_address=checked_address,
            shipping_address=shipping_address,
            note=note,
            expected_total=expected_total,
            payment_method=payment_method,
        )
        for item in items:
            session.delete(item)
        if save_address and address is not None and checked_address is not None:
            addresses.remember_address(user_id, checked_address)
        if idempotency_key is not None:
            session.add(
                IdempotencyKey(
                    user_id=user_id, key=idempotency_key, fingerprint=fingerprint, order_id=order.id
                )
            )
        notifications.order_placed(order)
        placed = _as_written(order)
    return placed


def _as_written(order: Order) -> PlacedOrder:
    """The new order, lines and history as written, detached from the session so that
    the commit does not expire it: the answer is built without reading the order
    back (that was four queries a checkout)."""
    db.session.flush()
    db.session.expunge(order)  # with its lines and history (cascade "all")
    return PlacedOrder(order=order, created=True)


def _create_order(
    *,
    user_id: int | None,
    guest_email: str | None,
    lines: list[tuple[int, int]],
    method,
    discount_code: str | None,
    checked_address,
    shipping_address: str,
    note: str,
    expected_total: Decimal | None,
    payment_method: str | None = None,
) -> Order:
    """The heart of checkout, for a customer's cart or a guest's lines, inside the
    caller's transaction: lock the variants (ascending ids) and their products,
    refuse what is archived or short (every shortage), lock and check the discount
    code, price the order, write it with its lines, stock movements and first status,
    and count the code's use. ``lines`` are ``(variant_id, quantity)``."""
    session = db.session
    lines = sorted(lines)
    variants = lock_variants((variant_id for variant_id, _ in lines), with_options=True)
    # A variant deleted (never ordered, so really deleted) while we waited for
    # its lock is gone from the result: refuse cleanly rather than fail.
    vanished = [(vid, "a product no longer sold") for vid, _ in lines if vid not in variants]
    if vanished:
        raise ProductUnavailable(vanished)
    unavailable = [
        (v.product_id, v.name)
        for vid, _ in lines
        if not (v := variants[vid]).is_active or not v.product.is_active
    ]
    if unavailable:
        raise ProductUnavailable(unavailable)
    shortages = [
        Shortage(v.product_id, v.name, quantity, v.stock_quantity, variant_id=v.id)
        for vid, quantity in lines
        if quantity > (v := variants[vid]).stock_quantity
    ]
    if shortages:
        raise OutOfStock(shortages)
    code = (
        discounts.lock_for_checkout(discount_code) if discounts.normalize(discount_code) else None
    )
    quote = pricing.quote(
        ((variants[vid].unit_price, quantity) for vid, quantity in lines),
        method,
        (
            (
                lambda subtotal: discounts.check_code(
                    code, user_id, subtotal, guest_email=guest_email
                )
            )
            if code
            else ZERO
        ),
    )
    # Checked before writing: Numeric(12, 2) cannot hold more (PostgreSQL would
    # refuse with a database error; SQLite would store it regardless).
    if max(quote.subtotal, quote.total) > MAX_AMOUNT:
        raise ValidationError(
            f"An order can total at most {MAX_AMOUNT:,}; split this one into smaller orders.",
            field="cart",
        )
    if expected_total is not None and expected_total != quote.total:
        raise TotalChanged(quote, expected_total)

    provider = payments.choose(payment_method)
    order = Order(
        user_id=user_id,
        guest_email=guest_email,
        status="pending",
        payment_method=provider.code,
        payment_status="unpaid",
        subtotal=quote.subtotal,
        discount_amount=quote.discount_amount,
        shipping_fee=quote.shipping_fee,
        total_amount=quote.total,
        shipping_method=method.name if method else None,
        discount_code=code.code if code else None,
        discount_code_id=code.id if code else None,
        shipping_address=shipping_address,
        note=note,
        **(
            {f"address_{k}": v for k, v in checked_address.as_dict().items()}
            if checked_address
            else {}
        ),
    )
    # Built through its relationships, so the order holds its lines and history as
    # written (nothing is read back to show or mail it).
    order.items = [
        OrderItem(
            product_id=(variant := variants[vid]).product_id,
            variant_id=variant.id,
            product_name=variant.product.name,
            sku=variant.sku,
            variant_options=variant.options,
            quantity=quantity,
            price_at_time=variant.unit_price,
            line_total=pricing.line_total(variant.unit_price, quantity),
        )
        for vid, quantity in lines
    ]
    order.status_history = [
        OrderStatusChange(from_status=None, to_status="pending", changed_by_id=user_id)
    ]
    order.payment_history = []
    order.user = session.get(User, user_id) if user_id is not None else None
    session.add(order)
    session.flush()
    for vid, quantity in lines:
        record_movement(variants[vid], -quantity, "order", order_id=order.id, actor_id=user_id)
    if code is not None:
        discounts.count_use(code)
    provider.start(order)  # a gateway's hook; offline methods do nothing
    return order


# --- guest checkout ---------------------------------------------------------------

MAX_GUEST_LINES = 50
_GUEST_LINK_SALT = "storefront.guest-order"


def _guest_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_GUEST_LINK_SALT)


def guest_order_token(order: Order) -> str:
    """The signed part of a guest order's link: whoever holds it may see the order."""
    return _guest_signer().dumps({"order": order.id, "email": order.guest_email})


def get_guest_order(token: str) -> Order:
    """The guest order a link names (NotFound for a link that is not one of ours)."""
    try:
        claims = _guest_signer().loads(token or "")
        order_id, email = int(claims["order"]), str(claims["email"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("No such order.") from None
    order = get_order(order_id)
    if order.guest_email != email:
        raise NotFound("No such order.")
    return order


def _check_guest_lines(lines) -> list[tuple[int, int]]:
    checked: dict[int, int] = {}
    for variant_id, quantity in (lines or {}).items() if isinstance(lines, Mapping) else lines:
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ValidationError("Quantities are whole numbers, 1 or more.", field="items")
        if quantity > MAX_LINE_QUANTITY:
            raise ValidationError(f"At most {MAX_LINE_QUANTITY} of one product.", field="items")
        checked[int(variant_id)] = checked.get(int(variant_id), 0) + quantity
    if not checked:
        raise EmptyCart("Your cart is empty.")
    if len(checked) > MAX_GUEST_LINES:
        raise ValidationError(f"At most {MAX_GUEST_LINES} different products.", field="items")
    return sorted(checked.items())


def _lock_guest(email: str) -> None:
    """One checkout per guest email at a time (as a customer's cart row does for a
    customer), so a double submit meets the first order's idempotency key. SQLite's
    write lock already serializes every checkout."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:email))"), {"email": email})


def place_guest_order(
    email: str,
    lines,
    *,
    address: Mapping | None,
    shipping_method_id: int | None = None,
    discount_code: str | None = None,
    note: str = "",
    idempotency_key: str | None = None,
    expected_total: Decimal | str | None = None,
    payment_method: str | None = None,
) -> PlacedOrder:
    """A guest's order: an email and an address instead of an account, ``lines`` of
    ``{variant_id: quantity}`` (the guest's cart) instead of a cart row. The same
    locks, refusals, money and idempotency as ``place_order`` (``_create_order``);
    the idempotency key belongs to the email. The order is reached through
    ``guest_order_token``'s link, shown on the confirmation and mailed."""
    errors: dict[str, str] = {}
    try:
        email = accounts.check_email(email)
    except ValidationError as exc:
        errors["email"] = exc.message
    checked_address = None
    if address is None:
        errors["address"] = "Enter the address to ship to."
    else:
        try:
            checked_address = addresses.check_address(address)
        except ValidationError as exc:
            errors.update({f"address.{k}": v for k, v in exc.errors.items()})
    _check_payment_method(payment_method, errors)
    _, note = _check_checkout_input(None, note, idempotency_key, structured=True, errors=errors)
    checked_lines = _check_guest_lines(lines)
    if expected_total is not None and expected_total != "":
        expected_total = parse_money(expected_total, field="expected_total")
    else:
        expected_total = None
    fingerprint = _fingerprint(
        "",
        note,
        email=email,
        lines=checked_lines,
        address=checked_address.as_dict(),
        shipping_method_id=shipping_method_id,
        discount_code=discounts.normalize(discount_code) or None,
        payment_method=payment_method or None,
    )
    with write_transaction() as session:
        _lock_guest(email)
        if idempotency_key is not None:
            replayed_id = _replay(None, idempotency_key, fingerprint, guest_email=email)
            if replayed_id is not None:
                return PlacedOrder(order=get_order(replayed_id), created=False)
        method = shipping.choose_method(shipping_method_id, checked_address.country)
        order = _create_order(
            user_id=None,
            guest_email=email,
            lines=checked_lines,
            method=method,
            discount_code=discount_code,
            checked_address=checked_address,
            shipping_address=checked_address.as_text(),
            note=note,
            expected_total=expected_total,
            payment_method=payment_method,
        )
        if idempotency_key is not None:
            session.add(
                IdempotencyKey(
                    guest_email=email,
                    key=idempotency_key,
                    fingerprint=fingerprint,
                    order_id=order.id,
                )
            )
        notifications.order_placed(order)
        placed = _as_written(order)
    return placed


# --- a guest's orders join the account of the same email ------------------------

_CLAIM_SALT = "storefront.claim-guest-orders"
CLAIM_VALID_HOURS = 24


def _claim_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_CLAIM_SALT)


def guest_orders_for(user_id: int) -> int:
    """How many guest orders carry this customer's email and are not in the account."""
    user = db.session.get(User, user_id)
    if user is None:
        return 0
    return int(
        db.session.scalar(
            select(func.count(Order.id)).where(
                Order.user_id.is_(None), Order.guest_email == user.email
            )
        )
        or 0
    )


@transactional
def send_claim_link(user_id: int) -> OutboxMessage | None:
    """Mail the account's address a link that proves it is theirs; the link (opened
    logged in) adds the guest orders of that email to the account. None: none wait."""
    user = db.session.get(User, user_id)
    if user is None or not guest_orders_for(user_id):
        return None
    token = _claim_signer().dumps({"user": user.id, "email": user.email})
    return notifications.send(
        "claim_guest_orders",
        user.email,
        "Add your guest orders to your account",
        name=user.full_name,
        email=user.email,
        valid_hours=CLAIM_VALID_HOURS,
        claim_url=notifications.link("orders.claim_guest_orders", token=token),
    )


class InvalidClaimLink(ValidationError):
    code = "invalid_claim_link"

    def __init__(self):
        super().__init__(
            "This link is not valid any more, or is for another account: "
            "ask for a new one from your orders page.",
            field="token",
        )


def check_claim_link(user_id: int, token: str) -> str:
    """The email a claim link proves, if it was sent to this account and is fresh."""
    try:
        claims = _claim_signer().loads(token or "", max_age=CLAIM_VALID_HOURS * 3600)
        owner, email = int(claims["user"]), str(claims["email"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise InvalidClaimLink() from None
    user = db.session.get(User, user_id)
    if user is None or owner != user.id or email != user.email:
        raise InvalidClaimLink()
    return email


@transactional
def claim_guest_orders(user_id: int, token: str) -> int:
    """Add the guest orders of the link's email to the account; how many joined.
    Their ``guest_email`` stays (their links keep working)."""
    email = check_claim_link(user_id, token)
    result = db.session.execute(
        update(Order)
        .where(Order.user_id.is_(None), Order.guest_email == email)
        .values(user_id=user_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def order_discrepancies() -> list[dict]:
    """Orders whose money does not add up: ``total = subtotal - discount + shipping``,
    the subtotal is the sum of the lines, and each line is its price times its
    quantity. The database refuses the first by CHECK; the others only an audit sees.
    """
    lines = (
        select(OrderItem.order_id, func.sum(OrderItem.line_total).label("lines"))
        .group_by(OrderItem.order_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Order.id,
            Order.subtotal,
            Order.discount_amount,
            Order.shipping_fee,
            Order.total_amount,
            lines.c.lines,
        )
        .outerjoin(lines, lines.c.order_id == Order.id)
        .order_by(Order.id)
    )
    problems = []
    for order_id, subtotal, discount, ship_fee, total, line_sum in rows:
        reasons = []
        if not pricing.identity_holds(subtotal, discount, ship_fee, total):
            reasons.append(
                f"total {total} is not subtotal {subtotal} - discount {discount} "
                f"+ shipping {ship_fee}"
            )
        line_sum = quantize(Decimal(line_sum or 0))
        if line_sum != quantize(Decimal(subtotal)):
            reasons.append(f"subtotal {subtotal} is not the sum of its lines {line_sum}")
        if reasons:
            problems.append({"order_id": order_id, "reasons": reasons})
    bad_lines = db.session.execute(
        select(
            OrderItem.order_id,
            OrderItem.id,
            OrderItem.price_at_time,
            OrderItem.quantity,
            OrderItem.line_total,
        ).order_by(OrderItem.order_id, OrderItem.id)
    )
    by_order = {p["order_id"]: p for p in problems}
    for order_id, item_id, price, quantity, total in bad_lines:
        if pricing.line_total(price, quantity) != quantize(Decimal(total)):
            problem = by_order.setdefault(order_id, {"order_id": order_id, "reasons": []})
            if problem not in problems:
                problems.append(problem)
            problem["reasons"].append(
                f"line {item_id}: {quantity} x {price} is not its total {total}"
            )
    return sorted(problems, key=lambda p: p["order_id"])


def _order_query():
    return select(Order).options(
        selectinload(Order.items),
        selectinload(Order.status_history),
        selectinload(Order.payment_history),
        joinedload(Order.user),
    )


def get_order(order_id: int, *, owner_id: int | None = None) -> Order:
    """An order with its items and history; with ``owner_id``, only that customer's."""
    if not is_storable_id(order_id):
        raise NotFound("No such order.")
    order = db.session.scalar(_order_query().where(Order.id == order_id))
    if order is None or (owner_id is not None and order.user_id != owner_id):
        raise NotFound("No such order.")
    return order


def list_orders(
    *,
    user_id: int | None = None,
    status: str | None = None,
    customer: str | None = None,
    placed_from: datetime | None = None,
    placed_before: datetime | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[Order]:
    """Orders newest first, by customer id, status, customer email/name text, and
    when they were placed (from ``placed_from`` included to ``placed_before`` excluded)."""
    stmt = select(Order).options(selectinload(Order.items), joinedload(Order.user))
    if user_id is not None:
        stmt = stmt.where(Order.user_id == user_id)
    if placed_from is not None:
        stmt = stmt.where(Order.created_at >= placed_from)
    if placed_before is not None:
        stmt = stmt.where(Order.created_at < placed_before)
    if status:
        if status not in ORDER_STATUSES:
            raise ValidationError(f"Status is one of: {', '.join(ORDER_STATUSES)}.", field="status")
        stmt = stmt.where(Order.status == status)
    if customer:
        pattern = contains_pattern(customer.strip())
        # A customer by email or name; a guest by the email and name on the order.
        stmt = stmt.outerjoin(User, User.id == Order.user_id).where(
            func.lower(User.email).like(pattern, escape=LIKE_ESCAPE)
            | func.lower(User.full_name).like(pattern, escape=LIKE_ESCAPE)
            | func.lower(Order.guest_email).like(pattern, escape=LIKE_ESCAPE)
            | func.lower(Order.address_full_name).like(pattern, escape=LIKE_ESCAPE)
        )
    stmt = stmt.order_by(Order.created_at.desc(), Order.id.desc())
    return paginate(stmt, page, per_page)


def lock_order(order_id: int) -> Order:
    """The order, locked for this transaction (NotFound for an id no order has)."""
    if not is_storable_id(order_id):
        raise NotFound("No such order.")
    order = db.session.scalar(
        select(Order)
        .where(Order.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if order is None:
        raise NotFound("No such order.")
    return order


def _record_status(order: Order, new_status: str, actor_id: int | None) -> None:
    db.session.add(
        OrderStatusChange(
            order_id=order.id,
            from_status=order.status,
            to_status=new_status,
            changed_by_id=actor_id,
        )
    )
    order.status = new_status
    # The customer's email joins this transaction: no notice for a change that rolls back.
    notifications.order_status_changed(order, actor_id)


def _cancel_locked(order: Order, actor_id: int | None) -> None:
    if order.status not in CANCELLABLE:
        raise InvalidTransition(f"An order that is {order.status} can no longer be cancelled.")
    items = list(db.session.scalars(select(OrderItem).where(OrderItem.order_id == order.id)))
    variants = lock_variants(item.variant_id for item in items)
    for item in sorted(items, key=lambda i: i.variant_id):
        record_movement(
            variants[item.variant_id], item.quantity, "cancel", order_id=order.id, actor_id=actor_id
        )
    # Incremented in SQL, not read and written back: two cancellations of the
    # same customer's orders at once must both count.
    db.session.execute(
        update(User)
        .where(User.id == order.user_id)
        .values(order_cancellation_count=User.order_cancellation_count + 1)
        .execution_options(synchronize_session=False)
    )
    _record_status(order, "cancelled", actor_id)


def _check_tracking_number(new_status: str, tracking_number: str | None) -> str | None:
    tracking_number = (tracking_number or "").strip() or None
    if tracking_number is None:
        return None
    if new_status != "shipped":
        raise ValidationError("A tracking number goes with shipping only.", field="tracking_number")
    if len(tracking_number) > MAX_TRACKING_NUMBER:
        raise ValidationError(
            f"Use at most {MAX_TRACKING_NUMBER} characters.", field="tracking_number"
        )
    return tracking_number


def change_order_status(
    order_id: int,
    new_status: str,
    actor_id: int | None = None,
    tracking_number: str | None = None,
) -> Order:
    """An admin moves an order along the status machine; cancelling restocks.

    Shipping may carry a tracking number, which the customer's notice gives.
    """
    if new_status not in ORDER_STATUSES:
        raise ValidationError(f"Status is one of: {', '.join(ORDER_STATUSES)}.", field="status")
    tracking_number = _check_tracking_number(new_status, tracking_number)
    with write_transaction():
        order = lock_order(order_id)
        if new_status not in allowed_transitions(order.status):
            raise InvalidTransition(f"An order that is {order.status} cannot become {new_status}.")
        if tracking_number is not None:
            order.tracking_number = tracking_number
        if new_status == "cancelled":
            _cancel_locked(order, actor_id)
        else:
            _record_status(order, new_status, actor_id)
        db.session.flush()
    return get_order(order_id)


def cancel_order(order_id: int, actor_id: int, *, as_admin: bool = False) -> Order:
    """The owner (or an admin) cancels before shipping: stock comes back."""
    with write_transaction():
        order = lock_order(order_id)
        if not as_admin and order.user_id != actor_id:
            raise NotFound("No such order.")
        _cancel_locked(order, actor_id)
        db.session.flush()
    return get_order(order_id)
