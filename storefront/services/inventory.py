"""Inventory: every change of stock goes through here and writes the ledger."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import Product, StockMovement
from . import stock_alerts
from ._sql import is_storable_id
from ._tx import transactional
from .errors import Conflict, NotFound, ValidationError
from .pagination import Page, paginate

# The most stock an admin may set or adjust a product to; the column (a
# PostgreSQL ``integer``) could hold at most 2**31 - 1 whatever happens.
MAX_STOCK = 1_000_000_000
_MAX_STORABLE = 2**31 - 1


class InsufficientStock(Conflict):
    field = "delta"


class StockLimitExceeded(Conflict):
    field = "delta"


def low_stock_threshold() -> int:
    """At or below this many, a product is low on stock ("only 3 left", the admin's list)."""
    return int(current_app.config.get("LOW_STOCK_THRESHOLD", 5))


def stock_level(product: Product) -> str:
    """``"out"`` (archived or none left), ``"low"`` (at or below the threshold) or ``"in"``."""
    if not product.is_active or product.stock_quantity <= 0:
        return "out"
    if product.stock_quantity <= low_stock_threshold():
        return "low"
    return "in"


def lock_products(product_ids) -> dict[int, Product]:
    """Lock products in ascending id order so that concurrent writers never deadlock.

    ``populate_existing`` refreshes objects the session already holds, so the
    stock read is the one the lock protects.
    """
    ids = sorted({i for i in product_ids if is_storable_id(i)})
    if not ids:
        return {}
    stmt = (
        select(Product)
        .where(Product.id.in_(ids))
        .order_by(Product.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {p.id: p for p in db.session.scalars(stmt)}


def record_movement(
    product: Product,
    delta: int,
    reason: str,
    *,
    order_id: int | None = None,
    actor_id: int | None = None,
    note: str = "",
    limit: int = _MAX_STORABLE,
) -> StockMovement:
    """Apply ``delta`` to a locked product and write its ledger row (no commit).

    The stock may not go below zero, nor above ``limit``.
    """
    new_stock = product.stock_quantity + delta
    if new_stock < 0:
        raise InsufficientStock(
            f"{product.name} has {product.stock_quantity} in stock; "
            f"removing {-delta} would go below zero."
        )
    if new_stock > limit:
        raise StockLimitExceeded(
            f"{product.name} has {product.stock_quantity} in stock; "
            f"adding {delta} would go above the most a product can have ({limit:,})."
        )
    back_in_stock = product.stock_quantity <= 0 < new_stock
    product.stock_quantity = new_stock
    if back_in_stock:
        # Every path that restocks comes here: the waiting addresses are told
        # in this transaction, so a restock that rolls back tells no one.
        stock_alerts.product_back_in_stock(product)
    movement = StockMovement(
        product_id=product.id,
        delta=delta,
        reason=reason,
        order_id=order_id,
        actor_id=actor_id,
        stock_after=new_stock,
        note=note,
    )
    db.session.add(movement)
    return movement


@transactional
def adjust_stock(product_id: int, delta: int, note: str, actor_id: int | None = None) -> Product:
    """An admin's correction: a signed, non-zero delta with a note saying why."""
    errors = {}
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0:
        errors["delta"] = "Enter a whole number other than zero (negative to remove)."
    elif abs(delta) > MAX_STOCK:
        errors["delta"] = f"Change the stock by at most {MAX_STOCK:,} at a time."
    note = (note or "").strip()
    if not note:
        errors["note"] = "Say why the stock changes."
    if errors:
        raise ValidationError("Invalid stock adjustment.", errors=errors)
    product = lock_products([product_id]).get(product_id)
    if product is None:
        raise NotFound("No such product.")
    record_movement(product, delta, "adjustment", actor_id=actor_id, note=note, limit=MAX_STOCK)
    db.session.flush()
    return product


def list_movements(product_id: int, page: int = 1, per_page: int = 20) -> Page[StockMovement]:
    if not is_storable_id(product_id) or db.session.get(Product, product_id) is None:
        raise NotFound("No such product.")
    stmt = (
        select(StockMovement)
        .where(StockMovement.product_id == product_id)
        .order_by(StockMovement.id.desc())
    )
    return paginate(stmt, page, per_page)


def stock_discrepancies() -> list[dict]:
    """Products that break invariant 1 (stock below zero) or 2 (stock = ledger sum)."""
    ledger = (
        select(StockMovement.product_id, func.sum(StockMovement.delta).label("total"))
        .group_by(StockMovement.product_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Product.id, Product.name, Product.stock_quantity, ledger.c.total)
        .outerjoin(ledger, ledger.c.product_id == Product.id)
        .order_by(Product.id)
    )
    problems = []
    for product_id, name, stock, total in rows:
        ledger_sum = int(total or 0)
        if stock < 0 or stock != ledger_sum:
            problems.append(
                {"product_id": product_id, "name": name, "stock": stock, "ledger_sum": ledger_sum}
            )
    return problems
