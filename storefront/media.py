"""Uploaded files under ``MEDIA_ROOT``, served at ``/media/<path>``.

In production a front web server may serve ``MEDIA_ROOT`` itself; this route
keeps a single process complete. Stored names are random and never reused, so
a file can be cached for a year.
"""

from __future__ import annotations

import posixpath

from flask import Blueprint, abort, current_app, send_from_directory, url_for

from .services.images import thumbnail_path

bp = Blueprint("media", __name__)

ONE_YEAR = 365 * 24 * 60 * 60
# Only what the image service writes is ever served (not its temporary files).
SERVED_EXTENSIONS = {".jpg", ".png", ".webp"}


@bp.get("/media/<path:filename>")
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


def image_urls(product, *, external: bool = False) -> tuple[str | None, str | None]:
    """``(image_url, thumbnail_url)`` of a product, both None when it has no image."""
    path = getattr(product, "image_path", None)
    if not path:
        return None, None
    return (
        url_for("media.file", filename=path, _external=external),
        url_for("media.file", filename=thumbnail_path(path), _external=external),
    )
