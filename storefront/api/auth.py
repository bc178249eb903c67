"""/api/auth: register, log in, refresh, log out."""

from __future__ import annotations

from flask import Response, request

from .. import ratelimit
from ..services import accounts, tokens
from . import ApiBlueprint
from .errors import problem
from .schemas import (
    LoginSchema,
    LogoutSchema,
    OAuth2PasswordFormSchema,
    PasswordResetConfirmSchema,
    PasswordResetRequestSchema,
    RefreshSchema,
    RegisterSchema,
    TokenPairSchema,
    UserSchema,
)
from .security import accepts, authenticated, current_fid, current_user

blp = ApiBlueprint(
    "api_auth",
    __name__,
    url_prefix="/api/auth",
    tag="Auth",
    description="Accounts and tokens: access tokens authenticate, refresh tokens rotate.",
)

FORM = "application/x-www-form-urlencoded"
_RATE_LIMITED = {"response": "TOO_MANY_REQUESTS"}

TOKEN_EXAMPLE = {
    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
    "refresh_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
    "token_type": "bearer",
    "expires_in": 1800,
    "user": {
        "id": 7,
        "email": "asha@example.com",
        "full_name": "Asha Rahman",
        "role": "customer",
        "is_active": True,
        "order_cancellation_count": 0,
        "created_at": "2026-11-23T10:00:00+00:00",
        "updated_at": "2026-11-23T10:00:00+00:00",
    },
}


@blp.route("/register", methods=["POST"])
@ratelimit.limit_auth_requests
@authenticated(blp, optional=True)
@blp.arguments(
    RegisterSchema,
    example={"email": "asha@example.com", "password": "correct horse battery", "full_name": "Asha"},
)
@blp.response(201, UserSchema)
@blp.alt_response(409, response="CONFLICT", description="An account has this email.")
@blp.alt_response(429, **_RATE_LIMITED)
def register(args):
    """Create an account

    Anyone may register a customer. `role: "admin"` needs an admin's access
    token (403 otherwise). Rate limited per client address with login.
    """
    if args["role"] == "admin" and not (current_user() and current_user().is_admin):
        return problem(403, "Only an admin can create an admin.", code="forbidden")
    return accounts.register(args["email"], args["password"], args["full_name"], role=args["role"])


def _login_credentials() -> tuple[str, str]:
    """Email and password from a JSON body or an OAuth2 password-grant form."""
    parser = ApiBlueprint.ARGUMENTS_PARSER
    if request.mimetype == FORM:
        form = parser.parse(OAuth2PasswordFormSchema(), request, location="form")
        return form["username"], form["password"]
    body = parser.parse(LoginSchema(), request, location="json")
    return body["email"], body["password"]


@blp.route("/login", methods=["POST"])
@accepts("application/json", FORM)
@ratelimit.limit_auth_requests
@blp.doc(
    requestBody={
        "required": True,
        "content": {
            "application/json": {
                "schema": LoginSchema,
                "example": {"email": "asha@example.com", "password": "correct horse battery"},
            },
            FORM: {"schema": OAuth2PasswordFormSchema},
        },
    }
)
@blp.response(200, TokenPairSchema, example=TOKEN_EXAMPLE)
@blp.alt_response(
    401, response="UNAUTHORIZED", description="Wrong email or password (the same for both)."
)
@blp.alt_response(403, response="FORBIDDEN", description="The account is deactivated.")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.alt_response(429, **_RATE_LIMITED)
def login():
    """Log in: get an access token and a refresh token

    JSON `{email, password}`, or the OAuth2 password grant as a form
    (`username` is the email) for the docs' Authorize button. A wrong password
    and an unknown email get the same 401. Rate limited per client address,
    and per account for failed logins: once over, even the right password gets
    429 until the window passes.
    """
    email, password = _login_credentials()
    return tokens.login(email, password, ratelimit.password_guard(email))


@blp.route("/refresh", methods=["POST"])
@blp.arguments(RefreshSchema)
@blp.response(200, TokenPairSchema, example=TOKEN_EXAMPLE)
@blp.alt_response(
    401,
    response="UNAUTHORIZED",
    description="Invalid, expired, revoked or already used (which revokes its whole session).",
)
def refresh(args):
    """Trade a refresh token for a new pair

    The refresh token is spent: presenting it again revokes every token of its
    session (access tokens included).
    """
    return tokens.refresh(args["refresh_token"])


@blp.route("/logout", methods=["POST"])
@authenticated(blp)
@blp.arguments(LogoutSchema, required=False)
@blp.response(204)
def logout(args):
    """Log out: revoke the session of this access token

    Every token of the session ends, on every server. A `refresh_token` in the
    body has its session revoked too, if it is yours.
    """
    tokens.logout(current_user().id, current_fid(), args.get("refresh_token"))
    return None


@blp.route("/password-reset", methods=["POST"])
@ratelimit.limit_auth_requests
@blp.arguments(PasswordResetRequestSchema, example={"email": "asha@example.com"})
@blp.response(202, description="Accepted; the body is empty.")
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY", description="Not an email address.")
@blp.alt_response(429, **_RATE_LIMITED)
def password_reset(args):
    """Ask for a password reset link by email

    202 with an empty body whether or not an account uses the email (the mail
    says which). The link is `/reset-password/<token>`; its token is what
    `/password-reset/confirm` takes. Rate limited per client address (with
    login) and per email.
    """
    ratelimit.count_password_reset(args["email"])
    accounts.request_password_reset(args["email"])
    return Response(status=202)


@blp.route("/password-reset/confirm", methods=["POST"])
@ratelimit.limit_auth_requests
@blp.arguments(PasswordResetConfirmSchema)
@blp.response(204)
@blp.alt_response(
    400, response="BAD_REQUEST", description="`invalid_token`: used, expired or forged."
)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY", description="A weak password.")
@blp.alt_response(429, **_RATE_LIMITED)
def password_reset_confirm(args):
    """Set a new password with a reset token

    The token works once and expires (an hour by default). Success ends every
    browser session and revokes every API token of the account, as a password
    change does.
    """
    accounts.reset_password(args["token"], args["password"])
    return None
