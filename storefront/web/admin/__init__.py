"""The back office under /admin. (Stub: filled in by the admin issue.)"""

from flask import Blueprint, render_template

bp = Blueprint("admin", __name__)


@bp.get("/")
def dashboard():
    return render_template("shop/home.html")
