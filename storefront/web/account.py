"""The customer's account: name, email and password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user

from .. import ratelimit
from ..services import accounts
from ..services.errors import DuplicateEmail, TooManyAttempts, ValidationError
from .forms import AccountForm, add_service_errors

bp = Blueprint("account", __name__)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def edit():
    form = AccountForm(obj=current_user)
    if form.validate_on_submit():
        try:
            accounts.update_account(
                current_user.id,
                full_name=form.full_name.data or "",
                email=form.email.data,
                password=form.new_password.data or None,
                current_password=form.current_password.data or None,
                password_guard=ratelimit.password_guard(current_user.email),
            )
        except (ValidationError, DuplicateEmail) as exc:
            add_service_errors(form, exc, aliases={"password": "new_password"})
        except TooManyAttempts as exc:
            form.current_password.errors = ["Too many wrong passwords: try again in a few minutes."]
            page = render_template("account/edit.html", form=form)
            return page, 429, {"Retry-After": str(exc.retry_after)}
        else:
            if form.new_password.data:
                # Other sessions ended with the old password; this one carries on.
                login_user(accounts.get_user(current_user.id))
            flash("Your account is updated.", "success")
            return redirect(url_for("account.edit"), code=303)
    status = 422 if form.errors else 200
    return render_template("account/edit.html", form=form), status
