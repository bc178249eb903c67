"""Users: search and filters, a user's page and orders, (de)activation, new admins."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...models import ROLES
from ...services import accounts, orders
from ...services.errors import CannotActOnSelf, DomainError
from ..confirm import Confirmation, confirmation_page
from ..forms import ConfirmForm, add_service_errors, confirm_or_400
from . import bp, page_number
from .forms import NewAdminForm

PER_PAGE = 20
STATES = {"": None, "active": True, "deactivated": False}


@bp.get("/users")
def users_list():
    filters = {
        "q": request.args.get("q", "").strip(),
        "role": request.args.get("role", ""),
        "state": request.args.get("state", ""),
    }
    if filters["role"] not in ROLES:
        filters["role"] = ""
    if filters["state"] not in STATES:
        filters["state"] = ""
    results = accounts.list_users(
        q=filters["q"] or None,
        role=filters["role"] or None,
        is_active=STATES[filters["state"]],
        page=page_number(),
        per_page=PER_PAGE,
    )
    return render_template(
        "admin/users.html", results=results, filters=filters, roles=ROLES, section="users"
    )


@bp.get("/users/<int:user_id>")
def user_detail(user_id: int):
    user = accounts.get_user(user_id)
    user_orders = orders.list_orders(user_id=user_id, page=page_number(), per_page=PER_PAGE)
    return render_template(
        "admin/user.html",
        user=user,
        user_orders=user_orders,
        confirm=ConfirmForm(),
        deactivate=_deactivate_confirmation(user),
        is_self=user.id == current_user.id,
        section="users",
    )


def _deactivate_confirmation(user) -> Confirmation:
    return Confirmation(
        question=f"Deactivate {user.email}?",
        detail="They are logged out everywhere and can no longer log in. Their orders are kept.",
        page_url=url_for("admin.deactivate_user", user_id=user.id),
        back_url=url_for("admin.user_detail", user_id=user.id),
        confirm_label="Yes, deactivate",
        cancel_label="No, keep it active",
    )


@bp.get("/users/<int:user_id>/deactivate")
def confirm_deactivate_user(user_id: int):
    user = accounts.get_user(user_id)
    return confirmation_page(_deactivate_confirmation(user), admin=True, section="users")


def _set_active(user_id: int, active: bool):
    confirm_or_400()
    change = accounts.reactivate_user if active else accounts.deactivate_user
    try:
        user = change(user_id, actor_id=current_user.id)
    except CannotActOnSelf as exc:
        flash(exc.message, "error")
    else:
        if active:
            flash(f"{user.email} is active again and can log in.", "success")
        else:
            flash(f"{user.email} is deactivated and can no longer log in.", "success")
    return redirect(url_for("admin.user_detail", user_id=user_id))


@bp.post("/users/<int:user_id>/deactivate")
def deactivate_user(user_id: int):
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/reactivate")
def reactivate_user(user_id: int):
    return _set_active(user_id, True)


@bp.route("/users/new", methods=["GET", "POST"])
def new_admin():
    form = NewAdminForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_admin(form.email.data, form.password.data, form.full_name.data)
        except DomainError as exc:  # ValidationError, DuplicateEmail
            add_service_errors(form, exc)
        else:
            flash(f"Admin account created for {user.email}.", "success")
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return (
        render_template("admin/new_admin.html", form=form, section="users"),
        422 if form.is_submitted() else 200,
    )
