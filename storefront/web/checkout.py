"""Stub: filled in by the storefront issue."""

from flask import Blueprint, render_template

bp = Blueprint("checkout", __name__)


@bp.get("/checkout")
def checkout():
    return render_template("shop/home.html")
