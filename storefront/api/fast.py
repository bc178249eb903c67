"""Hot catalog responses built without per-field marshmallow work.

``ProductSchema`` and ``ProductPageSchema`` stay the OpenAPI document (and the
slow, obviously right way to dump a product). Dumping a 100-product page with
them costs more than the query behind it, so the list, search and product
endpoints build the same dictionaries here, directly, and hand them to the
same JSON provider: ``tests/api/test_fast_serialization.py`` checks that the
bytes are identical to the schema's for every kind of product. A field added
to ``ProductSchema`` must be added here too (that test fails until it is). The
list's items have no gallery (one query for a page: the cover is
``products.image_path``); one product has it (``ProductDetailSchema``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Response, current_app

from ..media import image_urls, media_url
from ..services.images import thumbnail_path
from ..services.money import format_money
from ..services.pagination import Page


def _timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def variant_dict(variant, image_url: str | None) -> dict:
    """What ``VariantSchema().dump(variant)`` gives."""
    return {
        "id": variant.id,
        "sku": variant.sku,
        "options": variant.options,
        "price": format_money(variant.unit_price),
        "stock_quantity": variant.stock_quantity,
        "in_stock": variant.in_stock,
        "is_active": variant.is_active,
        "image_url": image_url,
    }


def product_dict(product) -> dict:
    """What ``ProductSchema().dump(product)`` gives."""
    image_url, thumbnail_url = image_urls(product, public=True)
    category = product.category
    price = product.min_price
    return {
        "id": product.id,
        "name": product.name,
        "slug": product.slug,
        "description": product.description,
        "price": None if price is None else format_money(price),
        "stock_quantity": product.stock_quantity,
        "in_stock": product.in_stock,
        "category": category.name if category else None,
        "category_id": product.category_id,
        "image_url": image_url,
        "thumbnail_url": thumbnail_url,
        "is_active": product.is_active,
        "created_at": _timestamp(product.created_at),
        "updated_at": _timestamp(product.updated_at),
        "options": [{"name": o.name, "values": list(o.values)} for o in product.options],
        "variants": [
            variant_dict(v, image_urls(v, public=True)[0] if v.image_path else image_url)
            for v in product.variants
        ],
    }


def product_detail_dict(product) -> dict:
    """What ``ProductDetailSchema().dump(product)`` gives: the gallery after the rest."""
    data = product_dict(product)
    name = product.name
    data["images"] = [
        {
            "id": image.id,
            "url": media_url(image.path, public=True),
            "thumbnail_url": media_url(thumbnail_path(image.path), public=True),
            "alt": image.alt or name,
            "position": image.position,
            "variant_id": image.variant_id,
        }
        for image in product.images
    ]
    return data


def product_page_dict(page: Page) -> dict:
    """What ``ProductPageSchema().dump(page)`` gives."""
    return {
        "items": [product_dict(p) for p in page.items],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
    }


def json_response(data) -> Response:
    """As flask-smorest answers (``jsonify``): the app's JSON provider, status 200."""
    return current_app.json.response(data)
