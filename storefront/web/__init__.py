"""The HTML faces: the shop (shoppers) and the back office (admins)."""

from flask import Flask


def register_web(app: Flask) -> None:
    from . import account, auth, cart, checkout, orders, seo, shop
    from .admin import bp as admin_bp

    for module in (shop, cart, checkout, orders, account, auth, seo):
        app.register_blueprint(module.bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    shop.register_template_helpers(app)
    seo.register_seo_helpers(app)
