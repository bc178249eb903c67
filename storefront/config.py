"""Settings, read from the environment (and an optional ``.env``).

Secrets only ever come from the environment; in development a secret key is
generated once and kept in the instance folder so sessions survive restarts.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """The store cannot start with the settings it was given."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def is_production() -> bool:
    return (
        os.environ.get("STOREFRONT_ENV", "").lower() == "production"
        or os.environ.get("FLASK_ENV", "").lower() == "production"
    )


def load_secret_key(instance_path: str, production: bool) -> str:
    key = os.environ.get("SECRET_KEY", "")
    if production:
        if len(key) < 32:
            raise ConfigError(
                "SECRET_KEY must be set to at least 32 characters in production "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        return key
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _timezone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"SHOP_TIMEZONE={name!r} is not a known time zone (try 'UTC' or 'Asia/Dhaka')."
        ) from None
    return name


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
    return {
        "PRODUCTION": production,
        "SECRET_KEY": load_secret_key(instance_path, production),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CURRENCY": os.environ.get("CURRENCY", "BDT"),
        "LOW_STOCK_THRESHOLD": _int("LOW_STOCK_THRESHOLD", 5),
        # The admin dashboard's days run midnight to midnight in this zone.
        "SHOP_TIMEZONE": _timezone(os.environ.get("SHOP_TIMEZONE") or "UTC"),
        "ACCESS_TOKEN_EXPIRE_MINUTES": _int("ACCESS_TOKEN_EXPIRE_MINUTES", 30),
        "REFRESH_TOKEN_EXPIRE_DAYS": _int("REFRESH_TOKEN_EXPIRE_DAYS", 7),
        "MEDIA_ROOT": os.environ.get("MEDIA_ROOT") or str(Path(instance_path) / "media"),
        "MAX_IMAGE_BYTES": _int("MAX_IMAGE_BYTES", 5 * 1024 * 1024),
        "CORS_ORIGINS": [
            o.strip() for o in os.environ.get("CORS_ORIGINS", "").split(",") if o.strip()
        ],
        # Login and registration limits (storefront/ratelimit.py).
        "RATELIMIT_ENABLED": _bool(os.environ.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI") or "memory://",
        "RATELIMIT_STORAGE_TIMEOUT": _float("RATELIMIT_STORAGE_TIMEOUT", 0.5),
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX") or "storefront",
        "RATELIMIT_AUTH_PER_ADDRESS": os.environ.get("RATELIMIT_AUTH_PER_ADDRESS")
        or "30 per minute",
        "RATELIMIT_FAILED_LOGINS_PER_ACCOUNT": os.environ.get("RATELIMIT_FAILED_LOGINS_PER_ACCOUNT")
        or "10 per 15 minutes",
        "PROXY_FIX_HOPS": _int("PROXY_FIX_HOPS", 0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Production runs behind HTTPS: cookies are Secure unless told otherwise.
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    }
