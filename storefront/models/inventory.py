from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TimestampMixin

MOVEMENT_REASONS = ("initial", "order", "cancel", "adjustment", "import")
_REASON_SQL = ", ".join(f"'{r}'" for r in MOVEMENT_REASONS)


class StockMovement(TimestampMixin, Base):
    """The inventory ledger: a variant's stock is the sum of its deltas.

    ``product_id`` is the variant's product, kept so a product's history reads
    without a join."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        CheckConstraint(f"reason IN ({_REASON_SQL})", name="reason_known"),
        CheckConstraint("delta <> 0", name="delta_not_zero"),
        Index("ix_stock_movements_product_id_id", "product_id", "id"),
        Index("ix_stock_movements_variant_id_id", "variant_id", "id"),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    variant_id: Mapped[int] = mapped_column(ForeignKey("product_variants.id"))
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(20))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    stock_after: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
