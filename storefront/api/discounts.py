"""/api/discount-codes: the admins' discount codes."""

from __future__ import annotations

from flask import url_for

from ..services import discounts
from . import ApiBlueprint
from .schemas import DiscountCodeCreateSchema, DiscountCodeSchema, DiscountCodeUpdateSchema
from .security import admin_only

blp = ApiBlueprint(
    "api_discounts",
    __name__,
    url_prefix="/api/discount-codes",
    tag="Discount codes",
    description="Codes for a percentage or a fixed amount off the subtotal (admin). A use is "
    "counted when an order is placed with the code.",
)
EXAMPLE = {
    "code": "EID10",
    "kind": "percent",
    "value": "10",
    "min_subtotal": "500.00",
    "starts_at": "2026-12-01T00:00:00+06:00",
    "ends_at": "2026-12-31T00:00:00+06:00",
    "usage_limit": 100,
    "per_customer_limit": 1,
    "is_active": True,
}
LOCATION_HEADER = {
    "Location": {"description": "The URL of the code.", "schema": {"type": "string"}}
}


@blp.route("", methods=["GET"])
@admin_only(blp)
@blp.response(200, DiscountCodeSchema(many=True))
def list_codes():
    """Every discount code (admin)"""
    return discounts.list_codes()


@blp.route("", methods=["POST"], endpoint="create_code")
@admin_only(blp)
@blp.arguments(DiscountCodeCreateSchema, example=EXAMPLE)
@blp.response(201, DiscountCodeSchema, headers=LOCATION_HEADER)
@blp.alt_response(409, response="CONFLICT", description="The code exists already.")
def create_code(args):
    """Add a discount code (admin)"""
    code = discounts.create_code(args)
    return code, 201, {"Location": url_for(".get_code", code_id=code.id)}


@blp.route("/<id:code_id>", methods=["GET"])
@admin_only(blp)
@blp.response(200, DiscountCodeSchema)
@blp.alt_response(404, response="NOT_FOUND")
def get_code(code_id):
    """One discount code (admin)"""
    return discounts.get_code(code_id)


@blp.route("/<id:code_id>", methods=["PUT"], endpoint="update_code")
@admin_only(blp)
@blp.arguments(DiscountCodeUpdateSchema, example={"usage_limit": 200, "is_active": True})
@blp.response(200, DiscountCodeSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="Another code has this name.")
def update_code(args, code_id):
    """Change a discount code (admin)

    Any subset of the fields; a usage limit below the uses so far is 422.
    """
    return discounts.update_code(code_id, args)


@blp.route("/<id:code_id>", methods=["DELETE"], endpoint="delete_code")
@admin_only(blp)
@blp.response(204)
@blp.alt_response(404, response="NOT_FOUND")
def delete_code(code_id):
    """Delete a discount code (admin)

    A code that orders used is deactivated instead: orders refer to it.
    """
    discounts.delete_code(code_id)
