"""Shipping methods: what the admins offer, and what a shopper may choose for an address."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from sqlalchemy import select

from ..extensions import db
from ..models import ShippingMethod
from ._sql import is_storable_id
from ._tx import transactional
from .addresses import COUNTRIES
from .errors import NotFound, ValidationError
from .money import parse_money

MAX_NAME = 100


def shipping_fee(method: ShippingMethod | None, subtotal: Decimal) -> Decimal:
    """The method's fee, or nothing when the subtotal (before any discount) reaches
    its free-shipping threshold."""
    if method is None:
        return Decimal("0.00")
    if method.free_over is not None and subtotal >= method.free_over:
        return Decimal("0.00")
    return method.fee


def ships_to(method: ShippingMethod, country: str | None) -> bool:
    """An unrestricted method ships anywhere; a restricted one only to its countries
    (and so not to an address whose country is unknown: free text)."""
    allowed = method.country_list
    return not allowed or (country is not None and country in allowed)


def list_methods(*, country: str | None = None, active_only: bool = True) -> list[ShippingMethod]:
    """Methods by fee then name; with ``country``, those that ship there."""
    stmt = select(ShippingMethod).order_by(
        ShippingMethod.fee, ShippingMethod.name, ShippingMethod.id
    )
    if active_only:
        stmt = stmt.where(ShippingMethod.is_active.is_(True))
    methods = list(db.session.scalars(stmt))
    if country is not None:
        methods = [m for m in methods if ships_to(m, country.upper())]
    return methods


def any_active() -> bool:
    return (
        db.session.scalar(
            select(ShippingMethod.id).where(ShippingMethod.is_active.is_(True)).limit(1)
        )
        is not None
    )


def get_method(method_id: int) -> ShippingMethod:
    method = db.session.get(ShippingMethod, method_id) if is_storable_id(method_id) else None
    if method is None:
        raise NotFound("No such shipping method.")
    return method


def choose_method(method_id: int | None, country: str | None) -> ShippingMethod | None:
    """The method a checkout ships with, checked: active and shipping to ``country``.

    Without any active method the shop charges no shipping and none is needed.
    """
    if method_id is None:
        if any_active():
            raise ValidationError("Choose how to ship the order.", field="shipping_method_id")
        return None
    method = db.session.get(ShippingMethod, method_id) if is_storable_id(method_id) else None
    if method is None or not method.is_active:
        raise ValidationError(
            "That shipping method is not offered: choose another.", field="shipping_method_id"
        )
    if not ships_to(method, country):
        where = COUNTRIES.get(country or "", "this address")
        raise ValidationError(
            f"{method.name} does not ship to {where}: choose another method.",
            field="shipping_method_id",
        )
    return method


def _clean(data: Mapping, *, partial: bool) -> dict:
    errors: dict[str, str] = {}
    clean: dict = {}
    if "name" in data or not partial:
        name = " ".join(str(data.get("name") or "").split())
        if not name:
            errors["name"] = "Enter a name, such as Standard delivery."
        elif len(name) > MAX_NAME:
            errors["name"] = f"Use at most {MAX_NAME} characters."
        clean["name"] = name
    if "fee" in data or not partial:
        try:
            clean["fee"] = parse_money(data.get("fee"), field="fee")
        except ValidationError as exc:
            errors.update(exc.errors)
    if "free_over" in data:
        value = data.get("free_over")
        if value is None or value == "":
            clean["free_over"] = None
        else:
            try:
                clean["free_over"] = parse_money(value, field="free_over")
            except ValidationError as exc:
                errors.update(exc.errors)
    if "countries" in data:
        raw = data.get("countries") or []
        if isinstance(raw, str):
            raw = raw.replace(",", " ").split()
        codes = [str(c).strip().upper() for c in raw if str(c).strip()]
        unknown = [c for c in codes if c not in COUNTRIES]
        if unknown:
            errors["countries"] = f"Not a country the shop ships to: {', '.join(unknown)}."
        clean["countries"] = ",".join(dict.fromkeys(codes))
    if "is_active" in data:
        clean["is_active"] = bool(data["is_active"])
    if errors:
        raise ValidationError("Check the shipping method.", errors=errors)
    return clean


@transactional
def create_method(data: Mapping) -> ShippingMethod:
    clean = {"free_over": None, "countries": "", "is_active": True, **_clean(data, partial=False)}
    method = ShippingMethod(**clean)
    db.session.add(method)
    db.session.flush()
    return method


@transactional
def update_method(method_id: int, data: Mapping) -> ShippingMethod:
    clean = _clean(data, partial=True)
    method = get_method(method_id)
    for name, value in clean.items():
        setattr(method, name, value)
    db.session.flush()
    return method


@transactional
def delete_method(method_id: int) -> None:
    """Really delete it: orders keep the name and fee they were shipped with."""
    db.session.delete(get_method(method_id))
    db.session.flush()
