"""The outbox: an email is a row written in the transaction of the change it tells of.

``enqueue`` joins the caller's ``write_transaction`` (a SAVEPOINT for its own
part), so the row commits with the order, the status change or the reset
request, and vanishes with it if that rolls back: no email is ever sent for
something that did not happen.

``deliver_due`` is the worker's pass (``flask deliver-email``). It claims due
rows in a short transaction of its own (``SELECT ... FOR UPDATE SKIP LOCKED``
on PostgreSQL, so workers on any number of hosts take disjoint rows; on SQLite
the claim runs under ``BEGIN IMMEDIATE``, which serializes claimers), marks them
``sending`` with a lease, sends each outside any transaction, and records the
outcome. A failed try is retried after ``MAIL_RETRY_BASE_SECONDS`` doubled per
attempt, capped at ``MAIL_RETRY_CAP_SECONDS``; after ``MAIL_MAX_ATTEMPTS`` the
row is ``failed`` and waits for an admin's retry.

Delivery is at least once, and exactly once unless a worker dies between the
SMTP server's acceptance and the commit of ``sent`` (a window of one UPDATE):
then the lease (``MAIL_CLAIM_SECONDS``) runs out and the message is sent again,
with the same Message-ID so that a receiver can tell.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select

from ..extensions import db
from ..mail import Envelope
from ..mail import send as transport_send
from ..models import OUTBOX_STATUSES, OutboxMessage, utcnow
from ._sql import is_storable_id
from ._tx import write_transaction
from .errors import InvalidTransition, NotFound, ValidationError
from .pagination import Page, paginate

log = logging.getLogger(__name__)

MAX_ERROR = 2000
BATCH = 20


def enqueue(
    *,
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
) -> OutboxMessage:
    """Queue an email in the caller's transaction (or in one of its own).

    It refuses nothing, so it needs no SAVEPOINT of its own in the caller's.
    """
    with write_transaction(savepoint=False) as session:
        message = OutboxMessage(
            kind=kind,
            to_address=to,
            subject=subject[:255],
            text_body=text,
            html_body=html,
            headers=json.dumps(headers or {}, sort_keys=True),
            status="pending",
            attempts=0,
            next_attempt_at=utcnow(),
            last_error="",
        )
        session.add(message)
        session.flush()
    return message


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: doubling, capped, at least 1 s."""
    config = current_app.config
    base = config.get("MAIL_RETRY_BASE_SECONDS", 30)
    cap = config.get("MAIL_RETRY_CAP_SECONDS", 3600)
    seconds = min(cap, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=max(1.0, seconds))


def _claimable(now: datetime):
    return or_(
        and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
        # Its worker died between claim and outcome: the lease has run out.
        and_(OutboxMessage.status == "sending", OutboxMessage.claimed_until < now),
    )


def claim_due(limit: int = BATCH, now: datetime | None = None) -> tuple[str, list[Envelope]]:
    """Claim up to ``limit`` due messages for this worker; commit the claim at once."""
    now = now or utcnow()
    lease = timedelta(seconds=current_app.config.get("MAIL_CLAIM_SECONDS", 300))
    token = secrets.token_hex(16)
    with write_transaction() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(_claimable(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        ).all()
        for row in rows:
            row.status = "sending"
            row.claimed_until = now + lease
            row.claim_token = token
        session.flush()
        envelopes = [
            Envelope(
                id=row.id,
                to_address=row.to_address,
                subject=row.subject,
                text_body=row.text_body,
                html_body=row.html_body,
                headers=row.headers,
            )
            for row in rows
        ]
    return token, envelopes


def _claimed(message_id: int, token: str) -> OutboxMessage | None:
    row = db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    # Another worker took it over after our lease ran out: its outcome counts.
    if row is None or row.status != "sending" or row.claim_token != token:
        return None
    return row


def mark_sent(message_id: int, token: str, now: datetime | None = None) -> None:
    with write_transaction():
        row = _claimed(message_id, token)
        if row is None:
            return
        row.status = "sent"
        row.sent_at = now or utcnow()
        row.attempts += 1
        row.claimed_until = None
        row.claim_token = None
        row.last_error = ""
        db.session.flush()


def mark_failed(message_id: int, token: str, error: str, now: datetime | None = None) -> str:
    """Record a failed try: back to ``pending`` for later, or ``failed`` after the last."""
    now = now or utcnow()
    with write_transaction():
        row = _claimed(message_id, token)
        if row is None:
            return "lost"
        row.attempts += 1
        row.last_error = error[:MAX_ERROR]
        row.claimed_until = None
        row.claim_token = None
        if row.attempts >= int(current_app.config.get("MAIL_MAX_ATTEMPTS", 8)):
            row.status = "failed"
        else:
            row.status = "pending"
            row.next_attempt_at = now + retry_delay(row.attempts)
        db.session.flush()
        return row.status


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    where: list[str] = field(default_factory=list)

    @property
    def tried(self) -> int:
        return self.sent + self.retrying + self.failed


def deliver_due(
    now: datetime | None = None,
    *,
    batch: int = BATCH,
    should_stop: Callable[[], bool] = lambda: False,
    on_outcome: Callable[[Envelope, str, str], None] | None = None,
) -> DeliveryReport:
    """Send every message due at ``now`` (default: the time of the call), once each.

    A message that fails is scheduled for later than ``now``, so one pass
    tries each message at most once and always ends.
    """
    now = now or utcnow()
    report = DeliveryReport()
    while not should_stop():
        token, envelopes = claim_due(batch, now)
        if not envelopes:
            break
        for envelope in envelopes:
            try:
                where = transport_send(envelope)
            except Exception as exc:  # any failure of the transport is a failed try
                error = f"{type(exc).__name__}: {exc}"
                outcome = mark_failed(envelope.id, token, error, now)
                if outcome == "failed":
                    report.failed += 1
                else:
                    report.retrying += 1
                log.warning(
                    "mail %s to %s: %s (%s)", envelope.id, envelope.to_address, error, outcome
                )
                if on_outcome:
                    on_outcome(envelope, outcome, error)
            else:
                mark_sent(envelope.id, token)
                report.sent += 1
                report.where.append(where)
                if on_outcome:
                    on_outcome(envelope, "sent", where)
    return report


def list_messages(
    status: str | None = None, page: int = 1, per_page: int = 50
) -> Page[OutboxMessage]:
    """Outbox rows, newest first, optionally of one status (the admin's mail page)."""
    stmt = select(OutboxMessage)
    if status:
        if status not in OUTBOX_STATUSES:
            raise ValidationError(
                f"Status is one of: {', '.join(OUTBOX_STATUSES)}.", field="status"
            )
        stmt = stmt.where(OutboxMessage.status == status)
    return paginate(stmt.order_by(OutboxMessage.id.desc()), page, per_page)


def count_by_status() -> dict[str, int]:
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(
                OutboxMessage.status
            )
        ).all()
    )
    return {status: counts.get(status, 0) for status in OUTBOX_STATUSES}


def retry_message(message_id: int) -> OutboxMessage:
    """An admin sends a failed message again: it is due now, with a fresh set of tries."""
    if not is_storable_id(message_id):
        raise NotFound("No such message.")
    with write_transaction():
        row = db.session.scalar(
            select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update()
        )
        if row is None:
            raise NotFound("No such message.")
        if row.status != "failed":
            raise InvalidTransition(
                f"Only a failed message can be retried; this one is {row.status}."
            )
        row.status = "pending"
        row.attempts = 0
        row.next_attempt_at = utcnow()
        db.session.flush()
    return row
