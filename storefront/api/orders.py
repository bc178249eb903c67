"""/api/orders: checkout, a customer's orders, and the admins' order desk."""

from __future__ import annotations

from flask import url_for

from ..services import orders, payments
from . import ApiBlueprint
from .addresses import ADDRESS_EXAMPLE
from .schemas import (
    CheckoutSchema,
    IdempotencyHeaderSchema,
    MyOrdersQuery,
    OrderListQuery,
    OrderPageSchema,
    OrderSchema,
    OrderStatusSchema,
    PaymentStatusSchema,
)
from .security import admin_only, authenticated, current_user, customer_only

blp = ApiBlueprint(
    "api_orders",
    __name__,
    url_prefix="/api/orders",
    tag="Orders",
    description="Orders: placed from the cart, moved along pending → processing → shipped → "
    "delivered, or cancelled before shipping.",
)

LOCATION_HEADER = {
    "Location": {"description": "The URL of the order.", "schema": {"type": "string"}}
}


@blp.route("", methods=["POST"], endpoint="place_order")
@customer_only(blp)
@blp.arguments(IdempotencyHeaderSchema, location="headers")
@blp.arguments(
    CheckoutSchema,
    example={
        "address": ADDRESS_EXAMPLE,
        "note": "",
        "expected_total": "1250.00",
    },
)
@blp.response(201, OrderSchema, headers=LOCATION_HEADER, description="The order was placed.")
@blp.alt_response(
    200,
    schema=OrderSchema,
    success=True,
    headers=LOCATION_HEADER,
    description="An Idempotency-Key replay: the order that key placed.",
)
@blp.alt_response(
    409,
    response="CONFLICT",
    description="Empty cart, a product short (`shortages`) or archived (`products`), a "
    "discount code refused (`discount_unknown`, `discount_expired`, `discount_exhausted`, "
    "`discount_minimum`, `discount_customer_limit`), the "
    "total is not `expected_total` (`total_changed`, with the new figures), or the "
    "Idempotency-Key was used with another body.",
)
def place_order(headers, args):
    """Check out your cart

    All or nothing, at the current prices. Send an `Idempotency-Key` header to
    make a retry safe.
    """
    placed = orders.place_order(
        current_user().id,
        args.get("shipping_address"),
        args["note"],
        idempotency_key=headers.get("idempotency_key"),
        expected_total=args["expected_total"],
        address=args.get("address"),
        address_id=args.get("address_id"),
        shipping_method_id=args.get("shipping_method_id"),
        discount_code=args.get("discount_code"),
        payment_method=args.get("payment_method"),
    )
    location = {"Location": url_for(".get_order", order_id=placed.order.id)}
    return placed.order, 201 if placed.created else 200, location


@blp.route("", methods=["GET"])
@admin_only(blp)
@blp.arguments(OrderListQuery, location="query")
@blp.response(200, OrderPageSchema)
def list_orders(args):
    """Every order (admin)

    Newest first, by `status` and `user_id`.
    """
    return orders.list_orders(**args)


@blp.route("/my-orders", methods=["GET"])
@customer_only(blp)
@blp.arguments(MyOrdersQuery, location="query")
@blp.response(200, OrderPageSchema)
def my_orders(args):
    """Your orders

    Newest first.
    """
    return orders.list_orders(user_id=current_user().id, **args)


@blp.route("/<id:order_id>", methods=["GET"])
@authenticated(blp)
@blp.response(200, OrderSchema)
@blp.alt_response(404, response="NOT_FOUND", description="No such order, or not yours.")
def get_order(order_id):
    """One order (its owner or an admin)"""
    user = current_user()
    return orders.get_order(order_id, owner_id=None if user.is_admin else user.id)


@blp.route("/<id:order_id>/status", methods=["PUT"], endpoint="change_status")
@admin_only(blp)
@blp.arguments(OrderStatusSchema, example={"status": "processing"})
@blp.response(200, OrderSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(409, response="CONFLICT", description="The status machine forbids it.")
def change_status(args, order_id):
    """Move an order along (admin)

    pending → processing | cancelled; processing → shipped | cancelled;
    shipped → delivered. Cancelling restocks. `shipped` may carry a
    `tracking_number` (another status with one is 422). The customer is
    emailed when the order ships, is delivered or is cancelled.
    """
    return orders.change_order_status(
        order_id,
        args["status"],
        actor_id=current_user().id,
        tracking_number=args.get("tracking_number"),
    )


@blp.route("/<id:order_id>", methods=["DELETE"], endpoint="cancel_order")
@authenticated(blp)
@blp.response(200, OrderSchema)
@blp.alt_response(404, response="NOT_FOUND", description="No such order, or not yours.")
@blp.alt_response(409, response="CONFLICT", description="Shipped already: too late.")
def cancel_order(order_id):
    """Cancel an order (its owner or an admin)

    Only before shipping; the stock comes back.
    """
    user = current_user()
    return orders.cancel_order(order_id, user.id, as_admin=user.is_admin)


@blp.route("/<id:order_id>/payment", methods=["PUT"], endpoint="set_payment_status")
@admin_only(blp)
@blp.arguments(PaymentStatusSchema, example={"status": "paid"})
@blp.response(200, OrderSchema)
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(
    409,
    response="CONFLICT",
    description="Not a step of unpaid -> paid -> refunded (`invalid_payment_change`).",
)
def set_payment_status(args, order_id):
    """Mark an order paid or refunded (admin)

    Payment is separate from the order's status: unpaid -> paid -> refunded,
    each change recorded with who made it and when (`payment_history`). A paid
    order that is cancelled shows `refund_due` until it is marked refunded.
    """
    return payments.mark(order_id, args["status"], current_user().id)
