"""Outgoing mail's transport: SMTP through Flask-Mailman, or ``.eml`` files.

With ``MAIL_SERVER`` set, a message goes to that server (``MAIL_PORT``,
``MAIL_USE_TLS``/``MAIL_USE_SSL``, ``MAIL_USERNAME``/``MAIL_PASSWORD``).
Without it (development), each message is written to ``MAIL_FILE_PATH``
(``instance/mail/``) as an ``.eml`` file, which any mail reader opens.

Only the outbox worker (``services.outbox.deliver_due``) calls ``send``: a
request never talks to the mail server, so a slow or absent one never slows
or fails a checkout.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_mailman import EmailMultiAlternatives

from .extensions import mail


@dataclass(frozen=True)
class Envelope:
    """What the transport needs of an outbox row."""

    id: int
    to_address: str
    subject: str
    text_body: str
    html_body: str | None
    headers: str  # JSON object


def init_app(app: Flask) -> None:
    # Flask-Mailman picks the in-memory backend when TESTING unless told; we
    # always name SMTP, and write files ourselves when there is no server.
    app.config["MAIL_BACKEND"] = "smtp"
    mail.init_app(app)


def uses_smtp() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def describe_transport() -> str:
    config = current_app.config
    if uses_smtp():
        tls = " (STARTTLS)" if config.get("MAIL_USE_TLS") else ""
        tls = " (SSL)" if config.get("MAIL_USE_SSL") else tls
        return f"SMTP server {config['MAIL_SERVER']}:{config['MAIL_PORT']}{tls}"
    return f"files in {config['MAIL_FILE_PATH']} (MAIL_SERVER is not set)"


def _message_id(envelope: Envelope) -> str:
    """The same Message-ID on every try, so a receiver can tell a resend for what it is."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or ""
    match = re.search(r"@([A-Za-z0-9.-]+)", sender)
    base = current_app.config.get("PUBLIC_BASE_URL")
    domain = match.group(1) if match else (urlsplit(base).hostname if base else "localhost")
    return f"<outbox-{envelope.id}@{domain}>"


def build_message(envelope: Envelope, connection=None) -> EmailMultiAlternatives:
    headers = {"Message-ID": _message_id(envelope), **json.loads(envelope.headers or "{}")}
    message = EmailMultiAlternatives(
        subject=envelope.subject,
        body=envelope.text_body,
        from_email=current_app.config.get("MAIL_DEFAULT_SENDER"),
        to=[envelope.to_address],
        headers=headers,
        connection=connection,
    )
    if envelope.html_body:
        message.attach_alternative(envelope.html_body, "text/html")
    return message


def send(envelope: Envelope) -> str:
    """Deliver one message; raise on failure. Returns where it went."""
    if not uses_smtp():
        folder = Path(current_app.config["MAIL_FILE_PATH"])
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{envelope.id:08d}.eml"
        path.write_bytes(build_message(envelope).message().as_bytes())
        return str(path)
    with mail.get_connection(backend="smtp") as connection:
        sent = build_message(envelope, connection).send()
    if sent != 1:  # pragma: no cover - the backend raises rather than return 0
        raise RuntimeError("the SMTP server did not accept the message")
    return describe_transport()
