"""The catalog as CSV: export every variant as a row, and import such a file.

One row per variant. The product's fields (``product_id``, ``name``,
``description``, ``category``, ``price``, ``active``) repeat on each of its
rows; ``option1_name``/``option1_value`` … ``option3_*`` name the variant's
combination; ``sku``, ``variant_price`` (empty: the product's), ``stock`` and
``variant_active`` are the variant's; ``images`` lists the product's image
files (export only: an import leaves images alone).

An import is checked whole first (``dry_run``): every row is reported as
created, updated, unchanged or refused, with its reasons. A real import
applies nothing unless no row is refused, and applies everything in one
transaction: stock changes are ``import`` movements in the ledger, locks are
taken in the store's order (variants, then products, ascending ids).

Rows of one product: those with its ``product_id``, or, for a new product,
those with the same ``name`` and no ``product_id``.

Cells that a spreadsheet would run as a formula (starting with ``= + - @``,
tab or carriage return) are exported with a leading apostrophe, which the
import takes off again, so a round trip changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Category, Product, ProductOption, ProductVariant
from . import variants as variant_service
from ._tx import write_transaction
from .errors import ValidationError
from .inventory import MAX_STOCK, lock_products, lock_variants, record_movement
from .money import format_money, parse_money

COLUMNS = [
    "product_id",
    "name",
    "description",
    "category",
    "price",
    "active",
    "option1_name",
    "option1_value",
    "option2_name",
    "option2_value",
    "option3_name",
    "option3_value",
    "sku",
    "variant_price",
    "stock",
    "variant_active",
    "images",
]
REQUIRED = {"name", "price", "sku", "stock"}
MAX_ROWS = 50_000
MAX_FILE_BYTES = 20 * 1024 * 1024
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n"}
_CHUNK = 1000


# --- export --------------------------------------------------------------------------


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _uncell(text: str) -> str:
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def export_rows() -> Iterator[list[str]]:
    """The header, then a row per variant, products in id order, a chunk at a time."""
    yield COLUMNS
    last_id = 0
    while True:
        products = list(
            db.session.scalars(
                select(Product)
                .where(Product.id > last_id)
                .order_by(Product.id)
                .limit(_CHUNK)
                .options(
                    selectinload(Product.category),
                    selectinload(Product.options),
                    selectinload(Product.variants),
                )
            )
        )
        if not products:
            return
        for product in products:
            yield from _product_rows(product)
        last_id = products[-1].id


def _product_rows(product: Product) -> Iterator[list[str]]:
    names = [o.name for o in product.options]
    for variant in product.variants:
        if len(variant.option_values) != len(names):
            # Archived with the options the product had before (an order or the ledger
            # names it): not a combination of today's options, so not a row of them.
            continue
        options: list[str] = []
        for n in range(variant_service.MAX_OPTIONS):
            has = n < len(names)
            options += [names[n] if has else "", variant.option_values[n] if has else ""]
        yield [
            _cell(v)
            for v in [
                product.id,
                product.name,
                product.description,
                product.category.name if product.category else "",
                format_money(product.price),
                "true" if product.is_active else "false",
                *options,
                variant.sku,
                "" if variant.price is None else format_money(variant.price),
                variant.stock_quantity,
                "true" if variant.is_active else "false",
                product.image_path or "",
            ]
        ]


def export_csv() -> Iterator[str]:
    """The export as CSV text, a line at a time (for a streamed response)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in export_rows():
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


# --- import --------------------------------------------------------------------------


@dataclass
class RowResult:
    line: int  # the file's line number (the header is line 1)
    sku: str
    name: str
    action: str = "unchanged"  # "create", "update", "unchanged" or "refuse"
    changes: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[RowResult]
    applied: bool = False

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def refused(self) -> list[RowResult]:
        return [r for r in self.rows if r.action == "refuse"]

    @property
    def summary(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("create", "update", "unchanged", "refuse")}


@dataclass
class _Row:
    result: RowResult
    product_id: int | None
    name: str
    description: str
    category: str
    price: Decimal | None
    active: bool
    option_names: list[str]
    option_values: list[str]
    sku: str
    variant_price: Decimal | None
    stock: int | None
    variant_active: bool


def _bool(text: str, default: bool, reasons: list[str], column: str) -> bool:
    value = text.strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    reasons.append(f"{column} is true or false, not “{text}”.")
    return default


def _read(stream) -> list[dict[str, str]]:
    raw = stream.read(MAX_FILE_BYTES + 1)
    if isinstance(raw, bytes):
        if len(raw) > MAX_FILE_BYTES:
            raise ValidationError("The file is larger than 20 MB.", field="file")
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("Save the file as UTF-8 CSV.", field="file") from None
    reader = csv.DictReader(io.StringIO(raw, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = sorted(REQUIRED - set(header))
    if missing:
        raise ValidationError(
            "The file lacks the column(s) " + ", ".join(missing) + ": export one to see them.",
            field="file",
        )
    reader.fieldnames = header
    rows = []
    for record in reader:
        if len(rows) >= MAX_ROWS:
            raise ValidationError(f"A file has at most {MAX_ROWS:,} rows.", field="file")
        rows.append({k: _uncell((v or "").strip()) for k, v in record.items() if k})
    if not rows:
        raise ValidationError("The file has no rows.", field="file")
    return rows


def _parse_row(line: int, record: dict[str, str]) -> _Row:
    reasons: list[str] = []
    sku = variant_service.normalize_sku(record.get("sku"))
    name = record.get("name", "").strip()
    result = RowResult(line=line, sku=sku, name=name, reasons=reasons)
    product_id = None
    raw_id = record.get("product_id", "").strip()
    if raw_id:
        if raw_id.isdigit() and 0 < int(raw_id) < 2**31:
            product_id = int(raw_id)
        else:
            reasons.append(f"product_id “{raw_id}” is not a product's id.")
    if not name or len(name) > 200:
        reasons.append("A name has 1 to 200 characters.")
    price = None
    try:
        price = parse_money(record.get("price", ""), field="price")
    except ValidationError as exc:
        reasons.append(f"price: {exc.message}")
    variant_price = None
    if record.get("variant_price"):
        try:
            variant_price = parse_money(record["variant_price"], field="variant_price")
        except ValidationError as exc:
            reasons.append(f"variant_price: {exc.message}")
    stock = None
    raw_stock = record.get("stock", "").strip()
    if raw_stock.isdigit() and int(raw_stock) <= MAX_STOCK:
        stock = int(raw_stock)
    else:
        reasons.append(f"stock is a whole number from 0 to {MAX_STOCK:,}, not “{raw_stock}”.")
    if sku:
        problem = variant_service.check_sku(sku)
        if problem:
            reasons.append(f"sku: {problem}")
    names, values = [], []
    for n in range(1, variant_service.MAX_OPTIONS + 1):
        option = record.get(f"option{n}_name", "").strip()
        value = record.get(f"option{n}_value", "").strip()
        if option and value:
            names.append(option)
            values.append(value)
        elif option or value:
            reasons.append(f"option{n}_name and option{n}_value go together.")
    return _Row(
        result=result,
        product_id=product_id,
        name=name,
        description=record.get("description", ""),
        category=record.get("category", "").strip(),
        price=price,
        active=_bool(record.get("active", ""), True, reasons, "active"),
        option_names=names,
        option_values=values,
        sku=sku,
        variant_price=variant_price,
        stock=stock,
        variant_active=_bool(record.get("variant_active", ""), True, reasons, "variant_active"),
    )


def _chunks(values: list, size: int = 900) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _load_products(ids: Iterable[int]) -> dict[int, Product]:
    found: dict[int, Product] = {}
    for chunk in _chunks(sorted(set(ids))):
        for product in db.session.scalars(
            select(Product)
            .where(Product.id.in_(chunk))
            .options(
                selectinload(Product.category),
                selectinload(Product.options),
                selectinload(Product.variants),
            )
            .execution_options(populate_existing=True)
        ):
            found[product.id] = product
    return found


def _sku_owners(skus: Iterable[str]) -> dict[str, tuple[int, int]]:
    """``{sku: (variant id, product id)}`` for the SKUs already taken."""
    owners: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(sorted(set(skus))):
        rows = db.session.execute(
            select(ProductVariant.sku, ProductVariant.id, ProductVariant.product_id).where(
                ProductVariant.sku.in_(chunk)
            )
        )
        for sku, variant_id, product_id in rows:
            owners[sku] = (variant_id, product_id)
    return owners


def _plan(rows: list[_Row]) -> dict[tuple, list[_Row]]:
    """Check the file as a whole; group the rows by product. Reasons go on the rows."""
    products = _load_products(r.product_id for r in rows if r.product_id)
    owners = _sku_owners(r.sku for r in rows if r.sku)
    categories = {
        name.lower(): cid for cid, name in db.session.execute(select(Category.id, Category.name))
    }
    archived = set(db.session.scalars(select(Category.id).where(Category.is_archived.is_(True))))
    groups: dict[tuple, list[_Row]] = {}
    seen_skus: dict[str, int] = {}
    for row in rows:
        key = ("id", row.product_id) if row.product_id else ("new", row.name.lower())
        groups.setdefault(key, []).append(row)
        reasons = row.result.reasons
        if row.product_id and row.product_id not in products:
            reasons.append(f"No product has the id {row.product_id}.")
        category_id = categories.get(row.category.lower()) if row.category else None
        if row.category and category_id is None:
            reasons.append(f"No category is named “{row.category}”.")
        elif category_id in archived and (
            row.product_id not in products or products[row.product_id].category_id != category_id
        ):
            # A product may stay in a category archived since; none is put in one.
            reasons.append(f"The category “{row.category}” is archived.")
        if row.sku:
            if row.sku in seen_skus:
                reasons.append(f"SKU {row.sku} is also on line {seen_skus[row.sku]}.")
            seen_skus.setdefault(row.sku, row.result.line)
            owner = owners.get(row.sku)
            if owner and owner[1] != row.product_id:
                reasons.append(f"SKU {row.sku} belongs to product {owner[1]}.")
    for rows_of in groups.values():
        first = rows_of[0]
        combos: dict[tuple, int] = {}
        for row in rows_of:
            reasons = row.result.reasons
            if row is not first:
                for attr in ("name", "description", "category", "price", "active"):
                    if getattr(row, attr) != getattr(first, attr):
                        reasons.append(f"{attr} differs from line {first.result.line}'s.")
            if row.option_names != first.option_names:
                reasons.append(f"The option names differ from line {first.result.line}'s.")
            combo = tuple(v.lower() for v in row.option_values)
            if combo in combos:
                reasons.append(f"The same options as line {combos[combo]}.")
            combos.setdefault(combo, row.result.line)
        if len(rows_of) > 1 and not first.option_names:
            for row in rows_of[1:]:
                row.result.reasons.append("A product without options has one row.")
    _describe(groups, products, categories)
    return groups


def _options_of(rows: list[_Row]) -> list[tuple[str, list[str]]]:
    names = rows[0].option_names
    values: list[list[str]] = [[] for _ in names]
    for row in rows:
        for n, value in enumerate(row.option_values):
            if value not in values[n]:
                values[n].append(value)
    return list(zip(names, values, strict=True))


def _describe(groups, products: dict[int, Product], categories: dict[str, int]) -> None:
    """Set each row's action and what it changes."""
    for key, rows in groups.items():
        refused = any(r.result.reasons for r in rows)
        if refused:
            for row in rows:
                if not row.result.reasons:
                    row.result.reasons.append("Another row of this product is refused.")
        product = products.get(key[1]) if key[0] == "id" else None
        if product is None:
            for row in rows:
                row.result.action = "refuse" if refused else "create"
            continue
        current_options = [(o.name, list(o.values)) for o in product.options]
        options_change = _options_of(rows) != current_options
        by_combo = {tuple(v.option_values): v for v in product.variants}
        first = rows[0]
        product_changes = []
        if first.name != product.name:
            product_changes.append("name")
        if first.description != product.description:
            product_changes.append("description")
        if categories.get(first.category.lower()) != product.category_id:
            product_changes.append("category")
        if first.price != product.price:
            product_changes.append("price")
        if first.active != product.is_active:
            product_changes.append("active")
        if options_change:
            product_changes.append("options")
        for n, row in enumerate(rows):
            if refused:
                row.result.action = "refuse"
                continue
            changes = list(product_changes) if n == 0 else []
            variant = by_combo.get(tuple(row.option_values))
            if variant is None:
                row.result.action = "create"
                continue
            if row.sku and row.sku != variant.sku:
                changes.append("sku")
            if row.variant_price != variant.price:
                changes.append("variant_price")
            if row.stock != variant.stock_quantity:
                changes.append(f"stock {variant.stock_quantity} → {row.stock}")
            if row.variant_active != variant.is_active:
                changes.append("variant_active")
            row.result.changes = changes
            row.result.action = "update" if changes else "unchanged"


def import_products(
    stream,
    *,
    dry_run: bool = True,
    actor_id: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check (``dry_run``) or apply a catalog CSV. Nothing is applied when a row is refused."""
    records = _read(stream)
    rows = [_parse_row(n + 2, record) for n, record in enumerate(records)]
    groups = _plan(rows)
    report = ImportReport(rows=[r.result for r in rows])
    if dry_run or report.refused or not any(r.action in ("create", "update") for r in report.rows):
        db.session.rollback()  # the plan only read
        return report
    _apply(groups, actor_id, progress)
    report.applied = True
    return report


def _apply(groups, actor_id, progress) -> None:
    with write_transaction() as session:
        existing_ids = sorted(key[1] for key in groups if key[0] == "id")
        variant_ids: list[int] = []
        for chunk in _chunks(existing_ids):
            variant_ids += session.scalars(
                select(ProductVariant.id).where(ProductVariant.product_id.in_(chunk))
            ).all()
        for chunk in _chunks(sorted(variant_ids)):
            lock_variants(chunk)  # and their products; ascending across chunks
        for chunk in _chunks(existing_ids):
            lock_products(chunk)
        products = _load_products(existing_ids)
        categories = {
            name.lower(): category
            for category in session.scalars(select(Category))
            for name in [category.name]
        }
        done = 0
        for key, rows in groups.items():
            if key[0] == "id":
                _apply_existing(products[key[1]], rows, categories, actor_id)
            else:
                _apply_new(rows, categories, actor_id)
            done += len(rows)
            if progress:
                progress(len(rows))
            if done % _CHUNK < len(rows):
                session.flush()
        session.flush()


def _set_product_fields(product: Product, row: _Row, categories) -> None:
    from .catalog import slugify

    if product.name != row.name:
        product.name, product.slug = row.name, slugify(row.name)
    product.description = row.description
    product.category = categories.get(row.category.lower()) if row.category else None
    product.price = row.price
    product.is_active = row.active


def _apply_variant_rows(product: Product, rows: list[_Row], actor_id) -> None:
    by_combo = {tuple(v.option_values): v for v in product.variants}
    for row in rows:
        variant = by_combo[tuple(row.option_values)]
        if row.sku and row.sku != variant.sku:
            variant.sku = row.sku
        variant.price = row.variant_price
        variant.is_active = row.variant_active
        delta = row.stock - variant.stock_quantity
        if delta:
            record_movement(
                variant, delta, "import", actor_id=actor_id, note="CSV import", limit=MAX_STOCK
            )
    variant_service.refresh_price(product)


def _apply_existing(product: Product, rows: list[_Row], categories, actor_id) -> None:
    _set_product_fields(product, rows[0], categories)
    options = _options_of(rows)
    if options != [(o.name, list(o.values)) for o in product.options]:
        db.session.flush()
        product = variant_service.set_options(product.id, options, actor_id=actor_id)
    _apply_variant_rows(product, rows, actor_id)


def _apply_new(rows: list[_Row], categories, actor_id) -> None:
    first = rows[0]
    product = Product(min_price=first.price, stock_quantity=0)
    _set_product_fields(product, first, categories)
    db.session.add(product)
    db.session.flush()
    options = _options_of(rows)
    for position, (name, values) in enumerate(options):
        product.options.append(ProductOption(name=name, position=position, values=values))
    for position, row in enumerate(rows):
        product.variants.append(
            ProductVariant(
                sku=row.sku or variant_service.default_sku(product, row.option_values),
                price=None,
                stock_quantity=0,
                option_values=list(row.option_values),
                option_key=variant_service.option_key(row.option_values),
                is_active=True,
                position=position,
            )
        )
    db.session.info.pop("new_skus", None)
    _apply_variant_rows(product, rows, actor_id)


def catalog_size() -> int:
    return int(db.session.scalar(select(func.count(Product.id))) or 0)
