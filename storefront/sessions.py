"""Flask's signed-cookie session, with its signer built once per set of keys.

Flask builds a new ``URLSafeTimedSerializer`` for every request (and that
constructor serializes an empty string to learn what kind of serializer it
holds); the cookies it reads and writes are the same either way. The signer is
kept per (key, fallback keys), so a changed ``SECRET_KEY`` still takes effect.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._signers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        signer = self._signers.get(keys)
        if signer is None:
            signer = self._signers[keys] = super().get_signing_serializer(app)
        return signer
