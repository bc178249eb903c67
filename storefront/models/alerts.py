from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TimestampMixin


class StockAlert(TimestampMixin, Base):
    """An address waiting for an out-of-stock product: one email when it is back, then gone."""

    __tablename__ = "stock_alerts"
    __table_args__ = (
        UniqueConstraint("product_id", "email", name="uq_stock_alerts_product_email"),
    )

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(255), index=True)
    # The signed-in customer who asked, if any (a guest gives only an email).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
