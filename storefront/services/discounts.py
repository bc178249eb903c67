"""Discount codes: what the admins set up, whether a code may be used for an order,
and how much it takes off (exact, half-up to the cent once, never below zero)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import DISCOUNT_KINDS, DiscountCode, Order, utcnow
from ._sql import is_storable_id
from ._tx import transactional
from .errors import (
    Conflict,
    DiscountCustomerLimit,
    DiscountExhausted,
    DiscountExpired,
    DiscountMinimum,
    DiscountUnknown,
    NotFound,
    ValidationError,
)
from .money import display_money, parse_money, quantize

MAX_CODE = 50
MAX_LIMIT = 1_000_000_000
LIMIT_REFUSED = f"Enter a whole number from 1 to {MAX_LIMIT:,}, or nothing for no limit."
_HUNDRED = Decimal(100)


def normalize(code: str | None) -> str:
    return "".join((code or "").split()).upper()


def discount_amount(code: DiscountCode, subtotal: Decimal) -> Decimal:
    """What ``code`` takes off ``subtotal``: a percentage rounded half-up to the cent
    once, or a fixed amount; never more than the subtotal."""
    percent = code.kind == "percent"
    amount = quantize(subtotal * code.value / _HUNDRED) if percent else code.value
    return min(amount, subtotal)


def _find(code_text: str, *, lock: bool) -> DiscountCode:
    stmt = select(DiscountCode).where(DiscountCode.code == normalize(code_text))
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    code = db.session.scalar(stmt)
    if code is None or not code.is_active:
        raise DiscountUnknown(f"There is no discount code {normalize(code_text)!s}.")
    return code


def _uses_by(code: DiscountCode, user_id: int | None, guest_email: str | None = None) -> int:
    """The buyer's orders with the code: a customer's, or a guest's by email."""
    if user_id is not None:
        buyer = Order.user_id == user_id
    elif guest_email:
        buyer = Order.guest_email == guest_email
    else:
        return 0
    return db.session.scalar(
        select(func.count(Order.id)).where(Order.discount_code_id == code.id, buyer)
    )


def check_code(
    code: DiscountCode,
    user_id: int | None,
    subtotal: Decimal,
    *,
    now: datetime | None = None,
    guest_email: str | None = None,
) -> Decimal:
    """The discount ``code`` gives on ``subtotal`` for this buyer, or the refusal."""
    now = now or utcnow()
    if (code.starts_at and now < code.starts_at) or (code.ends_at and now >= code.ends_at):
        raise DiscountExpired(f"The code {code.code} is not valid now.")
    if code.usage_limit is not None and code.times_used >= code.usage_limit:
        raise DiscountExhausted(f"The code {code.code} has been used up.")
    if code.min_subtotal is not None and subtotal < code.min_subtotal:
        minimum = display_money(code.min_subtotal, current_app.config["CURRENCY"])
        raise DiscountMinimum(f"The code {code.code} needs an order of at least {minimum}.")
    if (
        code.per_customer_limit is not None
        and _uses_by(code, user_id, guest_email) >= code.per_customer_limit
    ):
        raise DiscountCustomerLimit(
            f"You have used the code {code.code} as many times as it allows."
        )
    return discount_amount(code, subtotal)


def preview(
    code_text: str, user_id: int | None, subtotal: Decimal, guest_email: str | None = None
) -> tuple[DiscountCode, Decimal]:
    """For a page or a cart: the code and its discount now, without counting a use."""
    code = _find(code_text, lock=False)
    return code, check_code(code, user_id, subtotal, guest_email=guest_email)


def lock_for_checkout(code_text: str) -> DiscountCode:
    """The code row, locked. Checkout takes it after the products (fixed order: cart,
    products by id, then the code), so two checkouts never wait on each other in a circle."""
    return _find(code_text, lock=True)


def count_use(code: DiscountCode) -> None:
    """One more use, on the locked row (the CHECK refuses going past the limit anyway)."""
    code.times_used += 1


# --- the admins' side -----------------------------------------------------------------


def list_codes() -> list[DiscountCode]:
    return list(db.session.scalars(select(DiscountCode).order_by(DiscountCode.code)))


def get_code(code_id: int) -> DiscountCode:
    code = db.session.get(DiscountCode, code_id) if is_storable_id(code_id) else None
    if code is None:
        raise NotFound("No such discount code.")
    return code


def _limit(value, field: str, errors: dict) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_LIMIT:
        errors[field] = LIMIT_REFUSED
        return None
    return value


def _clean(data: Mapping, current: DiscountCode | None) -> dict:
    errors: dict[str, str] = {}
    clean: dict = {}
    if "code" in data or current is None:
        code = normalize(data.get("code"))
        if not code:
            errors["code"] = "Enter a code, such as EID10."
        elif len(code) > MAX_CODE or not code.replace("-", "").replace("_", "").isalnum():
            errors["code"] = f"Use letters, digits, - and _ only, at most {MAX_CODE}."
        clean["code"] = code
    if "kind" in data or current is None:
        if data.get("kind") not in DISCOUNT_KINDS:
            errors["kind"] = "Choose percent or fixed."
        clean["kind"] = data.get("kind")
    if "value" in data or current is None:
        try:
            clean["value"] = parse_money(data.get("value"), field="value")
        except ValidationError as exc:
            errors.update(exc.errors)
    if "min_subtotal" in data:
        value = data.get("min_subtotal")
        try:
            clean["min_subtotal"] = (
                None if value in (None, "") else parse_money(value, field="min_subtotal")
            )
        except ValidationError as exc:
            errors.update(exc.errors)
    for name in ("starts_at", "ends_at"):
        if name in data:
            value = data.get(name)
            if value is not None and not isinstance(value, datetime):
                errors[name] = "Enter a date and time."
            elif value is not None and value.tzinfo is None:
                errors[name] = "Give the time zone, such as +06:00 or Z."
            elif value is not None and not 2000 <= value.year <= 9000:
                # Far dates overflow when turned to UTC, or the database's range.
                errors[name] = "Enter a date between the years 2000 and 9000."
            clean[name] = value
    for name in ("usage_limit", "per_customer_limit"):
        if name in data:
            clean[name] = _limit(data.get(name), name, errors)
    if "is_active" in data:
        clean["is_active"] = bool(data["is_active"])
    kind = clean.get("kind", current.kind if current else None)
    value = clean.get("value", current.value if current else None)
    if "value" not in errors and value is not None:
        if value <= 0:
            errors["value"] = "Enter an amount above zero."
        elif kind == "percent" and value > _HUNDRED:
            errors["value"] = "A percentage is at most 100."
    starts = clean.get("starts_at", current.starts_at if current else None)
    ends = clean.get("ends_at", current.ends_at if current else None)
    if starts and ends and ends <= starts and "ends_at" not in errors:
        errors["ends_at"] = "The end comes after the start."
    if errors:
        raise ValidationError("Check the discount code.", errors=errors)
    return clean


class DuplicateCode(Conflict):
    field = "code"


def _refuse_duplicate(code: str, own_id: int | None) -> None:
    other = db.session.scalar(select(DiscountCode.id).where(DiscountCode.code == code))
    if other is not None and other != own_id:
        raise DuplicateCode(f"There is already a code {code}.")


@transactional
def create_code(data: Mapping) -> DiscountCode:
    clean = _clean(data, None)
    _refuse_duplicate(clean["code"], None)
    code = DiscountCode(times_used=0, is_active=clean.pop("is_active", True), **clean)
    db.session.add(code)
    db.session.flush()
    return code


@transactional
def update_code(code_id: int, data: Mapping) -> DiscountCode:
    if not is_storable_id(code_id):
        raise NotFound("No such discount code.")
    code = db.session.scalar(
        select(DiscountCode).where(DiscountCode.id == code_id).with_for_update()
    )
    if code is None:
        raise NotFound("No such discount code.")
    clean = _clean(data, code)
    if "code" in clean:
        _refuse_duplicate(clean["code"], code.id)
    limit = clean.get("usage_limit", code.usage_limit)
    if limit is not None and limit < code.times_used:
        raise ValidationError(
            f"It has been used {code.times_used} times already.", field="usage_limit"
        )
    for name, value in clean.items():
        setattr(code, name, value)
    db.session.flush()
    return code


@transactional
def delete_code(code_id: int) -> None:
    """Delete a code no order used; a used one is deactivated (orders refer to it)."""
    code = get_code(code_id)
    used = db.session.scalar(select(Order.id).where(Order.discount_code_id == code.id).limit(1))
    if used is None:
        db.session.delete(code)
    else:
        code.is_active = False
    db.session.flush()
