"""The back office under /admin: dashboard, products, stock, orders, users and mail.

Every route of this blueprint is for admins only. The check is a
``before_request`` on the blueprint rather than a decorator per view, so a
route added later cannot forget it: guests are sent to the login page,
customers get 403.
"""

from flask import Blueprint, abort, current_app, request, url_for
from flask_login import current_user

from ...media import image_urls
from ...services.reporting import shop_timezone
from ..forms import page_number, query_args  # noqa: F401  (page_number: the admin views import it from here)

bp = Blueprint("admin", __name__)


@bp.before_request
def require_admin():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


@bp.context_processor
def admin_helpers():
    return {
        "url_with": url_with,
        "local_time": local_time,
        "thumbnail_of": thumbnail_of,
        "admin_sections": admin_sections,
    }


# The sidebar: (section, endpoint, label). A page names its section to be marked current.
SECTIONS = [
    ("dashboard", "admin.dashboard", "Dashboard"),
    ("orders", "admin.orders_list", "Orders"),
    ("products", "admin.products", "Products"),
    ("categories", "admin.categories", "Categories"),
    ("users", "admin.users_list", "Users"),
    ("discounts", "admin.discount_codes", "Discounts"),
    ("shipping", "admin.shipping_methods", "Shipping"),
    ("mail", "admin.mail_list", "Mail"),
]


def admin_sections() -> list[tuple[str, str, str]]:
    """The sidebar's sections whose page exists in this app (others are added as they land)."""
    endpoints = current_app.view_functions
    return [section for section in SECTIONS if section[1] in endpoints]


def local_time(moment) -> str:
    """A stored UTC time as the shop's staff read it: in the shop's time zone."""
    if moment is None:
        return ""
    return moment.astimezone(shop_timezone()).strftime("%d %b %Y, %H:%M")


def thumbnail_of(product) -> str | None:
    return image_urls(product)[1]


def url_with(**changes) -> str:
    """This page's URL with some query arguments changed (None removes one).

    Changing anything but the page goes back to the first page.
    """
    args = query_args()
    if "page" not in changes:
        args.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


from . import (  # noqa: E402, F401  (routes on bp)
    categories,
    dashboard,
    discounts,
    gallery,
    mail,
    orders,
    products,
    shipping,
    users,
    variants,
)
