"""Orders: the filtered list, one order, and its moves along the status machine."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...models import ORDER_STATUSES
from ...services import orders, payments, reporting
from ...services.errors import Conflict, ValidationError
from ..confirm import Confirmation, confirmation_page, order_items_phrase
from . import bp, page_number
from .forms import OrderStatusForm
from .ranges import range_choice

PER_PAGE = 20
# What the button for each target status says.
ACTIONS = {
    "processing": "Start processing",
    "shipped": "Mark as shipped",
    "delivered": "Mark as delivered",
    "cancelled": "Cancel order and restock",
}


@bp.get("/orders")
def orders_list():
    filters = {
        "status": request.args.get("status", ""),
        "customer": request.args.get("customer", "").strip(),
    }
    if filters["status"] not in ORDER_STATUSES:
        filters["status"] = ""
    dates = range_choice(default=None)
    placed_from, placed_before = (
        dates.range.bounds(reporting.shop_timezone()) if dates.range else (None, None)
    )
    results = (
        None
        if dates.refused
        else orders.list_orders(
            status=filters["status"] or None,
            customer=filters["customer"] or None,
            placed_from=placed_from,
            placed_before=placed_before,
            page=page_number(),
            per_page=PER_PAGE,
        )
    )
    return render_template(
        "admin/orders.html",
        results=results,
        filters=filters,
        dates=dates,
        statuses=ORDER_STATUSES,
        section="orders",
    ), (422 if dates.refused else 200)


@bp.get("/orders/<int:order_id>")
def order_detail(order_id: int):
    order = orders.get_order(order_id)
    changed_by = reporting.people(
        [c.changed_by_id for c in order.status_history]
        + [c.changed_by_id for c in order.payment_history]
    )
    return render_template(
        "admin/order.html",
        order=order,
        changed_by=changed_by,
        payment_transitions=[
            (s, PAYMENT_LABELS[s]) for s in payments.PAYMENT_TRANSITIONS[order.payment_status]
        ],
        transitions=[(s, ACTIONS.get(s, s)) for s in orders.allowed_transitions(order.status)],
        form=OrderStatusForm(),
        max_tracking_number=orders.MAX_TRACKING_NUMBER,
        cancel=_cancel_confirmation(order),
        section="orders",
    )


def _cancel_confirmation(order) -> Confirmation:
    return Confirmation(
        question=f"Cancel order #{order.id} and put {order_items_phrase(order)} back in stock?",
        detail="The customer sees the order as cancelled. This cannot be undone.",
        page_url=url_for("admin.confirm_cancel_order", order_id=order.id),
        post_to=url_for("admin.change_order_status", order_id=order.id),
        back_url=url_for("admin.order_detail", order_id=order.id),
        confirm_label="Yes, cancel and restock",
        cancel_label="No, keep the order",
        hidden=(("new_status", "cancelled"),),
    )


@bp.get("/orders/<int:order_id>/cancel")
def confirm_cancel_order(order_id: int):
    order = orders.get_order(order_id)
    return confirmation_page(_cancel_confirmation(order), admin=True, section="orders")


@bp.post("/orders/<int:order_id>/status")
def change_order_status(order_id: int):
    form = OrderStatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        order = orders.change_order_status(
            order_id,
            form.new_status.data,
            actor_id=current_user.id,
            tracking_number=form.tracking_number.data,
        )
    except (Conflict, ValidationError) as exc:  # InvalidTransition is a Conflict
        flash(f"Not changed: {exc.message}", "error")
    else:
        if order.status == "cancelled":
            flash(f"Order #{order.id} is cancelled; its items are back in stock.", "success")
        else:
            flash(f"Order #{order.id} is now {order.status}.", "success")
    return redirect(url_for("admin.order_detail", order_id=order_id))


PAYMENT_LABELS = {"paid": "Mark paid", "refunded": "Mark refunded"}


@bp.post("/orders/<int:order_id>/payment")
def change_payment_status(order_id: int):
    form = OrderStatusForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        order = payments.mark(order_id, form.new_status.data, actor_id=current_user.id)
    except (Conflict, ValidationError) as exc:
        flash(f"Not changed: {exc.message}", "error")
    else:
        flash(f"Order #{order.id} is marked {order.payment_status}.", "success")
    return redirect(url_for("admin.order_detail", order_id=order_id))
