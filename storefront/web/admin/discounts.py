"""The back office's discount codes: list, add, edit, delete."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from ...services import discounts
from ...services.errors import Conflict, ValidationError
from ...services.reporting import shop_timezone
from ..confirm import Confirmation, confirmation_page
from ..forms import add_service_errors, confirm_or_400
from . import bp
from .forms import DiscountCodeForm


def _moment(value):
    """A time typed in the shop's time zone, made aware."""
    return None if value is None else value.replace(tzinfo=shop_timezone())


def _data(form: DiscountCodeForm) -> dict:
    return {
        "code": form.code.data,
        "kind": form.kind.data,
        "value": form.value.data,
        "min_subtotal": form.min_subtotal.data or None,
        "starts_at": _moment(form.starts_at.data),
        "ends_at": _moment(form.ends_at.data),
        "usage_limit": form.usage_limit.data,
        "per_customer_limit": form.per_customer_limit.data,
        "is_active": form.is_active.data,
    }


@bp.get("/discounts")
def discount_codes():
    return render_template(
        "admin/discounts.html", codes=discounts.list_codes(), section="discounts"
    )


def _save(form, code=None):
    try:
        if code is None:
            saved = discounts.create_code(_data(form))
        else:
            saved = discounts.update_code(code.id, _data(form))
    except (ValidationError, Conflict) as exc:  # a code deleted meanwhile: the 404 page
        add_service_errors(form, exc)
        return None
    flash(f"Discount code {saved.code} saved.", "success")
    return redirect(url_for("admin.discount_codes"), code=303)


@bp.route("/discounts/new", methods=["GET", "POST"])
def new_discount_code():
    form = DiscountCodeForm()
    if form.validate_on_submit() and (done := _save(form)) is not None:
        return done
    status = 422 if form.is_submitted() else 200
    page = render_template("admin/discount_form.html", form=form, code=None, section="discounts")
    return page, status


@bp.route("/discounts/<int:code_id>/edit", methods=["GET", "POST"])
def edit_discount_code(code_id: int):
    code = discounts.get_code(code_id)
    tz = shop_timezone()
    form = DiscountCodeForm(
        data={
            "code": code.code,
            "kind": code.kind,
            "value": str(code.value),
            "min_subtotal": "" if code.min_subtotal is None else str(code.min_subtotal),
            "starts_at": code.starts_at.astimezone(tz).replace(tzinfo=None)
            if code.starts_at
            else None,
            "ends_at": code.ends_at.astimezone(tz).replace(tzinfo=None) if code.ends_at else None,
            "usage_limit": code.usage_limit,
            "per_customer_limit": code.per_customer_limit,
            "is_active": code.is_active,
        }
    )
    if form.validate_on_submit() and (done := _save(form, code)) is not None:
        return done
    status = 422 if form.is_submitted() else 200
    page = render_template(
        "admin/discount_form.html",
        form=form,
        code=code,
        section="discounts",
        delete=_delete_confirmation(code),
    )
    return page, status


def _delete_confirmation(code) -> Confirmation:
    return Confirmation(
        question=f"Delete the discount code {code.code}?",
        detail="Customers can no longer use it. If orders used it, it is deactivated instead, "
        "so that they keep it.",
        page_url=url_for("admin.delete_discount_code", code_id=code.id),
        back_url=url_for("admin.edit_discount_code", code_id=code.id),
        confirm_label="Yes, delete the code",
        cancel_label="No, keep it",
    )


@bp.get("/discounts/<int:code_id>/delete")
def confirm_delete_discount_code(code_id: int):
    code = discounts.get_code(code_id)
    return confirmation_page(_delete_confirmation(code), admin=True, section="discounts")


@bp.post("/discounts/<int:code_id>/delete")
def delete_discount_code(code_id: int):
    confirm_or_400()
    discounts.delete_code(code_id)
    flash("Discount code deleted (or, if orders used it, deactivated).", "success")
    return redirect(url_for("admin.discount_codes"), code=303)
