"""The shop's catalog pages, kept rendered in each process for guests, keyed by the catalog version.

Home, catalog, category and product pages are the same for every guest but for
three things: the cart count in the header, the flash messages, and the CSRF
token of a form. The page is rendered once per key with *holes* in their place
(random markers, unguessable from outside the process) and kept; each request
fills the holes: the guest's cart count (the header's own macro), the messages
(rendered only when there are some), and a CSRF token of the visitor's own
session where the marker is. A hit costs the version query, not the page's
queries and its rendering.

The key is the catalog version read before the page is built
(storefront/services/catalog_version.py: an entry can be newer than its key,
never older), the endpoint, the host and the full path with its query string
(the rest of the header depends on nothing else for a guest: the login link's
``next`` and the search box's words come from the path). Only 200 answers to
guests are kept: a signed-in visitor (whose pages name them, or show an admin's
links) is rendered as before, and so is any request when ``PAGE_CACHE_ENTRIES``
is 0. Bounded: the most recently used ``PAGE_CACHE_ENTRIES`` pages (each some
tens of KB), under 1 MB each.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps

from flask import (
    current_app,
    g,
    get_flashed_messages,
    get_template_attribute,
    make_response,
    render_template,
    request,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from ..kept import MAX_BODY, process_cache, request_version

_KEY = "storefront.page_cache"
_MARK = secrets.token_hex(16)
HOLES = {name: f"<!--hole:{name}:{_MARK}-->" for name in ("cart_count", "flashes")}
CSRF_MARK = f"csrf-{_MARK}"


def hole(name: str) -> Markup:
    """The marker of a per-visitor part, in a page being kept (base.html, the header)."""
    return Markup(HOLES[name])  # noqa: S704 (a name and hex digits of our own)


def _cart_count() -> str:
    count = current_app.jinja_env.globals["header_cart_count"]()
    return get_template_attribute("_macros/cart.html", "cart_count")(count)


def _flashes() -> str:
    # Most requests have none: the template is rendered only for those that do.
    return render_template("_partials/flashes.html") if get_flashed_messages() else ""


FILL = {"cart_count": _cart_count, "flashes": _flashes}


def _fill(body: str) -> str:
    for name, marker in HOLES.items():
        if marker in body:
            body = body.replace(marker, FILL[name]())
    if CSRF_MARK in body:
        body = body.replace(CSRF_MARK, generate_csrf())
    return body


def _render_with_holes(view: Callable, kwargs: dict):
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    g.page_holes = True
    # Flask-WTF hands out the token it finds in g: forms render the marker, and
    # the session is not touched until a real token fills it.
    setattr(g, field, CSRF_MARK)
    try:
        return make_response(view(**kwargs))
    finally:
        g.pop("page_holes", None)
        g.pop(field, None)


def cached_page(view: Callable) -> Callable:
    """Serve a guest's GET of ``view`` from the page cache (see the module's docstring)."""

    @wraps(view)
    def wrapper(**kwargs):
        if request.method not in ("GET", "HEAD") or current_user.is_authenticated:
            return view(**kwargs)
        cache = process_cache(_KEY, "PAGE_CACHE_ENTRIES", 256)
        version = request_version() if cache is not None else None
        if version is None:
            return view(**kwargs)
        key = (version, request.endpoint, request.host, request.full_path)
        kept = cache.get(key)
        if kept is not None:
            return current_app.response_class(_fill(kept), mimetype="text/html")
        response = _render_with_holes(view, kwargs)
        if response.direct_passthrough or response.is_streamed:
            return response
        body = response.get_data(as_text=True)
        if (
            request.method == "GET"  # what a HEAD rendered is never what a GET would see
            and response.status_code == 200
            and response.mimetype == "text/html"
            and len(body) <= MAX_BODY
        ):
            cache.put(key, body)
        response.set_data(_fill(body))
        return response

    return wrapper
