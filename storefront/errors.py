"""Error pages and problem JSON: ``/api`` answers JSON, everything else HTML."""

from __future__ import annotations

import logging

from flask import Flask, make_response, render_template
from werkzeug.exceptions import HTTPException, InternalServerError

from .api.errors import problem_from_domain_error, problem_from_http_exception
from .extensions import db
from .requests import request_id, wants_api
from .services.errors import TooManyAttempts

log = logging.getLogger(__name__)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        if wants_api():
            return problem_from_http_exception(exc)
        return _html_error(exc.code or 500, exc)

    @app.errorhandler(TooManyAttempts)
    def handle_too_many_attempts(exc: TooManyAttempts):
        if wants_api():
            return problem_from_domain_error(exc)
        minutes = max(1, -(-exc.retry_after // 60))
        body = render_template(
            "errors/429.html", error=exc, code=429, minutes=minutes, request_id=request_id()
        )
        return body, 429, {"Retry-After": str(exc.retry_after)}

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        db.session.rollback()
        rid = request_id()
        log.exception("unhandled error (request id %s)", rid)
        if wants_api():
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
