"""Conditional GET for the public catalog: ``ETag`` on each answer, 304 when it matches.

The tag is a hash of the body the request would get, computed after the view
ran against the database: it changes with any price, stock, name, image or
category shown, so a 304 can never stand for an out-of-date price or stock.
It saves the client the transfer (and the browser the re-render), not the
server the query. Every such answer says ``no-cache``: a cache keeps it but asks
again before each use. Pages carry a CSRF token and the visitor's cart count,
so they are ``private`` (never kept by a shared cache). Images are another
matter: their names are random and never reused, and storefront/media.py
serves them with a year's ``immutable``.
"""

from __future__ import annotations

from flask import Flask, Response, request

PUBLIC_API = frozenset(
    {
        "api_products.list_products",
        "api_products.search_products",
        "api_products.get_product",
        "api_categories.list_categories",
    }
)
PAGES = frozenset({"shop.home", "shop.catalog", "shop.category", "shop.product"})


def conditional(response: Response) -> Response:
    endpoint = request.endpoint
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code != 200
        or response.direct_passthrough
        or response.is_streamed
        or (endpoint not in PUBLIC_API and endpoint not in PAGES)
    ):
        return response
    if not response.headers.get("Cache-Control"):
        response.headers["Cache-Control"] = (
            "no-cache" if endpoint in PUBLIC_API else "private, no-cache"
        )
    if endpoint in PUBLIC_API:
        # An admin's token shows archived products: the answer depends on it.
        response.vary.add("Authorization")
    response.add_etag()
    if request.if_none_match or request.if_modified_since:
        return response.make_conditional(request)
    # Nothing to compare: the answer goes as it is (werkzeug would only add the
    # Date and Content-Length headers, which gunicorn and werkzeug add anyway; it
    # ignores Range unless asked to accept ranges).
    return response


def init_app(app: Flask) -> None:
    app.after_request(conditional)
