"""Swagger UI at /api/docs, served from the swagger-ui-bundle package: no CDN.

The page has no inline script (the store's CSP is ``script-src 'self'``): its
settings are data attributes read by ``static/swagger-ui/init.js``.
"""

from __future__ import annotations

from flask import Blueprint, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__, url_prefix="/api/docs")

ONE_DAY = 24 * 60 * 60


@bp.get("")
def swagger_ui():
    return render_template("api/docs.html")


@bp.get("/assets/<path:filename>")
def asset(filename: str):
    # send_from_directory refuses paths that leave the folder.
    return send_from_directory(str(swagger_ui_path), filename, max_age=ONE_DAY)
