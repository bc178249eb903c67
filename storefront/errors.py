"""Error pages and problem JSON: ``/api`` answers JSON, everything else HTML."""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, g, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .services.errors import TooManyAttempts

log = logging.getLogger(__name__)


def wants_api(req=None) -> bool:
    req = req or request
    return req.path == "/api" or req.path.startswith("/api/")


# A proxy's request id is kept if it looks like one; anything else (markup,
# spaces, kilobytes of text) would be echoed into pages, problems and logs.
_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id() -> str:
    if "request_id" not in g:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if _CLIENT_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    return g.request_id


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        if wants_api():
            from .api.errors import problem_from_http_exception

            return problem_from_http_exception(exc)
        return _html_error(exc.code or 500, exc)

    @app.errorhandler(TooManyAttempts)
    def handle_too_many_attempts(exc: TooManyAttempts):
        if wants_api():
            from .api.errors import problem_from_domain_error

            return problem_from_domain_error(exc)
        minutes = max(1, -(-exc.retry_after // 60))
        body = render_template(
            "errors/429.html", error=exc, code=429, minutes=minutes, request_id=request_id()
        )
        return body, 429, {"Retry-After": str(exc.retry_after)}

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        from .extensions import db

        db.session.rollback()
        rid = request_id()
        log.exception("unhandled error (request id %s)", rid)
        if wants_api():
            from .api.errors import problem_from_http_exception

            response = problem_from_http_exception(InternalServerError())
        else:
            response = _html_error(500, InternalServerError())
        response.headers["X-Request-ID"] = rid
        return response


def _html_error(code: int, exc: HTTPException):
    template = f"errors/{code}.html" if code in (403, 404, 500) else "errors/generic.html"
    body = render_template(template, code=code, error=exc, request_id=request_id())
    response = make_response(body, code)
    if code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response
