"""The store's emails: each rendered from Jinja templates (a plain-text part and an
HTML part) and queued in the outbox, in the caller's transaction.

Templates live in ``templates/email/``: ``<name>.txt`` and ``<name>.html``; the
HTML part extends ``email/_layout.html`` (styles inline, no remote image, no
script). Links in a mail start with ``PUBLIC_BASE_URL``; unset (development),
with ``http://127.0.0.1:5000``, where ``make run`` serves.
"""

from __future__ import annotations

from flask import current_app, render_template

from ..models import OutboxMessage
from .outbox import enqueue

DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def link(endpoint: str, **values) -> str:
    """An absolute URL for a mail: built without a request, never from a Host header."""
    base = current_app.config.get("PUBLIC_BASE_URL") or DEVELOPMENT_BASE_URL
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base + path


def send(
    template: str, to: str, subject: str, *, headers: dict[str, str] | None = None, **context
) -> OutboxMessage:
    """Render ``templates/email/<template>.txt`` and ``.html`` and queue the message."""
    context = {
        "subject": subject,
        "shop_url": link("shop.home"),
        "currency": current_app.config.get("CURRENCY", ""),
        **context,
    }
    return enqueue(
        kind=template,
        to=to,
        subject=subject,
        text=render_template(f"email/{template}.txt", **context),
        html=render_template(f"email/{template}.html", **context),
        headers=headers,
    )
