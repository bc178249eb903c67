"""The back office's mail page: outbox rows by status, and a retry for a failed one."""

from __future__ import annotations

from sqlalchemy import select

from storefront.extensions import db
from storefront.models import OutboxMessage
from storefront.services import outbox
from tests.web.test_admin_access import log_in


def test_an_admin_sees_each_message_with_its_state_and_retries_a_failed_one(
    client, admin, app, smtp_server
):
    app.config.update(MAIL_MAX_ATTEMPTS=1)
    sent = outbox.enqueue(kind="test", to="a@example.com", subject="Arrives", text="hi").id
    outbox.deliver_due()
    smtp_server.stop()
    failed = outbox.enqueue(kind="test", to="b@example.com", subject="Stuck", text="hi").id
    outbox.deliver_due()
    pending = outbox.enqueue(kind="test", to="c@example.com", subject="Waits", text="hi").id

    log_in(client, admin)
    page = client.get("/admin/mail").get_data(as_text=True)
    for subject in ("Arrives", "Stuck", "Waits"):
        assert subject in page
    assert "Failed (1)" in page and "Sent (1)" in page and "Pending (1)" in page
    assert "ConnectionRefusedError" in page  # the failed one's error
    assert page.count(">Retry<") == 1
    only_failed = client.get("/admin/mail?status=failed").get_data(as_text=True)
    assert "Stuck" in only_failed and "Arrives" not in only_failed

    smtp_server.start()
    response = client.post(f"/admin/mail/{failed}/retry", follow_redirects=True)
    assert f"Mail #{failed} will be sent again shortly." in response.get_data(as_text=True)
    refused = client.post(f"/admin/mail/{sent}/retry", follow_redirects=True)
    assert "Only a failed message can be retried" in refused.get_data(as_text=True)
    assert outbox.deliver_due().sent == 2  # the retried one and the pending one
    db.session.rollback()
    assert {m.id: m.status for m in db.session.scalars(select(OutboxMessage))} == {
        sent: "sent",
        failed: "sent",
        pending: "sent",
    }
