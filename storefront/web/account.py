"""The customer's account: name, email and password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user

from ..services import accounts
from ..services.errors import DuplicateEmail, ValidationError
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
            )
        except (ValidationError, DuplicateEmail) as exc:
            if exc.field == "current_password" and form.current_password.data:
                # The service asks for the password whether it was missing or
                # wrong; a shopper who typed one needs to hear it was wrong.
                exc = ValidationError(
                    "That is not your current password. Please type it again.",
                    field="current_password",
                )
            add_service_errors(form, exc, aliases={"password": "new_password"})
        else:
            if form.new_password.data:
                # Other sessions ended with the old password; this one carries on.
                login_user(accounts.get_user(current_user.id))
            flash("Your account is updated.", "success")
            return redirect(url_for("account.edit"), code=303)
    status = 422 if form.errors else 200
    return render_template("account/edit.html", form=form), status
