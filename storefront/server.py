"""gunicorn's own refusals answered by the store: problem JSON under /api, else its page.

gunicorn refuses some requests before any application sees them (a header
over ``limit_request_field_size``: 431; an invalid byte in a header: 400; a
request line over ``limit_request_line``: 414) and answers them with an HTML
page of its own. ``gunicorn.conf.py`` calls ``answer_refusals_with_the_app``
in every worker: gunicorn still decides the status, logs and closes the
connection, but the response is the app's own answer to a bare ``GET`` of
the same path carrying that status (no headers, cookies or body: those are
what was refused). Where gunicorn could not read the path (a request line
too long), the answer is the HTML page for ``/``.

This module is imported only by gunicorn's workers; the app never imports it.
"""

from __future__ import annotations

import threading

from gunicorn import util
from gunicorn.http.message import Request as GunicornRequest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from .requests import SERVER_REFUSAL

_current = threading.local()
_gunicorn_write_error = util.write_error


def answer_refusals_with_the_app(worker) -> None:
    """Make ``worker`` answer the requests gunicorn refuses through the app."""
    handle_error = worker.handle_error

    def handle_error_through_the_app(req, client, addr, exc):
        _current.worker = worker
        _current.path = _path_of(req, exc)
        try:
            handle_error(req, client, addr, exc)
        finally:
            _current.worker = _current.path = None

    worker.handle_error = handle_error_through_the_app
    # gunicorn's handle_error ends with util.write_error(sock, status, reason, message).
    util.write_error = write_error


def write_error(sock, status_int, reason, mesg):
    worker = getattr(_current, "worker", None)
    try:
        response = _render(worker.wsgi, status_int, reason, _current.path)
    except Exception:  # whatever went wrong, gunicorn's own page still goes out
        worker.log.exception("the app could not answer a refused request")
        return _gunicorn_write_error(sock, status_int, reason, mesg)
    util.write_nonblock(sock, response)


def _render(app, status: int, reason: str, path: str | None) -> bytes:
    """The app's answer to a bare GET of ``path`` refused with ``status``, as HTTP/1.1 bytes."""
    environ = EnvironBuilder(path=path or "/", method="GET").get_environ()
    environ[SERVER_REFUSAL] = (status, reason)
    app_iter, status_line, headers = run_wsgi_app(app, environ, buffered=True)
    try:
        body = b"".join(app_iter)
    finally:
        getattr(app_iter, "close", lambda: None)()
    head = [f"HTTP/1.1 {status} {reason}"]
    head += [f"{name}: {value}" for name, value in headers if name.lower() != "connection"]
    head.append("Connection: close")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def _path_of(req, exc) -> str | None:
    """The refused request's path, where gunicorn had read it."""
    req = req or getattr(exc, "req", None)
    tb = exc.__traceback__
    while req is None and tb is not None:
        candidate = tb.tb_frame.f_locals.get("self")
        if isinstance(candidate, GunicornRequest):
            req = candidate
        tb = tb.tb_next
    path = getattr(req, "path", None)
    return path if isinstance(path, str) and path.startswith("/") else None
