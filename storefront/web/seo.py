"""What search engines and link previews read: descriptions, Open Graph,
schema.org JSON-LD, ``/sitemap.xml`` and ``/robots.txt``.

Absolute URLs come from ``PUBLIC_BASE_URL`` (storefront/urls.py), never from a
request's Host; without it they are site-relative, and robots.txt names no
sitemap (a ``Sitemap:`` line must be absolute).
"""

from __future__ import annotations

import re

from flask import Blueprint, Flask, Response, current_app, render_template, url_for

from ..services import catalog as catalog_service
from ..services import inventory as inventory_service
from ..urls import public_url

bp = Blueprint("seo", __name__)

DESCRIPTION_LENGTH = 160  # what result pages show of a description
ONE_HOUR = 60 * 60


def describe(text: str | None, limit: int = DESCRIPTION_LENGTH) -> str:
    """``text`` on one line, cut at a word before ``limit`` characters (with "…")."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:-")
    return cut + "…"


def product_description(product) -> str:
    return describe(product.description) or describe(
        f"{product.name}, {product.category.name if product.category else 'in our shop'}: "
        f"order online from Storefront."
    )


def product_structured_data(product, image_url: str | None) -> dict:
    """schema.org ``Product`` with one ``Offer``: rendered with ``tojson``, which
    escapes ``<``, ``>`` and ``&``, so no text can close the script element."""
    url = public_url(url_for("shop.product", product_id=product.id, slug=product.slug))
    in_stock = inventory_service.stock_level(product) != "out"
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "description": product_description(product),
        "sku": str(product.id),
        "url": url,
        "offers": {
            "@type": "Offer",
            "url": url,
            "price": f"{product.min_price:.2f}",
            "priceCurrency": current_app.config["CURRENCY"],
            "availability": "https://schema.org/" + ("InStock" if in_stock else "OutOfStock"),
        },
    }
    if image_url:
        data["image"] = [image_url]
    if product.category:
        data["category"] = product.category.name
    return data


@bp.get("/robots.txt")
def robots():
    sitemap = public_url(url_for("seo.sitemap"))
    lines = [
        "User-agent: *",
        # Pages that are one visitor's own, or forms: nothing to index. Not the
        # cart and the back office (issue 13 asks Lighthouse's SEO 100 of them, and
        # its "is crawlable" audit fails a disallowed page): a crawler sees an empty
        # cart, and /admin only sends it to the login page.
        "Disallow: /checkout",
        "Disallow: /orders",
        "Disallow: /account",
        "Disallow: /api/",
    ]
    if sitemap.startswith(("https://", "http://")):
        lines.append(f"Sitemap: {sitemap}")
    response = Response("\n".join(lines) + "\n", mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = ONE_HOUR
    return response


@bp.get("/sitemap.xml")
def sitemap():
    body = render_template(
        "seo/sitemap.xml",
        categories=catalog_service.list_categories(),
        products=catalog_service.sitemap_products(),
    )
    response = Response(body, mimetype="application/xml")
    response.cache_control.public = True
    response.cache_control.max_age = ONE_HOUR
    return response


def register_seo_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        describe=describe,
        product_description=product_description,
        product_structured_data=product_structured_data,
    )
