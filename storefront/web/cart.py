"""The cart page: a customer's cart in the database, a guest's in the session.

Every POST here is checked for its CSRF token by CSRFProtect (extensions.py)
before the view runs.

A line is addressed by its cart item id for a customer and by its variant id
for a guest (a guest's cart has no rows): ``CartLine.item_id`` is either.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..services import cart as cart_service
from ..services import catalog as catalog_service
from ..services.errors import NotAShopper, NotFound, OutOfStock, ValidationError
from . import guest_cart
from .confirm import Confirmation, confirmation_page, items_phrase
from .forms import AddToCartForm, CartQuantityForm, safe_next
from .shop import render_product_with_errors

bp = Blueprint("cart", __name__)


def _current_cart() -> cart_service.CartView:
    if current_user.is_authenticated:
        return cart_service.get_cart(current_user.id)
    return cart_service.guest_cart_view(guest_cart.lines())


def _clear_confirmation(cart: cart_service.CartView) -> Confirmation:
    return Confirmation(
        question=f"Remove all {items_phrase(cart.item_count)} from your cart?",
        page_url=url_for("cart.confirm_clear"),
        back_url=url_for("cart.view"),
        confirm_label="Yes, empty the cart",
        cancel_label="No, keep them",
    )


def _render_cart(status: int = 200, line_errors: dict | None = None, typed: dict | None = None):
    cart = _current_cart()
    return (
        render_template(
            "cart/cart.html",
            cart=cart,
            quantity_form=CartQuantityForm(formdata=None),
            clear=_clear_confirmation(cart),
            line_errors=line_errors or {},
            typed=typed or {},
        ),
        status,
    )


@bp.get("/cart")
def view():
    return _render_cart()


@bp.post("/cart/add")
def add():
    form = AddToCartForm()
    if not form.product_id.data or not form.product_id.data.isdigit():
        abort(404)
    product_id = int(form.product_id.data)
    if not form.validate_on_submit():
        return render_product_with_errors(product_id, form, None, 422)
    quantity = form.quantity.data
    try:
        variant_id = cart_service.resolve(product_id, options=_chosen_options(product_id))
        if current_user.is_authenticated:
            view = cart_service.add_to_cart(current_user.id, variant_id, quantity)
        else:
            lines = cart_service.add_to_guest_cart(guest_cart.lines(), variant_id, quantity)
            guest_cart.save(lines)
            view = cart_service.guest_cart_view(lines)
    except NotFound as exc:
        if exc.field == "options":  # a combination the product is not sold in
            return render_product_with_errors(product_id, form, exc, 422)
        abort(404)
    except OutOfStock as exc:
        return render_product_with_errors(product_id, form, _add_shortage(exc, quantity), 409)
    except NotAShopper as exc:
        flash(exc.message, "error")
        return redirect(safe_next(form.next.data) or url_for("shop.home"), code=303)
    except (ValidationError, guest_cart.TooManyLines) as exc:
        return render_product_with_errors(product_id, form, exc, 422)
    name = next(line.name for line in view.lines if line.variant.id == variant_id)
    flash(f"Added {quantity} × {name} to your cart.", "added")  # flashes.html: cart, checkout
    return redirect(safe_next(form.next.data) or url_for("cart.view"), code=303)


def _chosen_options(product_id: int) -> dict[str, str]:
    """The value picked for each of the product's options (radio groups ``option-<n>``)."""
    product = catalog_service.get_product(product_id)
    return {
        option.name: request.form.get(f"option-{n}", "") for n, option in enumerate(product.options)
    }


def _add_shortage(exc: OutOfStock, quantity: int) -> ValidationError:
    shortage = exc.shortages[0]
    in_cart = shortage.requested - quantity
    if shortage.available <= 0:
        message = f"Sorry, {shortage.product_name} has just sold out."
    elif in_cart > 0:
        message = f"Only {shortage.available} left, and you already have {in_cart} in your cart."
    else:
        message = f"Only {shortage.available} left: choose {shortage.available} or fewer."
    return ValidationError(message, field="quantity")


@bp.post("/cart/lines/<int:line>/quantity")
def update(line: int):
    form = CartQuantityForm()
    if not form.validate_on_submit():
        errors = form.quantity.errors
        return _render_cart(422, {line: " ".join(errors)}, {line: request.form.get("quantity")})
    quantity = form.quantity.data
    try:
        if quantity == 0:  # a shopper who types 0 means "remove it"
            _remove_line(line)
            flash("The item was removed from your cart.", "success")
        elif current_user.is_authenticated:
            cart_service.set_cart_item_quantity(current_user.id, line, quantity)
            flash("Your cart is updated.", "success")
        else:
            lines = cart_service.set_guest_cart_quantity(guest_cart.lines(), line, quantity)
            guest_cart.save(lines)
            flash("Your cart is updated.", "success")
    except OutOfStock as exc:
        available = exc.shortages[0].available
        message = f"Only {available} left." if available else "This product is sold out."
        return _render_cart(409, {line: message}, {line: quantity})
    except ValidationError as exc:
        return _render_cart(422, {line: exc.message}, {line: quantity})
    return redirect(url_for("cart.view"), code=303)


def _remove_line(line: int) -> None:
    if current_user.is_authenticated:
        cart_service.remove_cart_item(current_user.id, line)
    else:
        guest_cart.remove(line)


@bp.post("/cart/lines/<int:line>/remove")
def remove(line: int):
    _remove_line(line)
    flash("The item was removed from your cart.", "success")
    return redirect(url_for("cart.view"), code=303)


@bp.get("/cart/clear")
def confirm_clear():
    cart = _current_cart()
    if cart.is_empty:
        return redirect(url_for("cart.view"), code=303)
    return confirmation_page(_clear_confirmation(cart))


@bp.post("/cart/clear")
def clear():
    if current_user.is_authenticated:
        cart_service.clear_cart(current_user.id)
    else:
        guest_cart.clear()
    flash("Your cart is now empty.", "success")
    return redirect(url_for("cart.view"), code=303)
