"""Shopper pages: home, catalog, product. (Stub: filled in by the storefront issue.)"""

from flask import Blueprint, Flask, render_template

from ..services.money import display_money

bp = Blueprint("shop", __name__)


@bp.get("/")
def home():
    return render_template("shop/home.html")


@bp.get("/products")
def catalog():
    return render_template("shop/home.html")


def register_template_helpers(app: Flask) -> None:
    """Filters and globals every template may use (money, currency, cart count)."""

    @app.template_filter("money")
    def money_filter(amount) -> str:
        return display_money(amount, app.config["CURRENCY"])
