"""Rate limits on login and registration, for the API and the HTML pages alike.

Two counters, as the contract asks:

* every login and registration request, per client address
  (``RATELIMIT_AUTH_PER_ADDRESS``, default 30 per minute);
* failed logins, per account (``RATELIMIT_FAILED_LOGINS_PER_ACCOUNT``,
  default 10 per 15 minutes). A successful login clears that account's count.

Once a counter is over its limit, every attempt in the window is refused with
``TooManyAttempts`` (a 429 carrying ``Retry-After``), even with the right
password. Counters live in ``RATELIMIT_STORAGE_URI``: ``memory://`` is per
process; ``redis://host:port`` shares them between processes and hosts.
``RATELIMIT_ENABLED=false`` turns both off.

This uses ``limits``, the library Flask-Limiter is built on, directly: a
failed-login counter must be tested before the password check and hit only
after it fails, which Flask-Limiter's decorators cannot express for the HTML
form (which answers 200 with an error message), and its storage is kept per
application here rather than on the shared extension object.

How a view uses it::

    check_login_allowed(email)        # before checking the password
    try:
        user = accounts.authenticate(email, password)
    except AuthenticationFailed:
        record_failed_login(email)
        raise
    forget_failed_logins(email)

    check_registration_allowed()      # before registering

The per-address key is ``request.remote_addr``: behind a reverse proxy, wrap
the app in ``werkzeug.middleware.proxy_fix.ProxyFix`` so it is the client's.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from functools import wraps

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

log = logging.getLogger(__name__)

DEFAULT_AUTH_PER_ADDRESS = "30 per minute"
DEFAULT_FAILED_LOGINS_PER_ACCOUNT = "10 per 15 minutes"
_EXTENSION = "storefront.ratelimit"


class TooManyAttempts(TooManyRequests):
    """Over a login or registration limit; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: int, description: str | None = None):
        super().__init__(
            description or "Too many attempts. Try again later.", retry_after=retry_after
        )
        self.retry_after_seconds = retry_after


class _Limits:
    def __init__(self, app: Flask):
        config = app.config
        self.storage_uri = config.get("RATELIMIT_STORAGE_URI") or "memory://"
        self.strategy = MovingWindowRateLimiter(storage_from_string(self.storage_uri))
        self.prefix = config.get("RATELIMIT_KEY_PREFIX") or "storefront"
        self.per_address = parse(config.get("RATELIMIT_AUTH_PER_ADDRESS", DEFAULT_AUTH_PER_ADDRESS))
        self.failed_logins = parse(
            config.get("RATELIMIT_FAILED_LOGINS_PER_ACCOUNT", DEFAULT_FAILED_LOGINS_PER_ACCOUNT)
        )
        self.swallow_errors = bool(config.get("RATELIMIT_SWALLOW_ERRORS", False))


def _limits() -> _Limits | None:
    app = current_app._get_current_object()
    if not app.config.get("RATELIMIT_ENABLED", True):
        return None
    limits = app.extensions.get(_EXTENSION)
    if limits is None:
        limits = app.extensions[_EXTENSION] = _Limits(app)
    return limits


def _account_key(email: str) -> str:
    # Hashed so that the counter store never holds email addresses.
    normalized = (email or "").strip().lower()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:32]


def _retry_after(limits: _Limits, item: RateLimitItem, *identifiers: str) -> int:
    stats = limits.strategy.get_window_stats(item, *identifiers)
    return max(1, math.ceil(stats.reset_time - time.time()))


def _guarded(action):
    """Run a storage call; with ``RATELIMIT_SWALLOW_ERRORS`` an unreachable store lets it pass."""

    def run(limits: _Limits, *args):
        try:
            return action(limits, *args)
        except TooManyAttempts:
            raise
        except Exception:
            if not limits.swallow_errors:
                raise
            log.exception("rate limit storage %s failed; not limiting", limits.storage_uri)
            return None

    return run


@_guarded
def _hit_address(limits: _Limits, address: str) -> None:
    ids = (limits.prefix, "auth-address", address)
    if not limits.strategy.hit(limits.per_address, *ids):
        raise TooManyAttempts(
            _retry_after(limits, limits.per_address, *ids),
            "Too many login or registration attempts from your address. Try again later.",
        )


@_guarded
def _test_account(limits: _Limits, email: str) -> None:
    ids = (limits.prefix, "failed-login", _account_key(email))
    if not limits.strategy.test(limits.failed_logins, *ids):
        raise TooManyAttempts(
            _retry_after(limits, limits.failed_logins, *ids),
            "Too many failed logins for this account. Try again later.",
        )


@_guarded
def _hit_account(limits: _Limits, email: str) -> None:
    limits.strategy.hit(limits.failed_logins, limits.prefix, "failed-login", _account_key(email))


@_guarded
def _clear_account(limits: _Limits, email: str) -> None:
    limits.strategy.clear(limits.failed_logins, limits.prefix, "failed-login", _account_key(email))


def client_address() -> str:
    return request.remote_addr or "unknown"


def count_auth_request() -> None:
    """Count a login or registration request from this address; ``TooManyAttempts`` once over."""
    limits = _limits()
    if limits is not None:
        _hit_address(limits, client_address())


def check_registration_allowed() -> None:
    count_auth_request()


def check_login_allowed(email: str | None) -> None:
    """Count a login request from this address and refuse an account over its failures."""
    limits = _limits()
    if limits is None:
        return
    _hit_address(limits, client_address())
    if email:
        _test_account(limits, email)


def check_account_not_locked(email: str | None) -> None:
    """Refuse an account over its failed logins (the address was counted already)."""
    limits = _limits()
    if limits is not None and email:
        _test_account(limits, email)


def record_failed_login(email: str | None) -> None:
    limits = _limits()
    if limits is not None and email:
        _hit_account(limits, email)


def forget_failed_logins(email: str | None) -> None:
    limits = _limits()
    if limits is not None and email:
        _clear_account(limits, email)


def limit_auth_requests(view):
    """Decorate a login or registration view: count it per client address first."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        limits = _limits()
        if limits is not None:
            _hit_address(limits, client_address())
        return view(*args, **kwargs)

    return wrapper


class _AccountPasswordGuard:
    def __init__(self, email: str | None):
        self.email = email

    def check(self) -> None:
        check_account_not_locked(self.email)

    def failed(self) -> None:
        record_failed_login(self.email)

    def succeeded(self) -> None:
        forget_failed_logins(self.email)


def password_guard(email: str | None) -> _AccountPasswordGuard:
    """For ``accounts.authenticate`` and ``accounts.update_account``: a wrong
    password is a failed login of the account, a right one clears the count,
    and an account locked by failed logins may not try one (``TooManyAttempts``)."""
    return _AccountPasswordGuard(email)


def retry_after_header(exc: TooManyAttempts) -> dict[str, str]:
    """The header a custom 429 page must send along."""
    return {"Retry-After": str(exc.retry_after_seconds)}
