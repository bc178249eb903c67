from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TimestampMixin
from .catalog import Money


class ShippingMethod(TimestampMixin, Base):
    """A way to send an order. Orders copy its name and fee, so none refers to it."""

    __tablename__ = "shipping_methods"
    __table_args__ = (
        CheckConstraint("fee >= 0", name="fee_not_negative"),
        CheckConstraint("free_over IS NULL OR free_over >= 0", name="free_over_not_negative"),
    )

    name: Mapped[str] = mapped_column(String(100))
    fee: Mapped[Decimal] = mapped_column(Money)
    # Free when the subtotal before any discount is at least this; None: never free.
    free_over: Mapped[Decimal | None] = mapped_column(Money)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # ISO 3166-1 alpha-2 codes separated by commas ("BD,IN"); empty: every country.
    countries: Mapped[str] = mapped_column(String(500), default="")

    @property
    def country_list(self) -> list[str]:
        return [c for c in self.countries.split(",") if c]
