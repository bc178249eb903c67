"""API tokens: short-lived access JWTs and rotating refresh JWTs, revoked by family.

A *family* is one login and every token refreshed from it. Its row in
``token_families`` is the single source of truth for revocation, so a logout
or a detected refresh-token reuse in one process holds in every other process
and host that shares the database. Every access token names its family
(``fid``); it is refused once the family is revoked or gone.

Refresh tokens are single use: each one is a row in ``refresh_tokens`` that is
marked ``used_at`` when it buys a new pair. Presenting a used one again means
it leaked (or the client is replaying), so the whole family is revoked, the
access tokens with it (OAuth 2.0 Security BCP, "refresh token rotation").

A family's ``expires_at`` slides: it is the expiry of its newest refresh token,
so a session lives as long as it is refreshed at least once every
``REFRESH_TOKEN_EXPIRE_DAYS``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from flask import current_app
from sqlalchemy import delete, or_, select

from ..extensions import db
from ..models import RefreshToken, TokenFamily, User, utcnow
from . import accounts
from ._sql import MAX_ID
from ._tx import write_transaction
from .api_sessions import end_api_sessions
from .errors import AuthenticationFailed

ALGORITHM = "HS256"
ACCESS = "access"
REFRESH = "refresh"
REQUIRED_CLAIMS = ("sub", "role", "type", "jti", "fid", "iat", "exp")
_USER_ID = re.compile(r"[1-9][0-9]{0,9}")


class InvalidToken(AuthenticationFailed):
    """A token that is malformed, badly signed, expired, revoked, or of the wrong type."""


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int  # seconds the access token lives
    user: User
    token_type: str = "bearer"  # noqa: S105 (the OAuth 2.0 token type, not a secret)


@dataclass(frozen=True)
class AccessGrant:
    """Who an access token speaks for, read from the database, and its family."""

    user: User
    fid: str


def _secret() -> str:
    return current_app.config["JWT_SECRET_KEY"]


def access_lifetime() -> timedelta:
    return timedelta(minutes=current_app.config.get("ACCESS_TOKEN_EXPIRE_MINUTES", 30))


def refresh_lifetime() -> timedelta:
    return timedelta(days=current_app.config.get("REFRESH_TOKEN_EXPIRE_DAYS", 7))


def encode_token(
    user: User, token_type: str, *, fid: str, jti: str, issued_at: datetime, lifetime: timedelta
) -> str:
    claims = {
        "sub": str(user.id),
        "role": user.role,
        "type": token_type,
        "jti": jti,
        "fid": fid,
        "iat": int(issued_at.timestamp()),
        "exp": int((issued_at + lifetime).timestamp()),
    }
    return jwt.encode(claims, _secret(), algorithm=ALGORITHM)


def decode_token(token: str, expected_type: str) -> dict:
    """The claims of a token we signed, of the expected type; ``InvalidToken`` otherwise.

    Only HS256 with our key is accepted, so ``alg: none`` and tokens signed with
    any other key or algorithm fail here, as do expired ones.
    """
    try:
        claims = jwt.decode(
            token,
            _secret(),
            algorithms=[ALGORITHM],
            options={"require": list(REQUIRED_CLAIMS)},
        )
    except jwt.ExpiredSignatureError:
        raise InvalidToken("The token has expired.")
    except jwt.PyJWTError:
        raise InvalidToken("The token is invalid.")
    if claims.get("type") != expected_type:
        raise InvalidToken(f"An {expected_type} token is required here.")
    # The user id as we write it: ASCII digits, no leading zero, an id a row can
    # have (str.isdigit() also takes "²" and "١", and int("²") fails).
    if not isinstance(claims.get("sub"), str) or not _USER_ID.fullmatch(claims["sub"]):
        raise InvalidToken("The token is invalid.")
    if int(claims["sub"]) > MAX_ID:
        raise InvalidToken("The token is invalid.")
    if not isinstance(claims.get("fid"), str) or not isinstance(claims.get("jti"), str):
        raise InvalidToken("The token is invalid.")
    return claims


def _new_id() -> str:
    return uuid.uuid4().hex


def _issue_in_family(user: User, family: TokenFamily, now: datetime) -> TokenPair:
    """A new access token and a new refresh token row in ``family`` (flushes, no commit)."""
    refresh_jti = _new_id()
    refresh_expires = now + refresh_lifetime()
    db.session.add(RefreshToken(jti=refresh_jti, family_id=family.id, expires_at=refresh_expires))
    family.expires_at = refresh_expires
    db.session.flush()
    access = encode_token(
        user, ACCESS, fid=family.fid, jti=_new_id(), issued_at=now, lifetime=access_lifetime()
    )
    refresh = encode_token(
        user, REFRESH, fid=family.fid, jti=refresh_jti, issued_at=now, lifetime=refresh_lifetime()
    )
    return TokenPair(
        access_token=access,
        refresh_token=refresh,
        expires_in=int(access_lifetime().total_seconds()),
        user=user,
    )


def issue_tokens(user_id: int) -> TokenPair:
    """Start a new token family for a user: a fresh login."""
    now = utcnow()
    with write_transaction():
        user = accounts.get_user(user_id)
        family = TokenFamily(fid=_new_id(), user_id=user.id, expires_at=now + refresh_lifetime())
        db.session.add(family)
        db.session.flush()
        pair = _issue_in_family(user, family, now)
    return pair


def login(email: str, password: str, password_guard=None) -> TokenPair:
    """Check the credentials (same refusal for any wrong pair) and start a token family.

    ``password_guard``: see ``accounts.authenticate``.
    """
    user = accounts.authenticate(email, password, password_guard)
    return issue_tokens(user.id)


def refresh(refresh_token: str) -> TokenPair:
    """Spend a refresh token for a new pair in the same family.

    A refresh token that was already spent revokes its whole family; the
    revocation is committed before the refusal is raised.
    """
    claims = decode_token(refresh_token, REFRESH)
    now = utcnow()
    reused = False
    with write_transaction():
        row = db.session.scalar(
            select(RefreshToken)
            .where(RefreshToken.jti == claims["jti"])
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        family = (
            db.session.scalar(
                select(TokenFamily)
                .where(TokenFamily.id == row.family_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
            if row is not None
            else None
        )
        if family is None or family.fid != claims["fid"] or str(family.user_id) != claims["sub"]:
            raise InvalidToken("The token is invalid.")
        if family.revoked_at is not None:
            raise InvalidToken("The token has been revoked.")
        if row.used_at is not None:
            family.revoked_at = now
            reused = True
        else:
            user = db.session.get(User, family.user_id)
            if user is None or not user.is_active:
                raise InvalidToken("The account is not active.")
            row.used_at = now
            pair = _issue_in_family(user, family, now)
    if reused:
        raise InvalidToken(
            "This refresh token was already used; every token of its session is now revoked."
        )
    return pair


def authenticate_access_token(token: str) -> AccessGrant:
    """The active user an access token speaks for, with the role as the database has it."""
    claims = decode_token(token, ACCESS)
    user = db.session.scalar(
        select(User)
        .join(TokenFamily, TokenFamily.user_id == User.id)
        .where(
            TokenFamily.fid == claims["fid"],
            TokenFamily.revoked_at.is_(None),
            User.id == int(claims["sub"]),
        )
    )
    if user is None:
        raise InvalidToken("The token has been revoked.")
    if not user.is_active:
        raise InvalidToken("The account is not active.")
    return AccessGrant(user=user, fid=claims["fid"])


def logout(user_id: int, fid: str, refresh_token: str | None = None) -> None:
    """Revoke the family of the access token presented, and that of a refresh token given.

    As in RFC 7009 (token revocation), a refresh token that is invalid, expired
    or someone else's is ignored rather than refused: the caller's own session
    ends either way.
    """
    fids = {fid}
    if refresh_token:
        try:
            claims = decode_token(refresh_token, REFRESH)
        except InvalidToken:
            claims = None
        if claims is not None and claims["sub"] == str(user_id):
            fids.add(claims["fid"])
    revoke_families(user_id, fids)


def revoke_families(user_id: int, fids: set[str]) -> int:
    return end_api_sessions(user_id, fids)


def revoke_all_for_user(user_id: int) -> int:
    """End every API session of a user."""
    return end_api_sessions(user_id)


@dataclass(frozen=True)
class PurgeResult:
    families: int
    refresh_tokens: int


def purge_expired(now: datetime | None = None) -> PurgeResult:
    """Delete families that expired or were revoked, and spent or expired refresh tokens.

    Safe at any time: a token whose family row is gone is refused exactly as a
    revoked one is.
    """
    now = now or utcnow()
    with write_transaction():
        dead = select(TokenFamily.id).where(
            or_(TokenFamily.expires_at <= now, TokenFamily.revoked_at.is_not(None))
        )
        tokens = db.session.execute(
            delete(RefreshToken).where(
                or_(RefreshToken.family_id.in_(dead), RefreshToken.expires_at <= now)
            )
        ).rowcount
        families = db.session.execute(
            delete(TokenFamily).where(
                or_(TokenFamily.expires_at <= now, TokenFamily.revoked_at.is_not(None))
            )
        ).rowcount
    return PurgeResult(families=families or 0, refresh_tokens=tokens or 0)
