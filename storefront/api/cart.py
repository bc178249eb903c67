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
@blp.arguments(CartAddSchema, example={"variant_id": 97, "quantity": 2})
@blp.response(201, CartSchema)
@blp.alt_response(404, response="NOT_FOUND", description="No such variant or product, or archived.")
@blp.alt_response(409, response="CONFLICT", description="More than the stock (`shortages`).")
@blp.alt_response(
    422,
    response="UNPROCESSABLE_ENTITY",
    description="`code: variant_required`: a product_id of a product with several variants.",
)
def add_item(args):
    """Add a variant to your cart

    `variant_id` names what to add; a product with one variant may be named by
    `product_id` instead. Adds to the line of the same variant if there is one;
    the whole quantity must be in stock (409 names the variant short).
    """
    variant_id = cart.resolve(args.get("product_id"), args.get("variant_id"))
    return cart.add_to_cart(current_user().id, variant_id, args["quantity"])


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
