"""What the catalog's two caches share: a bounded store in each process, and the
catalog version a request's kept answers are keyed by.

The API's JSON (storefront/api/catalog_cache.py) and the guests' pages
(storefront/web/page_cache.py) are each kept in an ``LRU`` of their own, sized by
a setting, under keys that begin with the version this request read once, before
anything was built (storefront/services/catalog_version.py says why an entry can
never be older than its key).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app, g

from .extensions import db
from .services import catalog_version

MAX_BODY = 1024 * 1024  # a larger answer is not kept
_VERSION = "storefront_catalog_version"


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


def request_version() -> int | None:
    """The catalog version this request's kept answers are keyed by: read once, at the
    first ask (before the answer is built), and the same for the rest of the request.
    None when it cannot be read (no such table or row)."""
    if _VERSION not in g:
        g.setdefault(_VERSION, catalog_version.current(db.session))
    return g.get(_VERSION)
