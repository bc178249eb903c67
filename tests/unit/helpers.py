"""Helpers for the service-level tests: ledger sums and full snapshots of every table
(equal snapshots prove that a failed call left no trace)."""

from __future__ import annotations

from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Base, Product, StockMovement

ADDRESS = "1 Test Road, Dhaka"


def ledger_sum(product_id: int) -> int:
    total = db.session.scalar(
        select(func.coalesce(func.sum(StockMovement.delta), 0)).where(
            StockMovement.product_id == product_id
        )
    )
    return int(total)


def stock_of(product_id: int) -> int:
    return db.session.scalar(select(Product.stock_quantity).where(Product.id == product_id))


def reasons_of(product_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(StockMovement.reason)
            .where(StockMovement.product_id == product_id)
            .order_by(StockMovement.id)
        )
    )


def snapshot_tables() -> dict[str, list[tuple]]:
    """Every row of every table, in id order: equal snapshots mean nothing changed."""
    snapshot = {}
    for table in Base.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns))
        snapshot[table.name] = [tuple(row) for row in rows]
    db.session.rollback()
    return snapshot
