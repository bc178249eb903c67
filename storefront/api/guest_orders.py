"""/api/guest-orders: checkout without an account, and the order through its signed key."""

from __future__ import annotations

from flask import url_for

from .. import ratelimit
from ..services import orders
from . import ApiBlueprint
from .addresses import ADDRESS_EXAMPLE
from .schemas import GuestCheckoutSchema, GuestOrderSchema, IdempotencyHeaderSchema, OrderSchema

blp = ApiBlueprint(
    "api_guest_orders",
    __name__,
    url_prefix="/api/guest-orders",
    tag="Guest orders",
    description="Buying without an account: an email and an address, and a signed key "
    "to the order instead of a login.",
)


def _guest_order(placed) -> dict:
    token = orders.guest_order_token(placed.order)
    return {
        "order": placed.order,
        "token": token,
        "order_url": url_for("orders.guest_detail", token=token, _external=False),
    }


@blp.route("", methods=["POST"], endpoint="place_guest_order")
@ratelimit.limit_requests(ratelimit.GUEST_ORDERS)
@blp.arguments(IdempotencyHeaderSchema, location="headers")
@blp.arguments(
    GuestCheckoutSchema,
    example={
        "email": "guest@example.com",
        "items": [{"variant_id": 97, "quantity": 1}],
        "address": ADDRESS_EXAMPLE,
        "note": "",
    },
)
@blp.response(201, GuestOrderSchema, description="The order was placed.")
@blp.alt_response(
    200,
    schema=GuestOrderSchema,
    success=True,
    description="An Idempotency-Key replay (same email, key and body): the order it placed.",
)
@blp.alt_response(
    409,
    response="CONFLICT",
    description="A variant short (`shortages`) or no longer sold (`products`), a discount "
    "code refused, the total is not `expected_total` (`total_changed`), or the "
    "Idempotency-Key was used with another body.",
)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@blp.alt_response(429, response="TOO_MANY_REQUESTS")
def place_guest_order(headers, args):
    """Check out as a guest

    No account and no token: the lines come in the body (`variant_id`,
    `quantity`), with an email and an address. The same stock, price and
    discount rules and the same all-or-nothing checkout as `POST /api/orders`;
    an `Idempotency-Key` is scoped to the email. The answer carries the order's
    signed key (`token`, and `order_url` for a person); the order is mailed.
    Rate limited per client address with login.
    """
    placed = orders.place_guest_order(
        args["email"],
        [(line["variant_id"], line["quantity"]) for line in args["items"]],
        address=args["address"],
        shipping_method_id=args.get("shipping_method_id"),
        discount_code=args.get("discount_code"),
        note=args["note"],
        payment_method=args.get("payment_method"),
        idempotency_key=headers.get("idempotency_key"),
        expected_total=args["expected_total"],
    )
    return _guest_order(placed), 201 if placed.created else 200


@blp.route("/<token>", methods=["GET"], endpoint="get_guest_order")
@blp.response(200, OrderSchema)
@blp.alt_response(404, response="NOT_FOUND", description="Not a key to an order.")
def get_guest_order(token):
    """A guest's order, by its key"""
    return orders.get_guest_order(token)
