"""Settings, read from the environment (``wsgi.py`` and the CLI also read a ``.env``).

Secrets only ever come from the environment; in development a secret key is
generated once and kept in the instance folder so sessions survive restarts.
"""

from __future__ import annotations

import os
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit


class ConfigError(RuntimeError):
    """The store cannot start with the settings it was given."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


MAX_SECONDS = 7 * 24 * 3600  # the longest duration a setting may name: a week
MIN_SECONDS = Decimal("0.001")  # the shortest: a millisecond (what a timeout in ms can hold)


def _seconds(name: str, default: float, *, zero: bool = False) -> float:
    """A duration in seconds from the environment (a timeout, a delay): never money.

    Read exactly (Decimal) and refused at start-up unless it is a number from a
    millisecond to a week ("nan", "inf", "-1" and "2s" would otherwise make a timeout
    that never or always fires, or fail later; 0 would make a socket non-blocking, a
    lease run out at once, a worker poll without rest). ``zero``: 0 is allowed too,
    for a setting where it means something (the statement timeout off). Handed to
    the standard library (sockets, sleeps) as seconds to the microsecond.
    """
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    try:
        seconds = Decimal(value.strip())
    except InvalidOperation:
        seconds = None
    allowed = (
        seconds is not None
        and seconds.is_finite()
        and ((zero and seconds == 0) or MIN_SECONDS <= seconds <= MAX_SECONDS)
    )
    if not allowed:
        least = "0" if zero else str(MIN_SECONDS)
        raise ConfigError(
            f"{name}={value!r}: give a number of seconds from {least} to {MAX_SECONDS} (e.g. 2.5)."
        )
    return int(seconds * 1_000_000) / 1_000_000


def is_production() -> bool:
    return (
        os.environ.get("STOREFRONT_ENV", "").lower() == "production"
        or os.environ.get("FLASK_ENV", "").lower() == "production"
    )


def _load_key(name: str, instance_path: str, production: bool) -> str:
    """A signing key from the environment; in development, generated once and kept."""
    key = os.environ.get(name, "")
    if production:
        if len(key) < 32:
            raise ConfigError(
                f"{name} must be set to at least 32 characters in production "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        return key
    if key:
        return key
    path = Path(instance_path) / name.lower()
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_secret_key(instance_path: str, production: bool) -> str:
    """SECRET_KEY signs the browser's session and remember-me cookies and CSRF tokens."""
    return _load_key("SECRET_KEY", instance_path, production)


def load_jwt_secret_key(instance_path: str, production: bool, secret_key: str) -> str:
    """JWT_SECRET_KEY signs the API's tokens: rotating one key never logs out the other face."""
    key = _load_key("JWT_SECRET_KEY", instance_path, production)
    if production and key == secret_key:
        raise ConfigError(
            "JWT_SECRET_KEY must differ from SECRET_KEY, so that rotating one "
            "does not log out the other face."
        )
    return key


PAYMENT_METHOD_CODES = ("cod", "bank_transfer")


def _payment_methods(value: str | None) -> tuple[str, ...]:
    """``PAYMENT_METHODS``: the ways the shop takes money, comma-separated, in its order."""
    codes = tuple(c.strip() for c in (value or "cod,bank_transfer").split(",") if c.strip())
    unknown = [c for c in codes if c not in PAYMENT_METHOD_CODES]
    if unknown or not codes:
        raise ConfigError(
            f"PAYMENT_METHODS={value!r}: use one or more of {', '.join(PAYMENT_METHOD_CODES)}"
        )
    return codes


def _revenue_basis(value: str | None) -> str:
    """``REVENUE_BASIS``: the dashboard counts orders ``placed`` (default) or ``paid``."""
    value = (value or "placed").strip()
    if value not in ("placed", "paid"):
        raise ConfigError(f"REVENUE_BASIS={value!r}: use placed or paid")
    return value


def _timezone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"SHOP_TIMEZONE={name!r} is not a known time zone (try 'UTC' or 'Asia/Dhaka')."
        ) from None
    return name


def _http_url(name: str, value: str | None, example: str) -> str | None:
    """An http(s) URL prefix without a trailing slash, or None when unset: no user
    name, query or fragment (each would break every link built on it)."""
    value = (value or "").strip()
    if not value:
        return None
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username
        or parts.query
        or parts.fragment
    ):
        raise ConfigError(f"{name}={value!r} must be an http(s) URL, such as {example}")
    return value.rstrip("/")


def public_base_url(value: str | None) -> str | None:
    """``PUBLIC_BASE_URL``: the shop's address (an origin and optional path), or None."""
    return _http_url("PUBLIC_BASE_URL", value, "https://shop.example.com")


def media_storage(value: str | None) -> str | None:
    """``MEDIA_STORAGE``: unset for ``MEDIA_ROOT``, or ``s3://bucket/prefix``."""
    from .storage import s3_location

    value = (value or "").strip()
    if not value:
        return None
    try:
        s3_location(value)
    except ValueError:
        raise ConfigError(
            f"MEDIA_STORAGE={value!r}: leave it unset for MEDIA_ROOT, or name a bucket "
            "and a key prefix, such as s3://shop-media/products"
        ) from None
    return value


def media_public_url(value: str | None) -> str | None:
    """``MEDIA_PUBLIC_URL``: where browsers fetch stored files (a bucket's or a CDN's URL)."""
    return _http_url("MEDIA_PUBLIC_URL", value, "https://shop-media.s3.amazonaws.com/products")


def from_environment(instance_path: str) -> dict:
    """Every setting the store reads, with its default."""
    production = is_production()
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "storefront.db")
    )
    # Heroku-style URLs name the old driver; we use psycopg 3.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://") :]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://") :]
    secret_key = load_secret_key(instance_path, production)
    return {
        "PRODUCTION": production,
        "SECRET_KEY": secret_key,
        "JWT_SECRET_KEY": load_jwt_secret_key(instance_path, production, secret_key),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CURRENCY": os.environ.get("CURRENCY", "BDT"),
        "LOW_STOCK_THRESHOLD": _int("LOW_STOCK_THRESHOLD", 5),
        "PAYMENT_METHODS": _payment_methods(os.environ.get("PAYMENT_METHODS")),
        "REVENUE_BASIS": _revenue_basis(os.environ.get("REVENUE_BASIS")),
        # The admin dashboard's days run midnight to midnight in this zone.
        "SHOP_TIMEZONE": _timezone(os.environ.get("SHOP_TIMEZONE") or "UTC"),
        "ACCESS_TOKEN_EXPIRE_MINUTES": _int("ACCESS_TOKEN_EXPIRE_MINUTES", 30),
        "REFRESH_TOKEN_EXPIRE_DAYS": _int("REFRESH_TOKEN_EXPIRE_DAYS", 7),
        # Where the shop is reached: absolute URLs we hand out start with it, never
        # with the Host a request claims. Unset, the API's image URLs are site-relative.
        "PUBLIC_BASE_URL": public_base_url(os.environ.get("PUBLIC_BASE_URL")),
        "MEDIA_ROOT": os.environ.get("MEDIA_ROOT") or str(Path(instance_path) / "media"),
        # Product images in an S3-compatible bucket instead (storefront/storage.py):
        # s3://bucket/prefix; boto3 reads the credentials and region from the
        # environment as usual, the endpoint of a store other than AWS from here
        # or its own AWS_ENDPOINT_URL.
        "MEDIA_STORAGE": media_storage(os.environ.get("MEDIA_STORAGE")),
        "S3_ENDPOINT_URL": _http_url(
            "S3_ENDPOINT_URL", os.environ.get("S3_ENDPOINT_URL"), "http://127.0.0.1:9000"
        ),
        # Set: pages and the API point images there (the bucket's public URL, a CDN)
        # rather than at /media/ on the store.
        "MEDIA_PUBLIC_URL": media_public_url(os.environ.get("MEDIA_PUBLIC_URL")),
        "MAX_IMAGE_BYTES": _int("MAX_IMAGE_BYTES", 5 * 1024 * 1024),
        # The largest upload body (several images); 0: four MAX_IMAGE_BYTES and a form.
        "MAX_UPLOAD_BYTES": _int("MAX_UPLOAD_BYTES", 0),
        # The largest request body other than an upload (JSON, a page's form).
        "MAX_REQUEST_BYTES": _int("MAX_REQUEST_BYTES", 1024 * 1024),
        "CORS_ORIGINS": [
            o.strip() for o in os.environ.get("CORS_ORIGINS", "").split(",") if o.strip()
        ],
        # Login and registration limits (storefront/ratelimit.py).
        "RATELIMIT_ENABLED": _bool(os.environ.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_STORAGE_TIMEOUT": _seconds("RATELIMIT_STORAGE_TIMEOUT", 0.5),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX") or "storefront",
        "RATELIMIT_AUTH_PER_ADDRESS": os.environ.get("RATELIMIT_AUTH_PER_ADDRESS")
        or "30 per minute",
        "RATELIMIT_FAILED_LOGINS_PER_ACCOUNT": os.environ.get("RATELIMIT_FAILED_LOGINS_PER_ACCOUNT")
        or "10 per 15 minutes",
        "RATELIMIT_PASSWORD_RESETS_PER_EMAIL": os.environ.get("RATELIMIT_PASSWORD_RESETS_PER_EMAIL")
        or "5 per 15 minutes",
        "PROXY_FIX_HOPS": _int("PROXY_FIX_HOPS", 0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Production runs behind HTTPS: cookies are Secure unless told otherwise.
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Bounds on a database that stops answering (storefront/db_setup.py), in seconds.
        "DATABASE_CONNECT_TIMEOUT": _seconds("DATABASE_CONNECT_TIMEOUT", 3),
        "DATABASE_STATEMENT_TIMEOUT": _seconds("DATABASE_STATEMENT_TIMEOUT", 5, zero=True),
        "DATABASE_POOL_TIMEOUT": _seconds("DATABASE_POOL_TIMEOUT", 5, zero=True),
        "DATABASE_POOL_RECYCLE": _int("DATABASE_POOL_RECYCLE", 1800),
        "DATABASE_KEEPALIVES_IDLE": _int("DATABASE_KEEPALIVES_IDLE", 30),
        "DATABASE_KEEPALIVES_INTERVAL": _int("DATABASE_KEEPALIVES_INTERVAL", 10),
        "DATABASE_KEEPALIVES_COUNT": _int("DATABASE_KEEPALIVES_COUNT", 3),
        # /readyz gives the database this long to answer its SELECT 1.
        "READINESS_TIMEOUT": _seconds("READINESS_TIMEOUT", 2),
        **mail_settings(instance_path),
    }


def mail_settings(instance_path: str) -> dict:
    """Outgoing mail: Flask-Mailman's names for the SMTP server, ours for the outbox.

    Without ``MAIL_SERVER`` nothing goes over SMTP: each message is written to
    ``MAIL_FILE_PATH`` (``instance/mail/``) as an ``.eml`` file to open in a mail
    reader. The worker (``flask deliver-email``) retries a failed delivery after
    ``MAIL_RETRY_BASE_SECONDS``, doubling each time up to ``MAIL_RETRY_CAP_SECONDS``,
    and gives up (the row is ``failed``, shown to admins) after ``MAIL_MAX_ATTEMPTS``.
    """
    server = (os.environ.get("MAIL_SERVER") or "").strip() or None
    return {
        "MAIL_SERVER": server,
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool(os.environ.get("MAIL_USE_TLS"), False),
        "MAIL_USE_SSL": _bool(os.environ.get("MAIL_USE_SSL"), False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER")
        or "Storefront <shop@localhost>",
        # Seconds an SMTP connection may take to answer before the try counts as failed.
        "MAIL_TIMEOUT": _seconds("MAIL_TIMEOUT", 30.0),
        "MAIL_FILE_PATH": os.environ.get("MAIL_FILE_PATH") or str(Path(instance_path) / "mail"),
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 8),
        # How long a password reset link works (seconds).
        "PASSWORD_RESET_MAX_AGE": _int("PASSWORD_RESET_MAX_AGE", 3600),
        "MAIL_RETRY_BASE_SECONDS": _seconds("MAIL_RETRY_BASE_SECONDS", 30.0, zero=True),
        "MAIL_RETRY_CAP_SECONDS": _seconds("MAIL_RETRY_CAP_SECONDS", 3600.0),
        # A claimed message not marked sent by then (its worker died) is claimed again.
        "MAIL_CLAIM_SECONDS": _seconds("MAIL_CLAIM_SECONDS", 300.0),
        # How often an idle worker looks for new mail.
        "MAIL_POLL_SECONDS": _seconds("MAIL_POLL_SECONDS", 2.0),
    }
