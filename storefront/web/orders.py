"""A customer's orders: the list, one order, and cancelling it."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from ..services import orders as order_service
from ..services.errors import InvalidTransition, ValidationError
from .confirm import Confirmation, confirmation_page, order_items_phrase
from .forms import ConfirmForm, page_number

bp = Blueprint("orders", __name__)

ORDERS_PER_PAGE = 10


@bp.get("/orders")
@login_required
def list():  # noqa: A001 - the endpoint is ``orders.list``
    result = order_service.list_orders(
        user_id=current_user.id, page=page_number(), per_page=ORDERS_PER_PAGE
    )
    return render_template(
        "orders/list.html",
        orders=result,
        guest_orders=order_service.guest_orders_for(current_user.id),
        claim_form=ConfirmForm(),
    )


@bp.route("/orders/claim", methods=["GET", "POST"])
@login_required
def send_claim_link():
    """Mail a link that proves the account's email; opened, it adds the guest orders.
    (GET, as after logging in on the way here, changes nothing: back to the orders.)"""
    if request.method == "POST" and ConfirmForm().validate_on_submit():
        if order_service.send_claim_link(current_user.id) is None:
            return redirect(url_for("orders.list"), code=303)
        flash(
            f"We sent a link to {current_user.email}. Open it (logged in) to add your "
            "guest orders to this account.",
            "success",
        )
    return redirect(url_for("orders.list"), code=303)


@bp.route("/orders/claim/<token>", methods=["GET", "POST"])
@login_required
def claim_guest_orders(token: str):
    """The emailed link: a confirmation page (GET changes nothing), then the join."""
    form = ConfirmForm()
    try:
        email = order_service.check_claim_link(current_user.id, token)
        if request.method == "POST" and form.validate_on_submit():
            joined = order_service.claim_guest_orders(current_user.id, token)
            noun = "order" if joined == 1 else "orders"
            flash(f"{joined} guest {noun} added to your account.", "success")
            return redirect(url_for("orders.list"), code=303)
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(url_for("orders.list"), code=303)
    return render_template(
        "orders/claim.html",
        form=form,
        email=email,
        waiting=order_service.guest_orders_for(current_user.id),
    )


@bp.get("/orders/<int:order_id>")
@login_required
def detail(order_id: int):
    order = order_service.get_order(order_id, owner_id=current_user.id)
    return render_template(
        "orders/detail.html",
        order=order,
        can_cancel=order.status in order_service.CANCELLABLE,
        cancel=cancel_confirmation(order),
    )


@bp.get("/orders/guest/<token>")
def guest_detail(token: str):
    """A guest's order, through the signed link shown at checkout and mailed. The
    link is the key: the page is not cached and not indexed (see the template)."""
    order = order_service.get_guest_order(token)
    response = make_response(
        render_template("orders/detail.html", order=order, can_cancel=False, guest_link=True)
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def cancel_confirmation(order) -> Confirmation:
    return Confirmation(
        question=f"Cancel order #{order.id} ({order_items_phrase(order)})?",
        detail="The items go back on the shelf. This cannot be undone.",
        page_url=url_for("orders.cancel", order_id=order.id),
        back_url=url_for("orders.detail", order_id=order.id),
        confirm_label="Yes, cancel the order",
        cancel_label="No, keep the order",
    )


@bp.get("/orders/<int:order_id>/cancel")
@login_required
def confirm_cancel(order_id: int):
    order = order_service.get_order(order_id, owner_id=current_user.id)
    return confirmation_page(cancel_confirmation(order))


@bp.post("/orders/<int:order_id>/cancel")
@login_required
def cancel(order_id: int):
    try:
        order_service.cancel_order(order_id, current_user.id)
    except InvalidTransition as exc:
        flash(exc.message, "error")
    else:
        flash(f"Order #{order_id} is cancelled.", "success")
    return redirect(url_for("orders.detail", order_id=order_id), code=303)
