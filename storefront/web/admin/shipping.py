"""The back office's shipping methods: list, add, edit, delete."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from ...services import shipping
from ...services.errors import ValidationError
from ..confirm import Confirmation, confirmation_page
from ..forms import add_service_errors, confirm_or_400
from . import bp
from .forms import ShippingMethodForm


def _data(form: ShippingMethodForm) -> dict:
    return {
        "name": form.name.data,
        "fee": form.fee.data,
        "free_over": form.free_over.data or None,
        "countries": form.countries.data or "",
        "is_active": form.is_active.data,
    }


@bp.get("/shipping")
def shipping_methods():
    methods = shipping.list_methods(active_only=False)
    return render_template(
        "admin/shipping.html", methods=methods, delete=_delete_confirmation, section="shipping"
    )


@bp.route("/shipping/new", methods=["GET", "POST"])
def new_shipping_method():
    form = ShippingMethodForm()
    if form.validate_on_submit():
        try:
            method = shipping.create_method(_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            flash(f"Shipping method “{method.name}” added.", "success")
            return redirect(url_for("admin.shipping_methods"), code=303)
    status = 422 if form.is_submitted() else 200
    page = render_template("admin/shipping_form.html", form=form, method=None, section="shipping")
    return page, status


@bp.route("/shipping/<int:method_id>/edit", methods=["GET", "POST"])
def edit_shipping_method(method_id: int):
    method = shipping.get_method(method_id)
    form = ShippingMethodForm(
        data={
            "name": method.name,
            "fee": str(method.fee),
            "free_over": "" if method.free_over is None else str(method.free_over),
            "countries": " ".join(method.country_list),
            "is_active": method.is_active,
        }
    )
    if form.validate_on_submit():
        try:
            shipping.update_method(method_id, _data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            flash("Shipping method saved.", "success")
            return redirect(url_for("admin.shipping_methods"), code=303)
    status = 422 if form.is_submitted() else 200
    page = render_template("admin/shipping_form.html", form=form, method=method, section="shipping")
    return page, status


def _delete_confirmation(method) -> Confirmation:
    return Confirmation(
        question=f"Delete the shipping method {method.name}?",
        detail="Checkout no longer offers it. Orders keep the name and fee they were shipped with.",
        page_url=url_for("admin.delete_shipping_method", method_id=method.id),
        back_url=url_for("admin.shipping_methods"),
        confirm_label="Yes, delete it",
        cancel_label="No, keep it",
    )


@bp.get("/shipping/<int:method_id>/delete")
def confirm_delete_shipping_method(method_id: int):
    method = shipping.get_method(method_id)
    return confirmation_page(_delete_confirmation(method), admin=True, section="shipping")


@bp.post("/shipping/<int:method_id>/delete")
def delete_shipping_method(method_id: int):
    confirm_or_400()
    shipping.delete_method(method_id)
    flash(
        "Shipping method deleted. Orders keep the name and fee they were shipped with.", "success"
    )
    return redirect(url_for("admin.shipping_methods"), code=303)
