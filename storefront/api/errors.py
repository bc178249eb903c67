"""RFC 9457 problem JSON for everything under /api."""

from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException


def problem(status: int, title: str, detail: str = "", **extra):
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def problem_from_http_exception(exc: HTTPException):
    code = exc.code or 500
    detail = exc.description if code != 500 else "An unexpected error occurred."
    response = problem(code, exc.name, detail)
    if code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response
