"""Uploaded files under ``MEDIA_ROOT``, served at ``/media/<path>``.

In production a front web server may serve ``MEDIA_ROOT`` itself; this route
keeps a single process complete. Stored names are random and never reused, so
a file can be cached for a year.

A media URL is a prefix computed once per app plus the stored path: pages use
``/media/``; the API uses ``PUBLIC_BASE_URL`` + ``/media/`` when that is set
(site-relative otherwise), never the Host header a request carries.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from flask import Blueprint, Flask, abort, current_app, send_from_directory

from .services.images import thumbnail_path

bp = Blueprint("media", __name__)
MEDIA_PATH = "/media/"
_PREFIXES = "storefront.media_prefixes"

ONE_YEAR = 365 * 24 * 60 * 60
# Only what the image service writes is ever served (not its temporary files).
SERVED_EXTENSIONS = {".jpg", ".png", ".webp"}


@bp.get(MEDIA_PATH + "<path:filename>")
def file(filename: str):
    if posixpath.splitext(filename)[1].lower() not in SERVED_EXTENSIONS:
        abort(404)
    # send_from_directory refuses ".." and absolute paths with a 404.
    response = send_from_directory(
        current_app.config["MEDIA_ROOT"], filename, max_age=ONE_YEAR, conditional=True
    )
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Opened directly, a media file may run nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def init_media_urls(app: Flask) -> None:
    """The two URL prefixes of media files, computed once: site-relative and public."""
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
