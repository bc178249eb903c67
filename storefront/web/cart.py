"""Stub: filled in by the storefront issue."""

from flask import Blueprint, render_template

bp = Blueprint("cart", __name__)


@bp.get("/cart")
def view():
    return render_template("shop/home.html")
