"""Catalog CSV: a round trip changes nothing; bad rows are refused row by row with
nothing written; an import applies everything in one transaction through the ledger."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Product, ProductVariant, StockMovement
from storefront.services import catalog_csv, inventory
from tests.unit.test_variants import make_tee, variant_of

from .helpers import snapshot_tables


def export() -> list[dict]:
    text = "".join(catalog_csv.export_csv())
    return list(csv.DictReader(io.StringIO(text)))


def to_file(rows: list[dict]) -> io.BytesIO:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=catalog_csv.COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: row.get(k, "") for k in catalog_csv.COLUMNS})
    return io.BytesIO(out.getvalue().encode())


@pytest.fixture
def shop(make_product):
    make_product(name="Mug", price="4.50", stock=3, category="Kitchen")
    make_product(name="=HYPERLINK(evil)", description="-minus", category="Kitchen", stock=1)
    tee = make_tee(make_product, stock_each=2)
    return tee


def test_a_round_trip_changes_nothing(shop):
    rows = export()
    assert len(rows) == 2 + 6
    assert rows[1]["name"] == "'=HYPERLINK(evil)"  # a spreadsheet shows it, never runs it
    before = snapshot_tables()
    report = catalog_csv.import_products(to_file(rows), dry_run=False)
    assert report.summary == {"create": 0, "update": 0, "unchanged": 8, "refuse": 0}
    assert not report.applied
    assert snapshot_tables() == before


def test_bad_rows_are_refused_row_by_row_and_nothing_is_written(shop):
    rows = export()
    rows[0]["category"] = "No Such Shelf"
    rows[1]["stock"] = "-4"
    rows[2]["variant_price"] = "12.345"
    rows[3]["sku"] = rows[4]["sku"]
    rows.append({"name": "New Thing", "price": "abc", "stock": "1", "sku": "NEW-1"})
    before = snapshot_tables()
    report = catalog_csv.import_products(to_file(rows), dry_run=True)
    reasons = {r.line: " ".join(r.reasons) for r in report.refused}
    assert "No category is named “No Such Shelf”." in reasons[2]
    assert "stock is a whole number" in reasons[3]
    assert "variant_price" in reasons[4]
    assert f"SKU {rows[4]['sku']} is also on line 5." in reasons[6]
    assert "price:" in reasons[10]
    # A real import of the same file applies nothing at all.
    report = catalog_csv.import_products(to_file(rows), dry_run=False)
    assert not report.applied and report.refused
    assert snapshot_tables() == before


def test_an_import_updates_creates_and_writes_the_ledger(shop, admin):
    rows = export()
    blue = variant_of(shop, "M / Blue")
    for row in rows:
        if row["sku"] == blue.sku:
            row["stock"] = "9"
            row["variant_price"] = "11.00"
    rows[0]["price"] = "5.00"
    hoodie = {"name": "Hoodie", "price": "30.00", "category": "Kitchen", "option1_name": "Size"}
    rows.append({**hoodie, "option1_value": "S", "sku": "HOOD-S", "stock": "2"})
    rows.append({**hoodie, "option1_value": "M", "sku": "HOOD-M", "stock": "3"})
    dry = catalog_csv.import_products(to_file(rows), dry_run=True)
    assert dry.summary == {"create": 2, "update": 2, "unchanged": 6, "refuse": 0}
    report = catalog_csv.import_products(to_file(rows), dry_run=False, actor_id=admin.id)
    assert report.applied
    db.session.expire_all()
    blue = db.session.get(ProductVariant, blue.id)
    assert blue.stock_quantity == 9 and blue.price == Decimal("11.00")
    move = db.session.scalars(
        select(StockMovement)
        .where(StockMovement.variant_id == blue.id)
        .order_by(StockMovement.id.desc())
    ).first()
    assert (move.reason, move.delta, move.actor_id) == ("import", 7, admin.id)
    hoodie = db.session.scalar(select(Product).where(Product.name == "Hoodie"))
    assert [(v.sku, v.label, v.stock_quantity) for v in hoodie.variants] == [
        ("HOOD-S", "S", 2), ("HOOD-M", "M", 3)
    ]  # fmt: skip
    assert hoodie.stock_quantity == 5 and hoodie.category.name == "Kitchen"
    assert inventory.stock_discrepancies() == []
    # And the new state exports and re-imports unchanged.
    again = catalog_csv.import_products(to_file(export()), dry_run=True)
    assert again.summary["unchanged"] == len(again.rows)


def test_a_file_without_the_columns_or_not_utf8_is_refused(shop):
    from storefront.services.errors import ValidationError

    with pytest.raises(ValidationError, match="lacks the column"):
        catalog_csv.import_products(io.BytesIO(b"name,price\nA,1.00\n"))
    with pytest.raises(ValidationError, match="UTF-8"):
        catalog_csv.import_products(io.BytesIO(b"name,price,sku,stock\n\xff\xfe,1,A,1\n"))


def test_a_variant_archived_with_old_options_is_left_out_and_the_round_trip_holds(
    make_product, customer
):
    from storefront.services import cart, orders, variants

    mug = make_product(name="Mug", stock=2)
    cart.add_to_cart(customer.id, mug.variants[0].id, 1)
    orders.place_order(customer.id, "1 Road")
    variants.update_variants(mug.id, {mug.variants[0].id: {"stock_quantity": 0}})
    variants.set_options(mug.id, [("Colour", "White, Black")])
    variants.set_options(mug.id, [("Colour", "White, Black"), ("Size", "S, L")])
    rows = export()
    assert [(r["option1_value"], r["option2_value"]) for r in rows] == [
        ("White", "S"), ("White", "L"), ("Black", "S"), ("Black", "L")
    ]  # fmt: skip
    report = catalog_csv.import_products(to_file(rows), dry_run=True)
    assert report.summary["unchanged"] == 4 and not report.refused
