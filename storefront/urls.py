"""Absolute URLs the store hands out come from ``PUBLIC_BASE_URL``, never from a request's Host.

A request's ``Host`` (or ``X-Forwarded-Host``) is whatever the client wrote:
an absolute URL built from it points wherever an attacker likes, and a cache
in front may keep it for everyone. Where no public address is configured, a
site-relative URL is handed out instead.
"""

from __future__ import annotations

from flask import Flask, current_app


def public_url(path: str) -> str:
    """``path`` (site-relative, as ``url_for`` builds it) under ``PUBLIC_BASE_URL`` if set."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    return base + path if base else path


def init_public_urls(app: Flask) -> None:
    app.jinja_env.globals["public_url"] = public_url
