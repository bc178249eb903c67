"""Catalog JSON kept in each process, keyed by the catalog version.

A hit costs one small query (the version) instead of the listing's queries and
its serialization. The key is the version, the endpoint, the path and the raw
query string; the version is read before the answer is built
(storefront/services/catalog_version.py says why an entry can never be older
than its key). Only answers that are the same for everyone are
kept: an admin's token (which shows archived products) bypasses the cache.
Bounded: the ``CATALOG_CACHE_ENTRIES`` most recently used answers, each under
1 MB; entries of older versions are never read again and age out.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, request

from ..kept import LRU, MAX_BODY, process_cache, request_version

_KEY = "storefront.catalog_cache"


def _cache() -> LRU | None:
    return process_cache(_KEY, "CATALOG_CACHE_ENTRIES", 512)


# The views that keep their answers for everyone (storefront/api/catalog.py).
KEPT_ENDPOINTS = frozenset(
    {
        "api_products.list_products",
        "api_products.search_products",
        "api_products.get_product",
    }
)


def _key(version: int) -> tuple:
    return (version, request.endpoint, request.path, request.query_string)


def _kept(body: bytes) -> Response:
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


def answer_from_cache() -> Response | None:
    """``before_request`` of the products' blueprint: a kept answer, sent before the view.

    A GET (or HEAD) without a token whose answer this version holds is the answer the view
    would give (the key's raw query string was valid when it was kept, and nobody
    is told apart without a token), so the view's decorators (reading the query,
    the token, the response schema's wrappers) are skipped. Anything else goes
    on to the view, which uses the version this read (``request_version``).
    """
    if (
        request.method not in ("GET", "HEAD")
        or request.endpoint not in KEPT_ENDPOINTS
        or "Authorization" in request.headers
    ):
        return None
    cache = _cache()
    if cache is None:
        return None
    version = request_version()
    body = cache.get(_key(version)) if version is not None else None
    return _kept(body) if body is not None else None


def cached_json(build: Callable[[], object], *, shared: bool = True) -> Response:
    """The JSON of ``build()``, from the cache when this version's answer is there."""
    cache = _cache() if shared else None
    version = request_version() if cache is not None else None
    if version is None:
        return current_app.json.response(build())
    key = _key(version)
    body = cache.get(key)
    if body is None:
        response = current_app.json.response(build())
        if len(response.get_data()) <= MAX_BODY:
            cache.put(key, response.get_data())
        return response
    return _kept(body)
