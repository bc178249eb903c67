"""Stub: filled in by the storefront issue."""

from flask import Blueprint, render_template

bp = Blueprint("orders", __name__)


@bp.get("/orders")
def list():
    return render_template("shop/home.html")
