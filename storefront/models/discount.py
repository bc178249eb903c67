from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TimestampMixin, UTCDateTime
from .catalog import Money

DISCOUNT_KINDS = ("percent", "fixed")


class DiscountCode(TimestampMixin, Base):
    """A code a shopper enters for a discount. ``times_used`` is counted in the
    checkout's transaction with this row locked, so the limit holds under races."""

    __tablename__ = "discount_codes"
    __table_args__ = (
        CheckConstraint("kind IN ('percent', 'fixed')", name="kind_known"),
        CheckConstraint("value > 0 AND (kind <> 'percent' OR value <= 100)", name="value_in_range"),
        CheckConstraint("min_subtotal IS NULL OR min_subtotal >= 0", name="min_not_negative"),
        CheckConstraint("times_used >= 0", name="times_used_not_negative"),
        CheckConstraint(
            "usage_limit IS NULL OR times_used <= usage_limit", name="within_usage_limit"
        ),
        CheckConstraint(
            "per_customer_limit IS NULL OR per_customer_limit > 0", name="per_customer_positive"
        ),
    )

    # Stored upper-cased: codes are matched without regard to case.
    code: Mapped[str] = mapped_column(String(50), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[Decimal] = mapped_column(Money)
    min_subtotal: Mapped[Decimal | None] = mapped_column(Money)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    usage_limit: Mapped[int | None] = mapped_column(Integer)
    per_customer_limit: Mapped[int | None] = mapped_column(Integer)
    times_used: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
