"""/api/cart: a customer's cart (admins have none: 403)."""

from __future__ import annotations

from ..services import cart
from . import ApiBlueprint
from .schemas import CartAddSchema, CartQuantitySchema, CartSchema
from .security import current_user, customer_only

blp = ApiBlueprint(
    "api_cart",
    __name__,
    url_prefix="/api/cart",
    tag="Cart",
    description="The cart of the customer whose token is sent; prices are current prices.",
)


@blp.route("", methods=["GET"])
@customer_only(blp)
@blp.response(200, CartSchema)
def get_cart():
    """Your cart

    `unit_price` is the current price (checkout charges it); `price_at_time`
    the price when the line was added; `price_changed` when they differ.
    """
    return cart.get_cart(current_user().id)


@blp.route("/items", methods=["POST"])
@customer_only(blp)
@blp.arguments(CartAddSchema, example={"product_id": 42, "quantity": 2})
@blp.response(201, CartSchema)
@blp.alt_response(404, response="NOT_FOUND", description="No such product, or archived.")
@blp.alt_response(409, response="CONFLICT", description="More than the stock (`shortages`).")
def add_item(args):
    """Add a product to your cart

    Adds to the line of the same product if there is one; the whole quantity
    must be in stock (409 names the product short).
    """
    return cart.add_to_cart(current_user().id, args["product_id"], args["quantity"])


@blp.route("/items/<id:item_id>", methods=["PUT"], endpoint="set_item_quantity")
@customer_only(blp)
@blp.arguments(CartQuantitySchema, example={"quantity": 3})
@blp.response(200, CartSchema)
@blp.alt_response(404, response="NOT_FOUND", description="No such line in your cart.")
@blp.alt_response(409, response="CONFLICT", description="More than the stock (`shortages`).")
def set_item_quantity(args, item_id):
    """Change a line's quantity"""
    return cart.set_cart_item_quantity(current_user().id, item_id, args["quantity"])


@blp.route("/items/<id:item_id>", methods=["DELETE"], endpoint="remove_item")
@customer_only(blp)
@blp.response(200, CartSchema)
@blp.alt_response(404, response="NOT_FOUND", description="No such line in your cart.")
def remove_item(item_id):
    """Remove a line"""
    return cart.remove_cart_item(current_user().id, item_id)


@blp.route("", methods=["DELETE"], endpoint="clear_cart")
@customer_only(blp)
@blp.response(204)
def clear_cart():
    """Empty your cart"""
    cart.clear_cart(current_user().id)
