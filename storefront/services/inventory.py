"""Inventory: every change of stock goes through here and writes the ledger."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Product, ProductVariant, StockMovement
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


def lock_variants(variant_ids, *, with_options: bool = False) -> dict[int, ProductVariant]:
    """Lock variants in ascending id order, then their products in ascending id order.

    Every writer of stock takes its locks in this order (variants, then
    products), so concurrent writers never deadlock; a product's lock guards
    its stock sum and price range, kept in the same transaction.

    ``with_options``: the products' options come in one more query (not one per
    product), for a caller that names its variants ("Tee (M / Blue)"); none when no
    variant has an option value (a product without options: nothing to name).
    """
    variants = _lock_rows(ProductVariant, variant_ids)
    named = with_options and any(v.option_values for v in variants.values())
    loaders = (selectinload(Product.options),) if named else ()
    products = lock_products((v.product_id for v in variants.values()), *loaders)
    # Each variant holds its locked product (the session keeps unchanged rows only
    # weakly: a product nobody held was read again, options and all, on first use).
    for variant in variants.values():
        set_committed_value(variant, "product", products[variant.product_id])
    return variants


def lock_product_variants(product_id: int) -> tuple[Product | None, list[ProductVariant]]:
    """Lock every variant of one product (ascending ids), then the product."""
    if not is_storable_id(product_id):
        return None, []
    ids = db.session.scalars(
        select(ProductVariant.id).where(ProductVariant.product_id == product_id)
    ).all()
    variants = lock_variants(ids)
    product = lock_products([product_id]).get(product_id)
    return product, sorted(variants.values(), key=lambda v: (v.position, v.id))


def lock_products(product_ids, *loaders) -> dict[int, Product]:
    """Lock products in ascending id order so that concurrent writers never deadlock;
    ``loaders`` (SQLAlchemy loader options) bring what the caller will read with them."""
    return _lock_rows(Product, product_ids, *loaders)


def _lock_rows(model, row_ids, *loaders) -> dict:
    """``SELECT ... FOR UPDATE`` of rows in ascending id order, by id.

    ``populate_existing`` refreshes objects the session already holds, so the
    stock read is the one the lock protects.
    """
    ids = sorted({i for i in row_ids if is_storable_id(i)})
    if not ids:
        return {}
    stmt = (
        select(model)
        .where(model.id.in_(ids))
        .order_by(model.id)
        .with_for_update()
        .options(*loaders)
        .execution_options(populate_existing=True)
    )
    return {row.id: row for row in db.session.scalars(stmt)}


def record_movement(
    variant: ProductVariant,
    delta: int,
    reason: str,
    *,
    order_id: int | None = None,
    actor_id: int | None = None,
    note: str = "",
    limit: int = _MAX_STORABLE,
) -> StockMovement:
    """Apply ``delta`` to a locked variant (and its locked product's sum) and
    write its ledger row (no commit).

    The stock may not go below zero, nor above ``limit``.
    """
    product = variant.product
    new_stock = variant.stock_quantity + delta
    if new_stock < 0:
        raise InsufficientStock(
            f"{variant.name} has {variant.stock_quantity} in stock; "
            f"removing {-delta} would go below zero."
        )
    if new_stock > limit or product.stock_quantity + delta > _MAX_STORABLE:
        raise StockLimitExceeded(
            f"{variant.name} has {variant.stock_quantity} in stock; "
            f"adding {delta} would go above the most a product can have ({limit:,})."
        )
    back_in_stock = product.stock_quantity <= 0 < product.stock_quantity + delta
    variant.stock_quantity = new_stock
    product.stock_quantity += delta
    if back_in_stock:
        # Every path that restocks comes here: the waiting addresses are told
        # in this transaction, so a restock that rolls back tells no one.
        stock_alerts.product_back_in_stock(product)
    movement = StockMovement(
        product_id=product.id,
        variant_id=variant.id,
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
def adjust_stock(
    product_id: int,
    delta: int,
    note: str,
    actor_id: int | None = None,
    *,
    variant_id: int | None = None,
) -> Product:
    """An admin's correction: a signed, non-zero delta with a note saying why.

    ``variant_id`` names the variant; it may be left out for a product with one.
    """
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
    product, variants = lock_product_variants(product_id)
    if product is None:
        raise NotFound("No such product.")
    variant = pick_variant(variants, variant_id)
    record_movement(variant, delta, "adjustment", actor_id=actor_id, note=note, limit=MAX_STOCK)
    db.session.flush()
    return product


class VariantRequired(ValidationError):
    code = "variant_required"

    def __init__(self):
        super().__init__("This product comes in several variants: choose one.", field="variant_id")


def pick_variant(variants: list[ProductVariant], variant_id: int | None) -> ProductVariant:
    """The variant of these named by ``variant_id``; without one, the only variant."""
    if variant_id is None:
        if len(variants) != 1:
            raise VariantRequired()
        return variants[0]
    for variant in variants:
        if variant.id == variant_id:
            return variant
    raise NotFound("No such variant of this product.", field="variant_id")


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
    """What breaks invariant 1 (stock below zero) or 2 (a variant's stock is its
    ledger's sum; a product's stock is its variants' sum; every product has a variant)."""
    ledger = (
        select(StockMovement.variant_id, func.sum(StockMovement.delta).label("total"))
        .group_by(StockMovement.variant_id)
        .subquery()
    )
    problems = []
    rows = db.session.execute(
        select(
            ProductVariant.product_id,
            ProductVariant.id,
            ProductVariant.sku,
            ProductVariant.stock_quantity,
            ledger.c.total,
        )
        .outerjoin(ledger, ledger.c.variant_id == ProductVariant.id)
        .order_by(ProductVariant.id)
    )
    for product_id, variant_id, sku, stock, total in rows:
        ledger_sum = int(total or 0)
        if stock < 0 or stock != ledger_sum:
            problems.append(
                {
                    "product_id": product_id,
                    "variant_id": variant_id,
                    "name": f"variant {sku}",
                    "stock": stock,
                    "ledger_sum": ledger_sum,
                    "problem": "stock is not its ledger's sum",
                }
            )
    sums = (
        select(
            ProductVariant.product_id,
            func.sum(ProductVariant.stock_quantity).label("total"),
            func.count(ProductVariant.id).label("variants"),
        )
        .group_by(ProductVariant.product_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Product.id, Product.name, Product.stock_quantity, sums.c.total, sums.c.variants)
        .outerjoin(sums, sums.c.product_id == Product.id)
        .order_by(Product.id)
    )
    for product_id, name, stock, total, count in rows:
        variant_sum = int(total or 0)
        if stock < 0 or stock != variant_sum or not count:
            problems.append(
                {
                    "product_id": product_id,
                    "variant_id": None,
                    "name": name,
                    "stock": stock,
                    "ledger_sum": variant_sum,
                    "problem": "no variant" if not count else "stock is not its variants' sum",
                }
            )
    return problems
