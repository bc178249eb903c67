from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TimestampMixin, UTCDateTime


class TokenFamily(TimestampMixin, Base):
    """One login and every token refreshed from it; revoked as a whole."""

    __tablename__ = "token_families"

    fid: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RefreshToken(TimestampMixin, Base):
    """A refresh token issued in a family; ``used_at`` is set when it is spent."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[int] = mapped_column(
        ForeignKey("token_families.id", ondelete="CASCADE"), index=True
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class IdempotencyKey(TimestampMixin, Base):
    """A checkout's Idempotency-Key: the same key and body give the same order."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),
        UniqueConstraint("guest_email", "key", name="uq_idempotency_keys_guest_key"),
        CheckConstraint("user_id IS NOT NULL OR guest_email IS NOT NULL", name="has_owner"),
    )

    # A customer's key, or a guest's (scoped by the email the guest gave).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    guest_email: Mapped[str | None] = mapped_column(String(255))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
