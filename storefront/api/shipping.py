"""/api/shipping-methods: what a shopper may choose, and the admins' list of methods."""

from __future__ import annotations

from flask import url_for

from ..services import shipping
from . import ApiBlueprint
from .schemas import (
    ShippingMethodCreateSchema,
    ShippingMethodQuery,
    ShippingMethodSchema,
    ShippingMethodUpdateSchema,
)
from .security import admin_only

blp = ApiBlueprint(
    "api_shipping",
    __name__,
    url_prefix="/api/shipping-methods",
    tag="Shipping",
    description="Shipping methods: a fee, free over an optional threshold (the subtotal "
    "before any discount), optionally only to some countries. Orders copy the name and fee.",
)
EXAMPLE = {"name": "Standard delivery", "fee": "60.00", "free_over": "2000.00", "countries": ["BD"]}
LOCATION_HEADER = {
    "Location": {"description": "The URL of the method.", "schema": {"type": "string"}}
}


@blp.route("", methods=["GET"])
@blp.arguments(ShippingMethodQuery, location="query")
@blp.response(200, ShippingMethodSchema(many=True))
def list_methods(args):
    """The shipping methods offered

    Active methods, cheapest first; with `country`, those that ship there.
    """
    return shipping.list_methods(country=args.get("country"))


@blp.route("", methods=["POST"], endpoint="create_method")
@admin_only(blp)
@blp.arguments(ShippingMethodCreateSchema, example=EXAMPLE)
@blp.response(201, ShippingMethodSchema, headers=LOCATION_HEADER)
def create_method(args):
    """Add a shipping method (admin)"""
    method = shipping.create_method(args)
    return method, 201, {"Location": url_for(".get_method", method_id=method.id)}


@blp.route("/<id:method_id>", methods=["GET"])
@blp.response(200, ShippingMethodSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_method(method_id):
    """One shipping method"""
    return shipping.get_method(method_id)


@blp.route("/<id:method_id>", methods=["PUT"], endpoint="update_method")
@admin_only(blp)
@blp.arguments(ShippingMethodUpdateSchema, example={"fee": "80.00", "is_active": True})
@blp.response(200, ShippingMethodSchema)
@blp.alt_response(404, response="NOT_FOUND")
def update_method(args, method_id):
    """Change a shipping method (admin)

    Any subset of the fields. Orders already placed keep the name and fee they had.
    """
    return shipping.update_method(method_id, args)


@blp.route("/<id:method_id>", methods=["DELETE"], endpoint="delete_method")
@admin_only(blp)
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
def delete_method(method_id):
    """Delete a shipping method (admin)

    Orders shipped with it keep its name and fee. To stop offering it for a while,
    set `is_active: false` instead.
    """
    shipping.delete_method(method_id)
