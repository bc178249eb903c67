"""Stub: filled in by the storefront issue."""

from flask import Blueprint, render_template

bp = Blueprint("auth", __name__)


@bp.get("/login")
def login():
    return render_template("shop/home.html")


@bp.get("/logout")
def logout():
    return render_template("shop/home.html")


@bp.get("/register")
def register():
    return render_template("shop/home.html")
