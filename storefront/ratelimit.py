"""Rate limits on login and registration, for the API and the HTML pages alike.

Two counters, as the contract asks:

* every login and registration request, per client address
  (``RATELIMIT_AUTH_PER_ADDRESS``, default 30 per minute);
* password attempts, per account (``RATELIMIT_FAILED_LOGINS_PER_ACCOUNT``,
  default 10 per 15 minutes). A successful login clears that account's count.

Once a counter is over its limit, every attempt in the window is refused with
``services.errors.TooManyAttempts`` (each face answers 429 with
``Retry-After``), even with the right password.

A password attempt is counted *before* the password is checked, with one
atomic "count me if there is room" (``limits``' ``hit``: a Lua script on
Redis), and the count is cleared when the password is right. Counting after a
failed bcrypt check instead let concurrent guesses all pass the "under the
limit?" test before any of them was counted (13 wrong passwords answered 401
against a limit of 10, on 4 workers).

Counters live in ``RATELIMIT_STORAGE_URI``: ``memory://`` is per process;
``redis://host:port`` shares them between processes and hosts. While that
store is unreachable, counting goes on in per-process memory (logged once
per outage, and ``/readyz`` says ``degraded``): logins keep working, each
process limiting on its own, and the store is tried again every
``STORAGE_RETRY_SECONDS`` (and by every ``/readyz``). ``RATELIMIT_ENABLED=false``
turns both limits off.

This uses ``limits`` directly rather than a Flask extension: the per-account
counter must be hit inside the service, between finding the account and
checking its password, for the API and for the HTML form (which answers 200
with a message).

How the views use it: ``limit_auth_requests`` (a decorator) or
``count_auth_request()`` counts the request per address; the services call
the ``password_guard(email)`` they are given (see ``accounts.authenticate``).

The per-address key is ``request.remote_addr``: behind a reverse proxy, set
``PROXY_FIX_HOPS`` so that it is the client's.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from .services.errors import TooManyAttempts

log = logging.getLogger(__name__)

DEFAULT_AUTH_PER_ADDRESS = "30 per minute"
DEFAULT_FAILED_LOGINS_PER_ACCOUNT = "10 per 15 minutes"
DEFAULT_PASSWORD_RESETS_PER_EMAIL = "5 per 15 minutes"  # noqa: S105 (a limit, not a password)
DEFAULT_STORAGE_TIMEOUT = 0.5  # seconds: a login waits at most this for Redis
STORAGE_RETRY_SECONDS = 5.0  # while the store is down, how often to try it again
_EXTENSION = "storefront.ratelimit"
_NETWORK_SCHEMES = ("redis", "rediss", "redis+", "valkey")

T = TypeVar("T")

__all__ = [
    "TooManyAttempts",
    "count_auth_request",
    "count_password_reset",
    "limit_auth_requests",
    "limit_requests",
    "password_guard",
]


class _Counters:
    """The moving-window limiter over the configured store, and its stand-in.

    While the configured store fails, ``run`` answers from per-process memory
    (a fresh one per outage); it tries the store again when ``retry_at`` has
    passed, and goes back to it as soon as it answers.
    """

    def __init__(self, uri: str, timeout: float):
        options: dict = {}
        if uri.startswith(_NETWORK_SCHEMES):
            options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
        self.uri = uri
        self.primary = MovingWindowRateLimiter(
            storage_from_string(uri, wrap_exceptions=True, **options)
        )
        self.fallback: MovingWindowRateLimiter | None = None
        self.retry_at = 0.0
        self._lock = threading.Lock()

    @property
    def degraded(self) -> bool:
        return self.fallback is not None

    def run(self, operation: Callable[[MovingWindowRateLimiter], T]) -> T:
        if self.fallback is not None and time.monotonic() >= self.retry_at:
            self.probe()
        if self.fallback is None:
            try:
                return operation(self.primary)
            except StorageError as exc:
                self._lost(exc)
        fallback = self.fallback
        assert fallback is not None
        return operation(fallback)

    def probe(self) -> bool:
        """Ask the configured store whether it answers; switch to or from memory."""
        if self.primary.storage.check():
            with self._lock:
                if self.fallback is not None:
                    self.fallback = None
                    log.warning("rate-limit store %s answers again: counting there", self._name())
            return True
        self._lost(None)
        return False

    def _lost(self, exc: Exception | None) -> None:
        with self._lock:
            self.retry_at = time.monotonic() + STORAGE_RETRY_SECONDS
            if self.fallback is None:
                self.fallback = MovingWindowRateLimiter(storage_from_string("memory://"))
                log.error(
                    "rate-limit store %s is unreachable (%s): counting in this process's "
                    "memory until it answers",
                    self._name(),
                    exc or "no answer to a ping",
                )

    def _name(self) -> str:
        # The URI may carry a password: log only its scheme and place.
        scheme, _, rest = self.uri.partition("://")
        return f"{scheme}://{rest.rpartition('@')[2]}"


class _Limits:
    def __init__(self, config):
        self.counters = _Counters(
            config.get("RATELIMIT_STORAGE_URI") or "memory://",
            config.get("RATELIMIT_STORAGE_TIMEOUT") or DEFAULT_STORAGE_TIMEOUT,
        )
        self.prefix = config.get("RATELIMIT_KEY_PREFIX") or "storefront"
        self.per_address = parse(config.get("RATELIMIT_AUTH_PER_ADDRESS", DEFAULT_AUTH_PER_ADDRESS))
        self.password_attempts = parse(
            config.get("RATELIMIT_FAILED_LOGINS_PER_ACCOUNT", DEFAULT_FAILED_LOGINS_PER_ACCOUNT)
        )
        self.password_resets = parse(
            config.get("RATELIMIT_PASSWORD_RESETS_PER_EMAIL", DEFAULT_PASSWORD_RESETS_PER_EMAIL)
        )

    def hit(self, item: RateLimitItem, *identifiers: str) -> int | None:
        """Count one; ``None`` if there was room, else the seconds until there is."""

        def hit_or_wait(strategy: MovingWindowRateLimiter) -> int | None:
            if strategy.hit(item, self.prefix, *identifiers):
                return None
            stats = strategy.get_window_stats(item, self.prefix, *identifiers)
            return max(1, math.ceil(stats.reset_time - time.time()))

        return self.counters.run(hit_or_wait)

    def clear(self, item: RateLimitItem, *identifiers: str) -> None:
        self.counters.run(lambda strategy: strategy.clear(item, self.prefix, *identifiers))


def init_app(app: Flask) -> None:
    """Read the settings now, so that a malformed limit stops start-up."""
    app.extensions[_EXTENSION] = _Limits(app.config)


def _limits() -> _Limits | None:
    app = current_app._get_current_object()
    if not app.config.get("RATELIMIT_ENABLED", True):
        return None
    limits = app.extensions.get(_EXTENSION)
    if limits is None:
        limits = app.extensions[_EXTENSION] = _Limits(app.config)
    return limits


def storage_status() -> str | None:
    """For ``/readyz``: ``ok``, ``degraded`` (counting in memory) or ``None`` (limits off)."""
    limits = _limits()
    if limits is None:
        return None
    return "ok" if limits.counters.probe() else "degraded"


def _account_key(email: str) -> str:
    # Hashed so that the counter store never holds email addresses.
    normalized = (email or "").strip().lower()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:32]


def client_address() -> str:
    return request.remote_addr or "unknown"


# What a refusal says was asked too often: one wording per kind, for both faces.
AUTH_REQUESTS = "login or registration attempts"
GUEST_ORDERS = "orders placed as a guest"
STOCK_ALERTS = "back-in-stock requests"  # each mails an address anyone may type


def count_auth_request(what: str = AUTH_REQUESTS) -> None:
    """Count a request from this address that logs in, registers or mails an address
    anyone may type (one counter for all); ``TooManyAttempts`` once over, its message
    naming ``what`` was asked too often."""
    limits = _limits()
    if limits is None:
        return
    wait = limits.hit(limits.per_address, "auth-address", client_address())
    if wait is not None:
        raise TooManyAttempts(wait, f"Too many {what} from your address. Try again later.")


def count_password_reset(email: str | None) -> None:
    """Count a password-reset request for this email (known or not: the same
    counter, so a 429 tells nothing about accounts); ``TooManyAttempts`` once over
    ``RATELIMIT_PASSWORD_RESETS_PER_EMAIL``. Views count the address first
    (``count_auth_request``), as for a login."""
    limits = _limits()
    if limits is None or not email:
        return
    wait = limits.hit(limits.password_resets, "password-reset", _account_key(email))
    if wait is not None:
        raise TooManyAttempts(
            wait, "Too many password reset requests for this email. Try again later."
        )


def limit_requests(what: str):
    """Decorate a view that logs in, registers or mails an address anyone may type:
    count it per client address first; a refusal names ``what`` was asked too often."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            count_auth_request(what)
            return view(*args, **kwargs)

        return wrapper

    return decorator


limit_auth_requests = limit_requests(AUTH_REQUESTS)


class _AccountPasswordGuard:
    def __init__(self, email: str | None):
        self.email = email

    def attempt(self) -> None:
        limits = _limits()
        if limits is None or not self.email:
            return
        wait = limits.hit(limits.password_attempts, "failed-login", _account_key(self.email))
        if wait is not None:
            raise TooManyAttempts(wait, "Too many failed logins for this account. Try again later.")

    def succeeded(self) -> None:
        limits = _limits()
        if limits is not None and self.email:
            limits.clear(limits.password_attempts, "failed-login", _account_key(self.email))


def password_guard(email: str | None) -> _AccountPasswordGuard:
    """For ``accounts.authenticate`` and ``accounts.update_account``: each try of
    the account's password is counted before it is checked (``TooManyAttempts``
    once over the limit, even for the right one), and a right one clears the count."""
    return _AccountPasswordGuard(email)
