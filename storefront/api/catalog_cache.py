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

import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import Response, current_app, g, request

from ..extensions import db
from ..services import catalog_version

_KEY = "storefront.catalog_cache"
MAX_BODY = 1024 * 1024


class LRU:
    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def process_cache(name: str, setting: str, default: int) -> LRU | None:
    """The app's LRU called ``name``, sized by the config ``setting``; None when it is 0."""
    size = current_app.config.get(setting, default)
    if not size:
        return None
    cache = current_app.extensions.get(name)
    if cache is None:
        cache = current_app.extensions[name] = LRU(size)
    return cache


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
_VERSION = "catalog_version"


def _key(version: int) -> tuple:
    return (version, request.endpoint, request.path, request.query_string)


def _kept(body: bytes) -> Response:
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


def answer_from_cache() -> Response | None:
    """``before_request`` of the products' blueprint: a kept answer, sent before the view.

    A GET without a token whose answer this version holds is the answer the view
    would give (the key's raw query string was valid when it was kept, and nobody
    is told apart without a token), so the view's decorators (reading the query,
    the token, the response schema's wrappers) are skipped. Anything else goes
    on to the view, which reads the version this found rather than again.
    """
    if (
        request.method != "GET"
        or request.endpoint not in KEPT_ENDPOINTS
        or "Authorization" in request.headers
    ):
        return None
    cache = _cache()
    if cache is None:
        return None
    version = catalog_version.current(db.session)
    g.setdefault(_VERSION, version)
    body = cache.get(_key(version)) if version is not None else None
    return _kept(body) if body is not None else None


def cached_json(build: Callable[[], object], *, shared: bool = True) -> Response:
    """The JSON of ``build()``, from the cache when this version's answer is there."""
    cache = _cache() if shared else None
    version = None
    if cache is not None:
        version = g.pop(_VERSION, None) or catalog_version.current(db.session)
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
