"""Uploaded files, served at ``/media/<path>`` from wherever they are kept
(``MEDIA_ROOT``, or the bucket of ``MEDIA_STORAGE``: storefront/storage.py).

In production a front web server may serve ``MEDIA_ROOT`` itself, or clients
may fetch from the bucket's public address; this route keeps a single process
complete. Stored names are content addresses, never reused for other content,
so a file can be cached for a year.

A media URL is a prefix computed once per app plus the stored path: pages use
``/media/``; the API uses ``PUBLIC_BASE_URL`` + ``/media/`` when that is set
(site-relative otherwise), never the Host header a request carries. With
``MEDIA_PUBLIC_URL`` (a bucket's public URL, a CDN in front of it, or a web
server serving ``MEDIA_ROOT``) both pages and API point there instead.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from flask import Blueprint, Flask, abort, current_app

from .services.images import thumbnail_path
from .storage import ONE_YEAR, media_storage

bp = Blueprint("media", __name__)
MEDIA_PATH = "/media/"
_PREFIXES = "storefront.media_prefixes"

# Only what the image service writes is ever served (not its temporary files).
SERVED_EXTENSIONS = {".jpg", ".png", ".webp"}


@bp.get(MEDIA_PATH + "<path:filename>")
def file(filename: str):
    if posixpath.splitext(filename)[1].lower() not in SERVED_EXTENSIONS:
        abort(404)
    response = media_storage().send(filename)  # 404 when missing or not a plain path
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Opened directly, a media file may run nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def init_media_urls(app: Flask) -> None:
    """The two URL prefixes of media files, computed once: site-relative and public."""
    if app.config.get("MEDIA_PUBLIC_URL"):
        where = app.config["MEDIA_PUBLIC_URL"].rstrip("/") + "/"
        app.extensions[_PREFIXES] = {False: where, True: where}
        return
    public = (app.config.get("PUBLIC_BASE_URL") or "") + MEDIA_PATH
    app.extensions[_PREFIXES] = {False: MEDIA_PATH, True: public}


def media_url(path: str, *, public: bool = False) -> str:
    """The URL of a stored file (see ``image_urls`` for ``public``)."""
    return current_app.extensions[_PREFIXES][public] + quote(path)


def image_urls(product, *, public: bool = False) -> tuple[str | None, str | None]:
    """``(image_url, thumbnail_url)`` of a product, both None when it has no image.

    ``public``: under ``PUBLIC_BASE_URL`` when it is set (for API clients).
    """
    path = getattr(product, "image_path", None)
    if not path:
        return None, None
    prefix = current_app.extensions[_PREFIXES][public]
    return prefix + quote(path), prefix + quote(thumbnail_path(path))
