"""RFC 9457 problem JSON for everything under /api, and the one map of errors to statuses.

Every problem has ``type`` (``about:blank``: the status says what happened),
``title`` (the status phrase), ``status``, ``detail`` (a sentence for people),
``code`` (a stable machine-readable name such as ``out_of_stock``) and
``request_id`` (also sent as ``X-Request-ID``). Validation problems add
``errors: [{field, message}]``; stock conflicts add ``shortages``; a
``total_changed`` conflict adds the new ``subtotal``, ``discount_amount``,
``shipping_fee`` and ``total_amount`` beside the ``expected_total`` sent.
"""

from __future__ import annotations

import re
from http import HTTPStatus

from flask import Blueprint, jsonify
from werkzeug.exceptions import HTTPException

from ..requests import request_id
from ..services import errors as domain
from ..services.images import ImageTooLarge
from ..services.money import format_money

PROBLEM_MIMETYPE = "application/problem+json"
BEARER_REALM = 'Bearer realm="storefront"'

# Most specific first: the first class an error is an instance of decides.
STATUS_BY_ERROR: list[tuple[type[domain.DomainError], int]] = [
    (domain.ValidationError, 422),
    (domain.NotFound, 404),
    (domain.AuthenticationFailed, 401),
    (domain.AccountDeactivated, 403),
    (domain.PermissionDenied, 403),
    (domain.Conflict, 409),
    (ImageTooLarge, 413),
    (domain.TooManyAttempts, 429),
]

# What the werkzeug/webargs errors are called in ``code``.
CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    431: "request_header_fields_too_large",
    500: "internal_error",
    503: "service_unavailable",
}

INTERNAL_DETAIL = "An unexpected error occurred. Quote the request id if you report it."


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def problem(
    status: int,
    detail: str = "",
    *,
    code: str | None = None,
    headers: dict[str, str] | None = None,
    **extra,
):
    """A problem+json response."""
    rid = request_id()
    body = {
        "type": "about:blank",
        "title": _phrase(status),
        "status": status,
        "detail": detail or _phrase(status),
        "code": code or CODE_BY_STATUS.get(status, "error"),
        "request_id": rid,
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_MIMETYPE
    response.headers["X-Request-ID"] = rid
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", BEARER_REALM)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def unauthorized(detail: str, *, invalid_token: bool = False):
    """401 with the RFC 6750 challenge; ``invalid_token`` when a token was presented."""
    challenge = BEARER_REALM
    code = "missing_token"
    if invalid_token:
        challenge += ', error="invalid_token", error_description="' + detail.replace('"', "") + '"'
        code = "invalid_token"
    return problem(401, detail, code=code, headers={"WWW-Authenticate": challenge})


# --- validation messages from webargs/marshmallow ---------------------------------

_LOCATION_FIELD = {"json": "body", "form": "body", "files": "body", "json_or_form": "body"}


def _flatten(messages, prefix: str, out: list[dict]) -> None:
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                _flatten(value, prefix, out)
            else:
                _flatten(value, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(messages, list | tuple):
        for value in messages:
            _flatten(value, prefix, out)
    else:
        out.append({"field": prefix, "message": str(messages)})


def field_errors(messages: dict) -> list[dict]:
    """webargs' ``{location: {field: [message]}}`` as ``[{field, message}]``."""
    out: list[dict] = []
    for location, value in messages.items():
        if isinstance(value, dict):
            for field, inner in value.items():
                name = _LOCATION_FIELD.get(location, location) if field == "_schema" else field
                _flatten(inner, name, out)
        else:
            _flatten(value, _LOCATION_FIELD.get(location, location), out)
    return out


def validation_problem(
    errors: list[dict],
    detail: str = "The request has invalid values.",
    code: str = "validation_failed",
):
    return problem(422, detail, code=code, errors=errors)


# --- the handlers -----------------------------------------------------------------


def problem_from_http_exception(exc: HTTPException):
    """Any HTTP error under /api (werkzeug, webargs, unexpected failures) as a problem."""
    status = exc.code or 500
    if status >= 500:
        # Nothing internal leaks: the log has the details under the request id.
        return problem(status, INTERNAL_DETAIL)
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    headers = {}
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            headers[name] = value
    if status == 422 and messages:
        return validation_problem(field_errors(messages))
    if status == 400 and messages:
        errors = field_errors(messages)
        detail = "The request body is not valid JSON."
        if not any(e["message"] == "Invalid JSON body." for e in errors):
            detail = "; ".join(e["message"] for e in errors) or "Bad request."
        return problem(400, detail, code="malformed_body")
    detail = exc.description or _phrase(status)
    if status == 404:
        detail = "There is nothing at this address."
    elif status == 405:
        detail = "This address does not accept that method; see the Allow header."
    elif status == 413:
        detail = "The request body is too large."
    response = problem(status, detail, headers=headers)
    if status == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def problem_from_domain_error(exc: domain.DomainError):
    """A service's refusal as a problem: the status comes from the table above."""
    status = next((s for cls, s in STATUS_BY_ERROR if isinstance(exc, cls)), 400)
    code = exc.code or _snake(type(exc).__name__)
    if status == 401:
        from ..services.tokens import InvalidToken

        if isinstance(exc, InvalidToken):
            return unauthorized(exc.message, invalid_token=True)
        return problem(401, exc.message, code="invalid_credentials")
    if isinstance(exc, domain.ValidationError):
        errors = [{"field": f, "message": m} for f, m in exc.errors.items()]
        # A refusal with a code of its own (variant_required) keeps it.
        return validation_problem(
            errors or [{"field": "body", "message": exc.message}],
            code=exc.code or "validation_failed",
        )
    extra = {}
    if isinstance(exc, domain.OutOfStock):
        extra["shortages"] = [
            {
                "product_id": s.product_id,
                "product_name": s.product_name,
                "requested": s.requested,
                "available": s.available,
            }
            for s in exc.shortages
        ]
    elif isinstance(exc, domain.ProductUnavailable):
        extra["products"] = [
            {"product_id": pid, "product_name": name} for pid, name in exc.products
        ]
    elif isinstance(exc, domain.TotalChanged):
        extra["expected_total"] = format_money(exc.expected)
        extra.update({k: format_money(v) for k, v in exc.quote.as_dict().items()})
    if exc.field and status == 409:
        extra["field"] = exc.field
    if isinstance(exc, domain.TooManyAttempts):
        headers = {"Retry-After": str(exc.retry_after)}
        return problem(429, exc.message, code="too_many_requests", headers=headers)
    return problem(status, exc.message, code=code, **extra)


def install_error_handlers(bp: Blueprint) -> None:
    """Answer a service's refusals in a blueprint's views with problem JSON."""
    bp.register_error_handler(domain.DomainError, problem_from_domain_error)
