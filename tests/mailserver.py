"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1 and a free port.

It keeps every message it accepts, parsed; ``stop()`` closes the port (the
mail server is down: connections are refused) and ``start()`` opens it again.
"""

from __future__ import annotations

import email
import threading
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from .processes import HOST, free_port, port_answers, wait_until


class _Collector:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.server._accept(envelope)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.host = HOST
        self._messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def _accept(self, envelope) -> None:
        message = email.message_from_bytes(envelope.original_content, policy=policy.default)
        with self._lock:
            self._messages.append(message)

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def start(self) -> SmtpServer:
        self._controller = Controller(_Collector(self), hostname=self.host, port=self.port)
        self._controller.start()
        wait_until(lambda: port_answers(self.port), 10, f"the SMTP server on port {self.port}")
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
