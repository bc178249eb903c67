"""Error pages and problem JSON: ``/api`` answers JSON, everything else HTML."""

from __future__ import annotations

import logging

from flask import Flask, make_response, render_template
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable
from werkzeug.exceptions import NotFound as PageNotFound

from .api.errors import problem, problem_from_domain_error, problem_from_http_exception
from .extensions import db
from .requests import request_id, wants_api
from .services.errors import NotFound, TooManyAttempts
from .storage import StorageError

log = logging.getLogger(__name__)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http(exc: HTTPException):
        if wants_api():
            return problem_from_http_exception(exc)
        return _html_error(exc.code or 500, exc)

    @app.errorhandler(NotFound)
    def handle_not_found(exc: NotFound):
        """A service found no such record (or one the caller may not see): 404 on both
        faces, so a view calls the service and lets this answer for it."""
        if wants_api():
            return problem_from_domain_error(exc)
        return _html_error(404, PageNotFound())

    @app.errorhandler(TooManyAttempts)
    def handle_too_many_attempts(exc: TooManyAttempts):
        if wants_api():
            return problem_from_domain_error(exc)
        minutes = max(1, -(-exc.retry_after // 60))
        body = render_template(
            "errors/429.html", error=exc, code=429, minutes=minutes, request_id=request_id()
        )
        return body, 429, {"Retry-After": str(exc.retry_after)}

    def unavailable(what: str, detail: str, code: str):
        """503 with Retry-After: a part the store depends on failed; nothing was changed."""
        _rollback_quietly()
        rid = request_id()
        log.error("%s unavailable (request id %s): %s", what, rid, detail)
        if wants_api():
            response = problem(
                503,
                f"The store could not reach its {what} in time; nothing was changed. "
                "Try again in a few seconds.",
                code=code,
            )
        else:
            response = _html_error(503, ServiceUnavailable())
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response.headers["X-Request-ID"] = rid
        return response

    @app.errorhandler(sa_exc.OperationalError)
    @app.errorhandler(sa_exc.TimeoutError)
    def handle_database_unavailable(exc: Exception):
        """The database did not answer in time, refused us, or went away: try again soon.

        (``OperationalError`` is the driver's word for "the database, not your
        request": lost connection, statement timeout, SQLite's busy lock;
        ``TimeoutError`` is a full pool.) Nothing was written: the transaction
        rolled back with the connection.
        """
        return unavailable("database", exc.__class__.__name__, "database_unavailable")

    @app.errorhandler(StorageError)
    def handle_storage_unavailable(exc: StorageError):
        """The object store of MEDIA_STORAGE failed or did not answer: try again soon.

        An upload stores its files before its transaction, so nothing was changed.
        """
        return unavailable("image storage", str(exc), "media_storage_unavailable")

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        _rollback_quietly()
        rid = request_id()
        log.exception("unhandled error (request id %s)", rid)
        if wants_api():
            response = problem_from_http_exception(InternalServerError())
        else:
            response = _html_error(500, InternalServerError())
        response.headers["X-Request-ID"] = rid
        return response


RETRY_AFTER_SECONDS = 5


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # the connection may be the thing that failed
        log.warning("rollback after an error failed too", exc_info=True)


def _html_error(code: int, exc: HTTPException):
    if code in (500, 503):
        template = "errors/500.html"  # ours to apologise for, shown without the database
    elif code in (403, 404):
        template = f"errors/{code}.html"
    else:
        template = "errors/generic.html"
    body = render_template(template, code=code, error=exc, request_id=request_id())
    response = make_response(body, code)
    if code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response
