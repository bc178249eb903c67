"""Accounts: registration, authentication, profile changes, deactivation."""

from __future__ import annotations

import hashlib
import hmac
from typing import Protocol

import bcrypt
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import ROLES, User
from . import notifications
from ._sql import LIKE_ESCAPE, contains_pattern, is_storable_id
from ._tx import transactional
from .api_sessions import end_api_sessions
from .errors import (
    AccountDeactivated,
    AuthenticationFailed,
    CannotActOnSelf,
    DuplicateEmail,
    InvalidResetLink,
    NotFound,
    ValidationError,
)
from .pagination import Page, paginate

MIN_PASSWORD_LENGTH = 8
BCRYPT_MAX_BYTES = 72
BAD_CREDENTIALS = "Incorrect email or password."
# Checked against when the email is unknown, so both paths cost one bcrypt
# check of the same cost and a stranger cannot tell which emails exist.
_dummy_hashes: dict[int, bytes] = {}


def _bcrypt_rounds() -> int:
    return current_app.config.get("BCRYPT_LOG_ROUNDS", 12)


def _dummy_hash() -> bytes:
    rounds = _bcrypt_rounds()
    if rounds not in _dummy_hashes:
        _dummy_hashes[rounds] = bcrypt.hashpw(b"no-such-account", bcrypt.gensalt(rounds))
    return _dummy_hashes[rounds]


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def check_email(email: str) -> str:
    email = normalize_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(f"Enter a valid email address ({exc}).", field="email") from None
    if len(email) > 255:
        raise ValidationError("The email address is too long.", field="email")
    return email


def check_password_rules(password: str, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Use at least {MIN_PASSWORD_LENGTH} characters.", field=field)
    # bcrypt reads only 72 bytes; refusing is honest where truncating is not.
    if len(password.encode("utf-8")) > BCRYPT_MAX_BYTES:
        raise ValidationError(
            f"Use at most {BCRYPT_MAX_BYTES} bytes (fewer characters with accents or emoji).",
            field=field,
        )


def hash_password(password: str) -> str:
    check_password_rules(password)
    salt = bcrypt.gensalt(rounds=_bcrypt_rounds())
    return bcrypt.hashpw(password.encode("utf-8"), salt).decode()


def password_matches(user: User | None, password: str) -> bool:
    raw = (password or "").encode("utf-8")
    if len(raw) > BCRYPT_MAX_BYTES:
        raw = raw[:0]  # cannot match: such passwords are never set
    if user is None:
        bcrypt.checkpw(raw, _dummy_hash())
        return False
    return bcrypt.checkpw(raw, user.password_hash.encode())


def _email_taken(email: str, except_user_id: int | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.email) == email)
    if except_user_id is not None:
        stmt = stmt.where(User.id != except_user_id)
    return db.session.scalar(stmt) is not None


def _check_full_name(full_name: str | None) -> str:
    full_name = (full_name or "").strip()
    if len(full_name) > 200:
        raise ValidationError("Use at most 200 characters.", field="full_name")
    return full_name


@transactional
def register(email: str, password: str, full_name: str = "", role: str = "customer") -> User:
    """Create an account. Who may create an admin is the caller's check."""
    if role not in ROLES:
        raise ValidationError(f"Role must be one of: {', '.join(ROLES)}.", field="role")
    email = check_email(email)
    full_name = _check_full_name(full_name)
    password_hash = hash_password(password)
    if _email_taken(email):
        raise DuplicateEmail("An account with this email already exists.")
    user = User(email=email, password_hash=password_hash, full_name=full_name, role=role)
    db.session.add(user)
    _flush_or_duplicate_email()
    return user


def _flush_or_duplicate_email() -> None:
    """Flush; a unique violation on the email means another request took it meanwhile."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        if "email" not in str(exc.orig).lower():
            raise
        raise DuplicateEmail("An account with this email already exists.") from None


def create_admin(email: str, password: str, full_name: str = "") -> User:
    return register(email, password, full_name, role="admin")


class PasswordGuard(Protocol):
    def attempt(self) -> None:
        """Count a try of the password before it is checked; raise if over the limit.

        Counting first (atomically) is what holds the limit when many tries
        arrive at once: none of them can pass a check before the others count.
        """

    def succeeded(self) -> None:
        """The password was right: forget the tries counted so far."""


def authenticate(email: str, password: str, password_guard: PasswordGuard | None = None) -> User:
    """The account these credentials open; the same refusal for any wrong pair.

    With a ``password_guard`` (the pages and the API pass
    ``ratelimit.password_guard(email)``), every try counts against the account
    before its password is checked (an account over its limit is refused, even
    with the right password), and a right password clears the count.
    """
    if password_guard is not None:
        password_guard.attempt()
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if not password_matches(user, password):
        raise AuthenticationFailed(BAD_CREDENTIALS)
    if password_guard is not None:
        password_guard.succeeded()
    if not user.is_active:
        raise AccountDeactivated("This account has been deactivated.")
    return user


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id) if is_storable_id(user_id) else None
    if user is None:
        raise NotFound("No such user.")
    return user


class WrongPassword(ValidationError):
    """A current password was given and it is not the account's."""


def _check_current_password(
    user: User, current_password: str | None, guard: PasswordGuard | None
) -> None:
    if not current_password:
        raise ValidationError(
            "Enter your current password to change your email or password.",
            field="current_password",
        )
    if guard is not None:
        guard.attempt()
    if not password_matches(user, current_password):
        raise WrongPassword(
            "That is not your current password. Please type it again.",
            field="current_password",
        )
    if guard is not None:
        guard.succeeded()


@transactional
def update_account(
    user_id: int,
    *,
    full_name: str | None = None,
    email: str | None = None,
    password: str | None = None,
    current_password: str | None = None,
    password_guard: PasswordGuard | None = None,
) -> User:
    """Change name, email or password; the last two need the current password.

    ``password_guard`` (see ``storefront.ratelimit.password_guard``) counts the
    try of the current password against the account's failed-login limit (and
    refuses one over it), so that a stolen session or token cannot guess it here.
    """
    user = get_user(user_id)
    new_email = None
    if email is not None and normalize_email(email) != user.email:
        new_email = check_email(email)
    if new_email is not None or password:
        _check_current_password(user, current_password, password_guard)
    if full_name is not None:
        user.full_name = _check_full_name(full_name)
    if new_email is not None:
        if _email_taken(new_email, except_user_id=user.id):
            raise DuplicateEmail("An account with this email already exists.")
        user.email = new_email
    if password:
        _set_password(user, password)
    _flush_or_duplicate_email()
    return user


def _set_password(user: User, password: str) -> None:
    """A new password, however it was set, ends every session the old one opened:
    the API's token families are revoked here, and browser sessions end because
    their reference carries the password's fingerprint (``User.get_id``)."""
    user.password_hash = hash_password(password)
    end_api_sessions(user.id)


# --- password reset ---------------------------------------------------------

_RESET_SALT = "storefront.password-reset"


def _password_fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def _reset_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_RESET_SALT)


def _reset_max_age() -> int:
    return int(current_app.config.get("PASSWORD_RESET_MAX_AGE", 3600))


def password_reset_token(user: User) -> str:
    """A signed link token: the account and its password's fingerprint.

    It expires after ``PASSWORD_RESET_MAX_AGE`` seconds, and it is void as soon
    as the password changes (by this link or otherwise): so it works once.
    """
    return _reset_signer().dumps({"u": user.id, "p": _password_fingerprint(user)})


@transactional
def request_password_reset(email: str) -> None:
    """Mail a reset link to the account with this email, or say to the address that
    no account uses it. The caller answers the same either way, and both paths do
    the same work (one lookup, one message queued), so neither the answer nor its
    time tells a stranger which emails have accounts."""
    email = check_email(email)
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None and user.is_active:
        notifications.send(
            "password_reset",
            user.email,
            "Reset your Storefront password",
            name=user.full_name,
            reset_url=notifications.link("auth.reset_password", token=password_reset_token(user)),
            valid_minutes=_reset_max_age() // 60,
        )
    else:
        notifications.send(
            "password_reset_no_account",
            email,
            "Storefront password reset",
            register_url=notifications.link("auth.register"),
        )


def _user_of_reset_token(token: str, *, lock: bool = False) -> User:
    try:
        data = _reset_signer().loads(token or "", max_age=_reset_max_age())
        user_id, fingerprint = int(data["u"]), str(data["p"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise InvalidResetLink() from None
    stmt = select(User).where(User.id == user_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    user = db.session.scalar(stmt) if is_storable_id(user_id) else None
    if (
        user is None
        or not user.is_active
        or not hmac.compare_digest(_password_fingerprint(user), fingerprint)
    ):
        raise InvalidResetLink()
    return user


def check_reset_token(token: str) -> User:
    """The account a reset link is for; ``InvalidResetLink`` if it is used, expired or forged."""
    return _user_of_reset_token(token)


@transactional
def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link, which it voids; every session ends."""
    # The row lock makes two uses of one link at once take turns: the second
    # sees the new password's fingerprint and is refused.
    user = _user_of_reset_token(token, lock=True)
    _set_password(user, password)
    db.session.flush()
    return user


@transactional
def deactivate_user(user_id: int, actor_id: int | None = None) -> User:
    """Deactivate instead of deleting: orders keep their customer."""
    if actor_id is not None and user_id == actor_id:
        raise CannotActOnSelf("You cannot deactivate your own account.")
    user = get_user(user_id)
    user.is_active = False
    end_api_sessions(user.id)
    db.session.flush()
    return user


@transactional
def reactivate_user(user_id: int, actor_id: int | None = None) -> User:
    if actor_id is not None and user_id == actor_id:
        raise CannotActOnSelf("You cannot change your own account's state.")
    user = get_user(user_id)
    user.is_active = True
    db.session.flush()
    return user


def list_users(
    q: str | None = None,
    role: str | None = None,
    is_active: bool | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[User]:
    stmt = select(User).order_by(User.created_at.desc(), User.id.desc())
    if q:
        pattern = contains_pattern(q.strip())
        stmt = stmt.where(
            or_(
                func.lower(User.email).like(pattern, escape=LIKE_ESCAPE),
                func.lower(User.full_name).like(pattern, escape=LIKE_ESCAPE),
            )
        )
    if role:
        if role not in ROLES:
            raise ValidationError(f"Role must be one of: {', '.join(ROLES)}.", field="role")
        stmt = stmt.where(User.role == role)
    if is_active is not None:
        stmt = stmt.where(User.is_active.is_(is_active))
    return paginate(stmt, page, per_page)
