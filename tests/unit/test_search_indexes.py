"""At 10,000 products on PostgreSQL, search and the default listing are answered
from indexes, not by reading every row (EXPLAIN of the statements the service sends)."""

from __future__ import annotations

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
    with db.engine.begin() as conn:
        category_id = conn.execute(
            insert(Category).values(name="General", slug="general").returning(Category.id)
        ).scalar_one()
        epoch = datetime(2026, 1, 1, tzinfo=UTC)
        rows = [
            {
                "name": "Desk Lamp" if i % 2000 == 0 else f"Item {i}",
                "slug": f"item-{i}",
                "description": "A plain thing." if i % 3000 else "Brass fittings.",
                "price": "10.00",
                "min_price": "10.00",
                "stock_quantity": 0,
                "category_id": category_id,
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


def test_a_search_uses_the_trigram_indexes(large_catalog):
    page = None

    def search():
        nonlocal page
        page = catalog.search_products(q="lamp")

    (plan,) = plans_of(search)
    assert page.total == PRODUCTS // 2000
    assert "ix_products_name_trgm" in plan, plan
    assert "ix_products_description_trgm" in plan, plan
    assert "Seq Scan on products" not in plan, plan


def test_the_default_listing_reads_the_newest_from_an_index(large_catalog):
    (plan,) = plans_of(lambda: catalog.search_products())
    page_part = plan.split("InitPlan")[0] if "InitPlan" in plan else plan
    assert "ix_products_active_created" in plan, plan
    # The page itself comes from the index; only the total counts every row.
    assert "Sort" not in page_part or "Incremental Sort" in page_part, plan
