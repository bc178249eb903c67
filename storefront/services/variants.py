"""Options and variants: what a product comes in, and what is sold and stocked.

A product has zero to ``MAX_OPTIONS`` options (Size: S, M, L) and one variant
per combination of their values; a product without options has exactly one
variant. A variant's stock moves only through ``inventory.record_movement``
(the ledger); this module keeps the product's derived figures: its stock is
the sum of its variants' (kept by ``record_movement``) and its ``min_price``
the lowest price of its active variants (kept here, by ``refresh_price``).

Locks: variants in ascending id order, then the product (``inventory``), the
order every writer of stock follows.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

from sqlalchemy import delete, exists, func, select, update

from ..extensions import db
from ..models import (
    OPTION_KEY_SEPARATOR,
    CartItem,
    OrderItem,
    Product,
    ProductImage,
    ProductOption,
    ProductVariant,
    StockMovement,
)
from ._sql import is_storable_id
from ._tx import transactional
from .errors import Conflict, NotFound, ValidationError
from .inventory import MAX_STOCK, lock_product_variants, record_movement
from .money import parse_money

MAX_OPTIONS = 3
MAX_VALUES = 20
MAX_VARIANTS = 100
MAX_NAME = 50
MAX_SKU = 64
_SKU_ALLOWED = re.compile(r"^[A-Z0-9][A-Z0-9._/-]*$")


def option_key(values: Iterable[str]) -> str:
    return OPTION_KEY_SEPARATOR.join(values)


def normalize_sku(raw) -> str:
    return str(raw or "").strip().upper()


def check_sku(sku: str) -> str | None:
    """A message when ``sku`` is not one (letters, digits, . _ / -), else None."""
    if not sku:
        return "Enter a SKU."
    if len(sku) > MAX_SKU:
        return f"A SKU has at most {MAX_SKU} characters."
    if not _SKU_ALLOWED.match(sku):
        return "A SKU uses letters, digits and . _ / - only, starting with a letter or digit."
    return None


def _sku_taken(sku: str, except_id: int | None = None) -> bool:
    stmt = select(ProductVariant.id).where(ProductVariant.sku == sku)
    if except_id is not None:
        stmt = stmt.where(ProductVariant.id != except_id)
    return db.session.scalar(stmt) is not None


def _sku_part(value: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", value.upper()).strip("-")[:12] or "X"


def default_sku(product: Product, values: Iterable[str] = ()) -> str:
    """``P<product id>`` and the values (``P12-M-BLUE``), made unique with a number."""
    base = "-".join([f"P{product.id}", *(_sku_part(v) for v in values)])[: MAX_SKU - 4]
    sku, n = base, 1
    while _sku_taken(sku) or sku in db.session.info.setdefault("new_skus", set()):
        n += 1
        sku = f"{base}-{n}"
    db.session.info["new_skus"].add(sku)
    return sku


def create_default_variant(product: Product, sku: str | None = None) -> ProductVariant:
    """The one variant of a new product (flushed, stock 0: the caller records the initial stock)."""
    if sku:
        sku = normalize_sku(sku)
        problem = check_sku(sku) or ("That SKU is taken." if _sku_taken(sku) else None)
        if problem:
            raise ValidationError("Invalid product.", errors={"sku": problem})
    variant = ProductVariant(
        product=product,
        sku=sku or default_sku(product),
        price=None,
        stock_quantity=0,
        option_values=[],
        option_key="",
        is_active=True,
        position=0,
    )
    db.session.add(variant)
    db.session.flush()
    db.session.info.pop("new_skus", None)
    return variant


def refresh_price(product: Product, variants: Iterable[ProductVariant] | None = None) -> None:
    """Set the product's ``min_price``: the lowest price of its active variants
    (its own price when none is active)."""
    variants = list(product.variants if variants is None else variants)
    prices = [v.unit_price for v in variants if v.is_active]
    product.min_price = min(prices) if prices else product.price


def price_range(product: Product) -> tuple[Decimal, Decimal]:
    """The lowest and highest price of the product's active variants."""
    prices = [v.unit_price for v in product.variants if v.is_active] or [product.price]
    return min(prices), max(prices)


def _clean_options(options) -> list[tuple[str, list[str]]]:
    """``[(name, [values])]`` checked: names and values 1..50 characters, none twice."""
    errors: dict[str, str] = {}
    clean: list[tuple[str, list[str]]] = []
    if not isinstance(options, list | tuple):
        raise ValidationError("Options are a list.", field="options")
    if len(options) > MAX_OPTIONS:
        raise ValidationError(f"A product has at most {MAX_OPTIONS} options.", field="options")
    seen_names: set[str] = set()
    for i, option in enumerate(options):
        if isinstance(option, Mapping):
            name, values = option.get("name"), option.get("values")
        else:
            name, values = option
        name = str(name or "").strip()
        if not name and not values:
            continue  # an empty row of a form
        if not 1 <= len(name) <= MAX_NAME:
            errors[f"options.{i}.name"] = f"An option's name has 1 to {MAX_NAME} characters."
        elif name.lower() in seen_names:
            errors[f"options.{i}.name"] = f"{name} is there twice."
        seen_names.add(name.lower())
        if isinstance(values, str):
            values = values.split(",")
        values = [str(v).strip() for v in (values or []) if str(v).strip()]
        if not values:
            errors[f"options.{i}.values"] = "Give at least one value, separated by commas."
        elif len(values) > MAX_VALUES:
            errors[f"options.{i}.values"] = f"An option has at most {MAX_VALUES} values."
        elif any(len(v) > MAX_NAME for v in values):
            errors[f"options.{i}.values"] = f"A value has at most {MAX_NAME} characters."
        elif len({v.lower() for v in values}) != len(values):
            errors[f"options.{i}.values"] = "A value is there twice."
        clean.append((name, values))
    if not errors:
        combinations = 1
        for _, values in clean:
            combinations *= len(values)
        if combinations > MAX_VARIANTS:
            errors["options"] = (
                f"These options make {combinations} combinations; a product has at most "
                f"{MAX_VARIANTS} variants."
            )
    if errors:
        raise ValidationError("Invalid options.", errors=errors)
    return clean


def _is_referenced(variant_id: int) -> bool:
    """Whether an order line or a ledger row names the variant (then it is only archived)."""
    return bool(
        db.session.scalar(
            select(
                exists().where(OrderItem.variant_id == variant_id)
                | exists().where(StockMovement.variant_id == variant_id)
            )
        )
    )


@transactional
def set_options(product_id: int, options, actor_id: int | None = None) -> Product:
    """Give a product its options; its variants become one per combination.

    A combination that already has a variant keeps it (stock, SKU, price). A
    product that had no options gives its one variant (and its stock) to the
    first combination. A variant whose combination is gone is deleted when
    nothing refers to it, archived otherwise; one with stock is refused (set
    its stock to 0 first), so no stock disappears without a ledger row.
    """
    clean = _clean_options(options)
    product, variants = lock_product_variants(product_id)
    if product is None:
        raise NotFound("No such product.")
    combos = [list(c) for c in itertools.product(*(values for _, values in clean))]
    by_key = {v.option_key: v for v in variants}
    had_options = bool(product.options)
    if not had_options and len(variants) == 1 and option_key(combos[0]) not in by_key:
        # The one variant of a product without options becomes the first combination.
        only = variants[0]
        del by_key[only.option_key]
        only.option_values, only.option_key = combos[0], option_key(combos[0])
        if only.sku == f"P{product.id}":  # the default SKU names the combination now
            only.sku = default_sku(product, combos[0])
        by_key[only.option_key] = only
    wanted = {option_key(c): c for c in combos}
    doomed = [v for key, v in by_key.items() if key not in wanted]
    stocked = [v for v in doomed if v.stock_quantity > 0]
    if stocked:
        names = ", ".join(f"{v.label or v.sku} ({v.stock_quantity})" for v in stocked)
        raise Conflict(
            f"These variants still have stock: {names}. Set their stock to 0 first.",
            field="options",
        )
    for variant in doomed:
        # Its pictures show the whole product again.
        db.session.execute(
            update(ProductImage)
            .where(ProductImage.variant_id == variant.id)
            .values(variant_id=None)
        )
        variant.image_path = None
        if _is_referenced(variant.id):
            variant.is_active = False
        else:
            db.session.execute(delete(CartItem).where(CartItem.variant_id == variant.id))
            db.session.delete(variant)
            variants.remove(variant)
    db.session.execute(delete(ProductOption).where(ProductOption.product_id == product.id))
    db.session.flush()
    for position, (name, values) in enumerate(clean):
        db.session.add(
            ProductOption(product_id=product.id, name=name, position=position, values=values)
        )
    for position, combo in enumerate(combos):
        key = option_key(combo)
        variant = by_key.get(key)
        if variant is None:
            variant = ProductVariant(
                product_id=product.id,
                sku=default_sku(product, combo),
                price=None,
                stock_quantity=0,
                option_values=combo,
                option_key=key,
                is_active=True,
            )
            db.session.add(variant)
            variants.append(variant)
        variant.position = position
        variant.option_values = combo
    db.session.flush()
    db.session.info.pop("new_skus", None)
    db.session.expire(product, ["options", "variants"])
    refresh_price(product)
    db.session.flush()
    return product


@transactional
def update_variants(product_id: int, changes: Mapping[int, Mapping], actor_id=None) -> Product:
    """Change variants' SKU, price (None or "": the product's), stock and active flag.

    ``changes`` maps a variant id to its new fields. A new stock figure is an
    ``adjustment`` in the ledger. Every problem is reported, keyed
    ``variants.<id>.<field>``, and nothing is changed.
    """
    product, variants = lock_product_variants(product_id)
    if product is None:
        raise NotFound("No such product.")
    by_id = {v.id: v for v in variants}
    errors: dict[str, str] = {}
    plans: list[tuple[ProductVariant, dict]] = []
    skus_wanted: dict[str, int] = {}
    for raw_id, fields in changes.items():
        variant = by_id.get(int(raw_id)) if is_storable_id(raw_id) else None
        if variant is None:
            raise NotFound("No such variant of this product.", field="variant_id")
        key = f"variants.{variant.id}"
        plan: dict = {}
        if "sku" in fields:
            sku = normalize_sku(fields["sku"])
            problem = check_sku(sku)
            taken = _sku_taken(sku, except_id=variant.id) or sku in skus_wanted
            if problem is None and sku != variant.sku and taken:
                problem = "That SKU is taken."
            if problem:
                errors[f"{key}.sku"] = problem
            skus_wanted[sku] = variant.id
            plan["sku"] = sku
        if "price" in fields:
            price = fields["price"]
            if price is None or price == "":
                plan["price"] = None
            else:
                try:
                    plan["price"] = parse_money(price, field="price")
                except ValidationError as exc:
                    errors[f"{key}.price"] = exc.message
        if "stock_quantity" in fields:
            stock = fields["stock_quantity"]
            if isinstance(stock, bool) or not isinstance(stock, int) or not 0 <= stock <= MAX_STOCK:
                errors[f"{key}.stock_quantity"] = (
                    f"Stock is a whole number from 0 to {MAX_STOCK:,}."
                )
            else:
                plan["stock_quantity"] = stock
        if "is_active" in fields:
            plan["is_active"] = bool(fields["is_active"])
        plans.append((variant, plan))
    if errors:
        raise ValidationError("Invalid variants.", errors=errors)
    for variant, plan in plans:
        if "sku" in plan and plan["sku"] != variant.sku:
            variant.sku = plan["sku"]
        if "price" in plan:
            variant.price = plan["price"]
        if "is_active" in plan:
            variant.is_active = plan["is_active"]
        if "stock_quantity" in plan:
            delta = plan["stock_quantity"] - variant.stock_quantity
            if delta:
                record_movement(
                    variant,
                    delta,
                    "adjustment",
                    actor_id=actor_id,
                    note="Set on the variants page",
                    limit=MAX_STOCK,
                )
    if not any(v.is_active for v in variants) and product.is_active:
        raise ValidationError(
            "Keep at least one variant on sale, or archive the product.", field="variants"
        )
    refresh_price(product, variants)
    db.session.flush()
    return product


def variants_of(product: Product) -> list[ProductVariant]:
    return list(product.variants)


def find_variant(
    product: Product, *, variant_id: int | None = None, values: Mapping[str, str] | None = None
) -> ProductVariant:
    """The product's active variant named by id, or by a value for each option
    (``{"Size": "M", "Colour": "Blue"}``); with neither, its only variant.

    Refusals: ``VariantRequired`` (several variants, none named) and NotFound.
    """
    from .inventory import VariantRequired

    active = [v for v in product.variants if v.is_active]
    if variant_id is not None:
        for variant in active:
            if variant.id == variant_id:
                return variant
        raise NotFound("No such variant of this product.", field="variant_id")
    if values:
        chosen = []
        missing = []
        for option in product.options:
            value = values.get(option.name)
            if value not in option.values:
                missing.append(option.name)
            chosen.append(value)
        if missing:
            raise ValidationError(
                "Choose " + " and ".join(m.lower() for m in missing) + ".",
                field="options",
            )
        key = option_key(chosen)
        for variant in active:
            if variant.option_key == key:
                return variant
        raise NotFound("That combination is not sold.", field="options")
    if len(active) == 1:
        return active[0]
    if not active:
        raise NotFound("No such product.", field="product_id")
    raise VariantRequired()


def count_variants(product_id: int) -> int:
    return int(
        db.session.scalar(
            select(func.count(ProductVariant.id)).where(ProductVariant.product_id == product_id)
        )
        or 0
    )
