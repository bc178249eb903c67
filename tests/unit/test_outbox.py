"""The outbox: rows commit with their transaction, and the worker sends each once.

Delivery goes to a real SMTP server (aiosmtpd, tests/mailserver.py) on a free
port; "the server is down" is that port closed.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import OutboxMessage, utcnow
from storefront.services import outbox
from storefront.services._tx import write_transaction
from storefront.services.errors import InvalidTransition, NotFound


def queue(n: int = 1, to: str = "asha@example.com") -> list[int]:
    ids = []
    for i in range(n):
        ids.append(
            outbox.enqueue(
                kind="test",
                to=to,
                subject=f"Message {i}",
                text=f"Body {i}",
                html=f"<p>Body {i}</p>",
            ).id
        )
    return ids


def rows() -> list[OutboxMessage]:
    db.session.rollback()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def count_rows() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def test_a_queued_email_vanishes_with_the_transaction_that_wrote_it(app):
    with pytest.raises(RuntimeError), write_transaction():
        queue()
        raise RuntimeError("the change failed after its email was queued")
    assert count_rows() == 0


def test_a_queued_email_commits_with_the_transaction_that_wrote_it(app):
    with write_transaction():
        queue(2)
    assert [(r.status, r.attempts) for r in rows()] == [("pending", 0), ("pending", 0)]


def test_the_worker_delivers_each_message_once_with_text_and_html(app, smtp_server):
    queue(3)
    report = outbox.deliver_due()
    assert report.sent == 3
    assert sorted(m["Subject"] for m in smtp_server.messages) == [
        "Message 0",
        "Message 1",
        "Message 2",
    ]
    message = smtp_server.messages[0]
    assert message["To"] == "asha@example.com"
    assert message.get_body(preferencelist=("html",)).get_content().strip().startswith("<p>Body")
    assert all(r.status == "sent" and r.sent_at is not None and r.attempts == 1 for r in rows())
    assert outbox.deliver_due().tried == 0
    assert len(smtp_server.messages) == 3


def test_mail_queued_while_the_server_is_down_is_delivered_once_when_it_returns(app, smtp_server):
    smtp_server.stop()
    queue(5)
    now = utcnow()
    down = outbox.deliver_due(now)
    assert (down.sent, down.retrying) == (0, 5)
    assert all(r.status == "pending" and r.attempts == 1 and r.last_error for r in rows())
    # Backing off: at the same moment nothing is tried again.
    assert outbox.deliver_due(now).tried == 0

    smtp_server.start()
    later = now + timedelta(hours=2)
    assert outbox.deliver_due(later).sent == 5
    assert outbox.deliver_due(later + timedelta(hours=2)).tried == 0
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == 5 and len(set(ids)) == 5
    assert all(r.status == "sent" and r.attempts == 2 for r in rows())


def test_retries_back_off_exponentially_up_to_a_cap_then_fail(app, smtp_server):
    app.config.update(MAIL_RETRY_BASE_SECONDS=30, MAIL_RETRY_CAP_SECONDS=100, MAIL_MAX_ATTEMPTS=4)
    smtp_server.stop()
    queue()
    now = utcnow()
    waits = []
    for _ in range(3):
        outbox.deliver_due(now)
        (row,) = rows()
        assert row.status == "pending"
        waits.append((row.next_attempt_at - now).total_seconds())
        now = row.next_attempt_at
    assert waits == [30, 60, 100]
    assert outbox.deliver_due(now).failed == 1
    (row,) = rows()
    assert (row.status, row.attempts) == ("failed", 4)
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    # A failed message is left alone until an admin retries it.
    assert outbox.deliver_due(now + timedelta(days=30)).tried == 0


def test_an_admin_retry_sends_a_failed_message(app, smtp_server):
    app.config.update(MAIL_MAX_ATTEMPTS=1)
    smtp_server.stop()
    (message_id,) = queue()
    assert outbox.deliver_due().failed == 1
    smtp_server.start()
    outbox.retry_message(message_id)
    assert outbox.deliver_due().sent == 1
    assert len(smtp_server.messages) == 1
    with pytest.raises(InvalidTransition):
        outbox.retry_message(message_id)
    with pytest.raises(NotFound):
        outbox.retry_message(message_id + 1000)


def test_a_claim_whose_worker_died_is_taken_over_once_the_lease_ends(app, smtp_server):
    (message_id,) = queue()
    dead_token, claimed = outbox.claim_due()
    assert [e.id for e in claimed] == [message_id]
    assert outbox.claim_due()[1] == []  # leased: no one else takes it
    after_lease = utcnow() + timedelta(seconds=app.config["MAIL_CLAIM_SECONDS"] + 1)
    assert outbox.deliver_due(after_lease).sent == 1
    # The dead worker's late outcome changes nothing.
    outbox.mark_failed(message_id, dead_token, "late")
    (row,) = rows()
    assert (row.status, row.last_error) == ("sent", "")


def test_two_workers_draining_one_outbox_send_each_message_once(app, smtp_server):
    queue(30)
    db.session.remove()
    start = threading.Barrier(2)
    reports, errors = [], []

    def worker():
        with app.app_context():
            try:
                start.wait()
                reports.append(outbox.deliver_due(batch=3))
            except BaseException as exc:  # a failure of the test, reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sum(r.sent for r in reports) == 30
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == 30 and len(set(ids)) == 30
    assert all(r.status == "sent" for r in rows())


def test_without_a_mail_server_messages_become_eml_files(app, runner, tmp_path):
    app.config.update(MAIL_SERVER=None, MAIL_FILE_PATH=str(tmp_path / "mail"))
    queue(2)
    result = runner.invoke(args=["deliver-email", "--once"])
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    assert str(tmp_path / "mail") in result.output
    assert "Subject: Message 0" in files[0].read_text()
    assert "Sent 2" in result.output


@pytest.mark.parametrize(
    "values",
    [
        "status = 'lost'",
        "status = 'sent'",  # without sent_at
        "status = 'sending'",  # without a claim
        "attempts = -1",
    ],
)
def test_the_database_refuses_an_outbox_row_in_an_impossible_state(app, values):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    (message_id,) = queue()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text(f"UPDATE outbox_messages SET {values} WHERE id = :id"), {"id": message_id}
        )
    db.session.rollback()
    assert [r.status for r in rows()] == ["pending"]
