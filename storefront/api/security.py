"""Who is calling: bearer access tokens only, never the session cookie.

Every protected view is wrapped by ``authenticated(blp, ...)``, which checks the
``Authorization: Bearer`` header against the token service (signature, expiry,
type, revocation, the account still active) and reads the role from the
database, then documents the requirement in the OpenAPI document.
"""

from __future__ import annotations

from functools import wraps

from flask import current_app, g, request

from ..models import User
from ..services import tokens
from .errors import problem, unauthorized

BEARER = "bearerAuth"
OAUTH2 = "oauth2Password"
SECURITY = [{BEARER: []}, {OAUTH2: []}]
OPTIONAL_SECURITY = [{}, {BEARER: []}, {OAUTH2: []}]
JSON = "application/json"


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if one was sent."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_user() -> User | None:
    return g.get("api_user")


def current_fid() -> str | None:
    return g.get("api_token_fid")


def _authenticate() -> None:
    grant = tokens.authenticate_access_token(bearer_token())
    g.api_user = grant.user
    g.api_token_fid = grant.fid


def authenticated(blp, *roles: str, optional: bool = False, role_detail: str | None = None):
    """Require a valid access token (and one of ``roles`` if given).

    With ``optional``, a request without an Authorization header goes through
    anonymously, but a header that is present must hold a valid token.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if request.headers.get("Authorization") is None:
                if not optional:
                    return unauthorized(
                        "Authentication required: send Authorization: Bearer <access token>."
                    )
                g.api_user = None
            elif bearer_token() is None:
                return unauthorized(
                    "Use the Bearer scheme: Authorization: Bearer <access token>.",
                    invalid_token=True,
                )
            else:
                try:
                    _authenticate()
                except tokens.InvalidToken as exc:
                    return unauthorized(exc.message, invalid_token=True)
            user = g.api_user
            if roles and (user is None or user.role not in roles):
                detail = role_detail or f"This needs the {' or '.join(roles)} role."
                return problem(403, detail, code="forbidden")
            refused = _refuse_media_type(_accepted_media_types())
            if refused is not None:
                return refused
            return current_app.ensure_sync(view)(*args, **kwargs)

        # Who is calling is answered first (401/403), then what was sent (415).
        wrapper._checks_media_type = True

        wrapper = blp.doc(security=OPTIONAL_SECURITY if optional else SECURITY)(wrapper)
        wrapper = blp.alt_response(401, response="UNAUTHORIZED")(wrapper)
        if roles or optional:
            wrapper = blp.alt_response(403, response="FORBIDDEN")(wrapper)
        return wrapper

    return decorator


def admin_only(blp):
    return authenticated(blp, "admin")


def customer_only(blp):
    return authenticated(
        blp,
        "customer",
        role_detail="The cart and checkout are a shopper's: use a customer account.",
    )


def accepts(*media_types: str):
    """Declare the body media types a view takes (JSON by default); others get 415."""

    def decorator(view):
        view._accepts = media_types
        return view

    return decorator


def _is_json(mimetype: str) -> bool:
    return mimetype == JSON or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def check_media_type():
    """``before_request`` of every API blueprint: a body in a type the view does not take is 415.

    Views behind ``authenticated`` check it themselves, after the token.
    """
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "_checks_media_type", False):
        return None
    return _refuse_media_type(_accepted_media_types())


def _accepted_media_types() -> tuple[str, ...]:
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "_accepts", (JSON,))


def _refuse_media_type(accepted: tuple[str, ...]):
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    has_body = bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    )
    mimetype = request.mimetype
    if not mimetype and not has_body:
        return None  # nothing sent: the schema says what is missing
    if mimetype in accepted or (JSON in accepted and _is_json(mimetype)):
        return None
    # RFC 9110 15.5.16: Accept in a 415 names the media types the request could have used.
    return problem(
        415,
        f"Send the body as {' or '.join(accepted)}.",
        code="unsupported_media_type",
        headers={"Accept": ", ".join(accepted)},
    )
