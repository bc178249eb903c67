"""At 10,000 products on PostgreSQL, search and the default listing are answered
from indexes, not by reading every row (EXPLAIN of the statements the service sends)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, insert, text

from storefront.extensions import db
from storefront.models import Category, Product
from storefront.services import catalog

pytestmark = pytest.mark.postgres_only

PRODUCTS = 10_000


@pytest.fixture
def large_catalog(app):
    """10,000 products: five "Desk Lamp" in the Lighting category, the others "Item
    <n>" in General; prices spread, one in eight sold out."""
    with db.engine.begin() as conn:
        general, lighting = (
            conn.execute(
                insert(Category).values(name=name, slug=name.lower()).returning(Category.id)
            ).scalar_one()
            for name in ("General", "Lighting")
        )
        epoch = datetime(2026, 1, 1, tzinfo=UTC)
        rows = [
            {
                "name": "Desk Lamp" if i % 2000 == 0 else f"Item {i}",
                "slug": f"item-{i}",
                "description": "A plain thing." if i % 3000 else "Brass fittings.",
                "price": f"{(i * 7919) % 10_000 / 100 + 1:.2f}",
                "min_price": f"{(i * 7919) % 10_000 / 100 + 1:.2f}",
                "stock_quantity": 0 if i % 8 == 0 else 5,
                "category_id": lighting if i % 2000 == 0 else general,
                "is_active": True,
                "created_at": epoch + timedelta(seconds=i),
                "updated_at": epoch + timedelta(seconds=i),
            }
            for i in range(PRODUCTS)
        ]
        conn.execute(insert(Product), rows)
        conn.execute(text("ANALYZE products"))
        conn.execute(text("ANALYZE categories"))


def plans_of(call) -> list[str]:
    """Run ``call`` and EXPLAIN each SELECT on products it sent."""
    sent = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "FROM products" in statement:
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    plans = []
    with db.engine.connect() as conn:
        for statement, parameters in sent:
            rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).scalars()
            plans.append("\n".join(rows))
    assert plans
    return plans


def page_part(plan: str) -> str:
    """The plan without its InitPlan (the total, which counts every match)."""
    kept, skip_deeper_than = [], None
    for line in plan.splitlines():
        depth = len(line) - len(line.lstrip())
        if skip_deeper_than is not None:
            if depth > skip_deeper_than:
                continue
            skip_deeper_than = None
        if line.strip().startswith("InitPlan"):
            skip_deeper_than = depth
            continue
        kept.append(line)
    return "\n".join(kept)


def full_sort_in(plan: str) -> bool:
    """A Sort node that orders the whole input (an Incremental Sort only orders ties)."""
    return any(line.strip().lstrip("-> ").startswith("Sort  ") for line in plan.splitlines())


def searched(**kwargs):
    pages = []
    plans = plans_of(lambda: pages.append(catalog.search_products(**kwargs)))
    (plan,) = plans
    if os.environ.get("SHOW_PLANS"):  # pytest -s: see what the assertions read
        print(f"\n--- {kwargs}\n{plan}")
    return pages[0], plan


def test_a_search_uses_the_text_indexes(large_catalog):
    page, plan = searched(q="lamp")
    assert page.total == PRODUCTS // 2000
    assert "ix_products_name_trgm" in plan, plan
    assert "ix_products_description_trgm" in plan, plan
    assert "ix_products_search" in plan, plan
    assert "Seq Scan on products" not in plan, plan


def test_another_form_of_a_word_is_found_through_the_full_text_index(large_catalog):
    page, plan = searched(q="lamps")  # no substring of any name: full-text search alone
    assert page.total == PRODUCTS // 2000
    assert {p.name for p in page.items} == {"Desk Lamp"}
    assert "ix_products_search" in plan, plan
    assert "Seq Scan on products" not in plan, plan


def test_relevance_orders_the_matches_from_the_indexes(large_catalog, make_product):
    make_product(name="Bulb", description="Fits any lamp.")
    make_product(name="Lamp", description="")
    db.session.commit()
    page, plan = searched(q="lamp")
    names = [p.name for p in page.items]
    assert page.total == PRODUCTS // 2000 + 2
    # The name that is the query first, the name that holds it next, then the description.
    assert names[0] == "Lamp"
    assert names[1:-1] == ["Desk Lamp"] * (PRODUCTS // 2000)
    assert names[-1] == "Bulb"
    assert "ts_rank" in plan, plan
    assert "Seq Scan on products" not in plan, plan


def test_the_default_listing_reads_the_newest_from_an_index(large_catalog):
    page, plan = searched()
    assert page.total == PRODUCTS
    # ix_products_active_created, or ix_products_created_at when every product is active.
    assert re.search(r"Index Scan Backward using ix_products_(active_created|created_at)", plan)
    # The page itself comes from the index; only the total counts every row.
    assert not full_sort_in(page_part(plan)), plan
    assert "Seq Scan on products" not in page_part(plan), plan


@pytest.mark.parametrize(
    ("sort", "index"),
    [
        ("price_asc", "ix_products_active_min_price"),
        ("price_desc", "ix_products_active_min_price"),
        ("name", "ix_products_active_name"),
    ],
)
def test_each_sort_reads_its_order_from_an_index(large_catalog, sort, index):
    page, plan = searched(sort=sort)
    assert page.total == PRODUCTS
    assert index in plan, plan
    assert not full_sort_in(page_part(plan)), plan
    assert "Seq Scan on products" not in page_part(plan), plan


def test_in_stock_filters_the_walk_of_an_index(large_catalog):
    page, plan = searched(in_stock=True)
    assert page.total == PRODUCTS - PRODUCTS // 8
    assert not full_sort_in(page_part(plan)), plan
    assert "Seq Scan on products" not in page_part(plan), plan


def test_a_category_is_read_from_its_index(large_catalog):
    page, plan = searched(category="lighting")
    assert page.total == PRODUCTS // 2000
    assert "ix_products_category_active_created" in plan, plan
    assert "Seq Scan on products" not in plan, plan


def test_the_admins_listing_of_every_product_reads_an_index(large_catalog):
    page, plan = searched(include_inactive=True)
    assert page.total == PRODUCTS
    assert "ix_products_created_at" in plan, plan
    assert not full_sort_in(page_part(plan)), plan
