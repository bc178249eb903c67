"""Stub: filled in by the storefront issue."""

from flask import Blueprint, render_template

bp = Blueprint("account", __name__)


@bp.get("/account")
def edit():
    return render_template("shop/home.html")
