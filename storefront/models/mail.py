from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, TimestampMixin, UTCDateTime

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
_STATUS_SQL = ", ".join(f"'{s}'" for s in OUTBOX_STATUSES)


class OutboxMessage(TimestampMixin, Base):
    """An email to send, written in the same transaction as the change it tells of.

    The worker (``flask deliver-email``) claims due rows (``sending``, with a
    lease that ends at ``claimed_until``), sends them, and marks them ``sent``;
    a failure puts the row back to ``pending`` for ``next_attempt_at``, or, after
    the last attempt, ``failed``. The message is rendered when it is queued, so
    it says what was true when the change committed.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_SQL})", name="status_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("(status = 'sent') = (sent_at IS NOT NULL)", name="sent_iff_sent_at"),
        CheckConstraint(
            "(status = 'sending') = (claimed_until IS NOT NULL)", name="sending_iff_claimed"
        ),
        Index("ix_outbox_messages_status_next_attempt", "status", "next_attempt_at"),
    )

    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # Extra headers as JSON (List-Unsubscribe for marketing-like mail).
    headers: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claim_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status} to={self.to_address}>"
