"""The storefront: a Flask application factory."""

from __future__ import annotations

import hmac
import os
from inspect import CO_COROUTINE
from pathlib import Path
from types import FunctionType
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import config as config_module
from .requests import register_request_rules, upload_limit, wants_api
from .sessions import SessionInterface

ROOT = Path(__file__).resolve().parent.parent
# Ids are PostgreSQL ``integer`` columns (and SQLite's are 64-bit): a bigger
# number in a URL can name nothing, and must not reach a query as one.
MAX_URL_INT = 2**31 - 1


def positive_up_to(limit: int) -> str:
    """A regex for the decimal numbers 1 to ``limit``, without leading zeros."""
    text = str(limit)
    options = [rf"[1-9]\d{{0,{len(text) - 2}}}"] if len(text) > 1 else []
    for i, digit in enumerate(text):
        lowest = 1 if i == 0 else 0
        if int(digit) > lowest:
            rest = len(text) - i - 1
            options.append(
                f"{text[:i]}[{lowest}-{int(digit) - 1}]" + (rf"\d{{{rest}}}" * bool(rest))
            )
    options.append(text)
    return "(?:" + "|".join(options) + ")"


class StoredIntConverter(IntegerConverter):
    """``<int:...>`` in every route: 1 to what an id column holds; anything else is a 404.

    The bound is in the regex, not only in ``to_python``: werkzeug answers 405
    rather than 404 when a number fails ``to_python`` on a path that other
    methods share (``DELETE /api/users/<too big>`` would claim GET is allowed).
    """

    def __init__(self, map, *args, **kwargs):  # noqa: A002 (werkzeug's name)
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_URL_INT)
        super().__init__(map, *args, **kwargs)
        self.regex = positive_up_to(self.max)


class Storefront(Flask):
    def ensure_sync(self, func):
        """Flask's, with a plain synchronous function (every view and hook here) let
        through at once: flask-smorest's decorators ask it 16 times per API request,
        and ``inspect.iscoroutinefunction`` was 5% of a cached answer's CPU."""
        if type(func) is FunctionType and not func.__code__.co_flags & CO_COROUTINE:
            return func
        return super().ensure_sync(func)


def create_app(config: dict | None = None) -> Flask:
    """Build the application; ``config`` overrides what the environment says.

    It reads the process's environment only: a ``.env`` file is loaded by the
    entry points (``wsgi.py``, hence ``flask --app wsgi`` and gunicorn), never
    here, so tests see exactly the settings they set.
    """
    instance_path = os.environ.get("STOREFRONT_INSTANCE_PATH") or str(ROOT / "instance")
    app = Storefront(
        __name__,
        instance_path=instance_path,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(config_module.from_environment(app.instance_path))
    if config:
        app.config.update(config)
    # Flask's defaults hold MAX_CONTENT_LENGTH (None): set it unless a caller did.
    # It is the cap for uploads; storefront/requests.py lowers it for other bodies.
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = upload_limit(app.config)
    # The remember-me cookie is a credential as much as the session cookie is.
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config.get("SESSION_COOKIE_SECURE", False))
    app.url_map.converters["int"] = StoredIntConverter

    if app.config.get("PROXY_FIX_HOPS"):
        # Behind N reverse proxies, trust their X-Forwarded-* headers (and only
        # theirs), so rate limits and logs see the client's real address.
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    # First: body limits and page input checks run before any extension reads the body.
    register_request_rules(app)
    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_security_headers(app)
    register_caching(app)
    app.session_interface = SessionInterface()
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import mail, ratelimit
    from .db_setup import configure_engine, engine_options
    from .extensions import csrf, db, login_manager, migrate

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine, app.config)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), compare_type=True, render_as_batch=True
    )
    csrf.init_app(app)
    ratelimit.init_app(app)
    mail.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    from .models import User

    @login_manager.unauthorized_handler
    def send_to_login():
        """Send a guest to log in, and back afterwards to a page that can be shown.

        A GET comes back to itself. A form post (cancel, add, an admin action)
        comes back to the same-site page the form was on, else to its own URL
        if that answers GET, else to nothing: a POST-only URL cannot be shown.
        """
        from flask import flash, redirect, request
        from flask_login import login_url
        from werkzeug.exceptions import HTTPException, Unauthorized

        if wants_api():
            raise Unauthorized()
        flash(login_manager.login_message, login_manager.login_message_category)
        target = None
        referrer = urlsplit(request.referrer or "")
        if request.method == "GET":
            target = request.full_path.rstrip("?")
        elif referrer.netloc == request.host and referrer.path.startswith("/"):
            target = referrer.path + (f"?{referrer.query}" if referrer.query else "")
        else:
            try:
                app.url_map.bind(request.host).match(request.path, method="GET")
                target = request.path
            except HTTPException:
                target = None
        if target is None:
            return redirect(login_url(login_manager.login_view))
        return redirect(login_url(login_manager.login_view, next_url=target))

    @login_manager.user_loader
    def load_user(reference: str):
        user_id, _, _ = reference.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(User, int(user_id))
        # A deactivated account's sessions end with it, and a password change
        # ends the sessions opened with the old password (see User.get_id).
        if user is None or not user.is_active:
            return None
        return user if hmac.compare_digest(user.get_id(), reference) else None


def register_blueprints(app: Flask) -> None:
    from .api import register_api
    from .health import bp as health_bp
    from .media import bp as media_bp
    from .media import init_media_urls
    from .urls import init_public_urls
    from .web import register_web

    app.register_blueprint(health_bp)
    app.register_blueprint(media_bp)
    init_media_urls(app)
    init_public_urls(app)
    register_api(app)
    register_web(app)


def register_errors(app: Flask) -> None:
    from .errors import register_error_handlers

    register_error_handlers(app)


def register_security_headers(app: Flask) -> None:
    images = "'self' data:"
    if app.config.get("MEDIA_PUBLIC_URL"):
        # Images come from the bucket's (or the CDN's) origin.
        media = urlsplit(app.config["MEDIA_PUBLIC_URL"])
        images += f" {media.scheme}://{media.netloc}"
    csp = (
        f"default-src 'self'; img-src {images}; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )

    @app.after_request
    def set_headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            # Served over HTTPS (cookies say so): browsers should never fall back to HTTP.
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def register_caching(app: Flask) -> None:
    from .caching import init_app

    init_app(app)


def register_commands(app: Flask) -> None:
    from .cli import register_cli

    register_cli(app)
