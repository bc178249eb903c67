"""Checkout: the shipping form, a summary of the cart, and "place order".

The form carries an idempotency key made when the page is shown, so a double
click or a resubmitted page meets the order the first submission placed.
"""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from ..ratelimit import GUEST_ORDERS, count_auth_request
from ..services import addresses, discounts, orders, payments, pricing, shipping
from ..services import cart as cart_service
from ..services.accounts import normalize_email
from ..services.errors import (
    DiscountRefused,
    EmptyCart,
    IdempotencyKeyReused,
    NotAShopper,
    OutOfStock,
    ProductUnavailable,
    TotalChanged,
    ValidationError,
)
from . import guest_cart
from .forms import (
    ADDRESS_ALIASES,
    NEW_ADDRESS,
    CheckoutForm,
    GuestCheckoutForm,
    add_service_errors,
    shipping_label,
)

bp = Blueprint("checkout", __name__)
# The hidden total's refusal is said above the form (a hidden field shows no error).
CHECKOUT_ALIASES = {**ADDRESS_ALIASES, "expected_total": "_form"}


def _as_id(value: str) -> int:
    return int(value) if value.isdigit() and len(value) <= 10 else 0


def _is_guest() -> bool:
    return not current_user.is_authenticated


def _form(**kwargs) -> CheckoutForm:
    """A customer's checkout form, or a guest's (which asks for an email too)."""
    return GuestCheckoutForm(**kwargs) if _is_guest() else CheckoutForm(**kwargs)


def _cart():
    if _is_guest():
        return cart_service.guest_cart_view(guest_cart.lines())
    return cart_service.get_cart(current_user.id)


def _address_choices(form: CheckoutForm, *, choose_default: bool) -> list:
    if _is_guest():
        form.address_id.choices = [(NEW_ADDRESS, "A new address")]
        form.address_id.data = NEW_ADDRESS
        return []
    book = addresses.list_addresses(current_user.id)
    form.address_id.choices = [
        (str(a.id), addresses.from_saved(a).as_text().replace("\n", ", ")) for a in book
    ] + [(NEW_ADDRESS, "A new address")]
    if choose_default and book:
        form.address_id.data = str(book[0].id)  # the default comes first
    return book


def _shipping_choices(form: CheckoutForm):
    """Every active method (the service checks the country when the order is placed);
    the chosen one, or the cheapest, prices the page."""
    methods = shipping.list_methods()
    form.shipping_method_id.choices = [(str(m.id), shipping_label(m)) for m in methods]
    chosen = next((m for m in methods if str(m.id) == form.shipping_method_id.data), None)
    if chosen is None and methods:
        chosen = methods[0]
        form.shipping_method_id.data = str(chosen.id)
    return methods, chosen


def _payment_choices(form: CheckoutForm):
    """The shop's payment methods; the chosen one (or the first) is checked."""
    methods = payments.enabled_methods()
    form.payment_method.choices = [(m.code, m.label) for m in methods]
    chosen = next((m for m in methods if m.code == form.payment_method.data), methods[0])
    form.payment_method.data = chosen.code
    return methods, chosen


def _discount(form: CheckoutForm, subtotal):
    """The discount the entered code gives now (shown before confirming), or its refusal
    next to the field and no discount."""
    code_text = (form.discount_code.data or "").strip()
    if not code_text:
        return pricing.ZERO, None
    try:
        if _is_guest():
            email = normalize_email(form.email.data) or None
            code, amount = discounts.preview(code_text, None, subtotal, guest_email=email)
        else:
            code, amount = discounts.preview(code_text, current_user.id, subtotal)
    except DiscountRefused as exc:
        if not form.discount_code.errors:
            form.discount_code.errors = [exc.message]
        return pricing.ZERO, None
    return amount, code


def _render(form: CheckoutForm, status: int = 200, **problems):
    cart = _cart()
    methods, method = _shipping_choices(form)
    discount, code = _discount(form, pricing.quote_cart(cart).subtotal)
    quote = pricing.quote_cart(cart, method, discount)
    book = _address_choices(form, choose_default=False)
    payment_methods, payment = _payment_choices(form)
    # Whatever total this page shows is the one its "Place order" confirms.
    form.expected_total.data = str(quote.total)
    page = render_template(
        "checkout/checkout.html",
        form=form,
        cart=cart,
        quote=quote,
        book=book,
        methods=methods,
        method=method,
        code=code,
        payment_methods=payment_methods,
        payment=payment,
        **problems,
    )
    return page, status


@bp.get("/checkout")
def checkout():
    """A customer's checkout, or a guest's: an email and an address instead of an account."""
    form = _form(idempotency_key=secrets.token_urlsafe(24))
    cart = _cart()
    if cart.is_empty:
        flash("Your cart is empty: add something before checking out.", "info")
        return redirect(url_for("cart.view"))
    _address_choices(form, choose_default=True)
    return _render(form)


def _place(form: CheckoutForm):
    shipping_method_id = _as_id(form.shipping_method_id.data or "") or None
    if _is_guest():
        # It mails an address anyone may type: counted per client address, as the
        # API's guest checkout and a login are (429 once over).
        count_auth_request(GUEST_ORDERS)
        return orders.place_guest_order(
            form.email.data or "",
            guest_cart.lines(),
            address=form.address_data(),
            note=form.note.data or "",
            idempotency_key=form.idempotency_key.data or None,
            expected_total=form.expected_total.data or None,
            shipping_method_id=shipping_method_id,
            discount_code=form.discount_code.data or None,
            payment_method=form.payment_method.data or None,
        )
    chosen = form.address_id.data or NEW_ADDRESS
    return orders.place_order(
        current_user.id,
        note=form.note.data or "",
        idempotency_key=form.idempotency_key.data or None,
        expected_total=form.expected_total.data or None,
        address=form.address_data() if chosen == NEW_ADDRESS else None,
        address_id=None if chosen == NEW_ADDRESS else _as_id(chosen),
        save_address=bool(form.save_address.data),
        shipping_method_id=shipping_method_id,
        discount_code=form.discount_code.data or None,
        payment_method=form.payment_method.data or None,
    )


@bp.post("/checkout")
def place_order():
    form = _form()
    if _is_guest():
        _address_choices(form, choose_default=False)
    if not form.validate_on_submit():
        return _render(form, 422)
    if form.review.data:
        # "Update the total": the page again, priced with what was chosen; nothing placed.
        return _render(form)
    try:
        placed = _place(form)
    except OutOfStock as exc:
        return _render(form, 409, shortages=exc.shortages)
    except ProductUnavailable as exc:
        return _render(form, 409, unavailable=exc.products)
    except TotalChanged as exc:
        return _render(form, 409, total_changed=exc)
    except DiscountRefused as exc:
        # Nothing ordered, the cart kept: the shopper may fix the code, or clear it and
        # place the order again without it.
        form.discount_code.errors = [exc.message]
        return _render(form, 409)
    except NotAShopper as exc:
        flash(exc.message, "error")
        return redirect(url_for("cart.view"), code=303)
    except EmptyCart:
        flash("Your cart is empty: add something before checking out.", "info")
        return redirect(url_for("cart.view"), code=303)
    except IdempotencyKeyReused:
        flash(
            "This checkout page was already used to place an order. "
            "Check your orders below before ordering again.",
            "warning",
        )
        return redirect(url_for("cart.view" if _is_guest() else "orders.list"), code=303)
    except ValidationError as exc:
        add_service_errors(form, exc, aliases=CHECKOUT_ALIASES)
        return _render(form, 422)
    order = placed.order
    if placed.created:
        flash(f"Thank you! Your order #{order.id} is placed.", "success")
    else:
        flash(f"Your order #{order.id} was already placed; here it is.", "info")
    if order.is_guest_order:
        guest_cart.clear()
        token = orders.guest_order_token(order)
        return redirect(url_for("orders.guest_detail", token=token), code=303)
    return redirect(url_for("orders.detail", order_id=order.id), code=303)
