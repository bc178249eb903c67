"""The customer's account: name, email and password, and the address book."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from .. import ratelimit
from ..services import accounts
from ..services import addresses as address_service
from ..services.addresses import COUNTRIES, TooManyAddresses
from ..services.errors import DuplicateEmail, TooManyAttempts, ValidationError
from .confirm import Confirmation, confirmation_page
from .forms import AccountForm, AddressForm, ConfirmForm, add_service_errors, confirm_or_400

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


# --- the address book ---------------------------------------------------------------


@bp.get("/account/addresses")
@login_required
def addresses():
    book = address_service.list_addresses(current_user.id)
    return render_template(
        "account/addresses.html",
        book=book,
        form=ConfirmForm(),
        countries=COUNTRIES,
        delete=_delete_confirmation,
    )


@bp.route("/account/addresses/new", methods=["GET", "POST"])
@login_required
def new_address():
    return _address_page(None)


@bp.route("/account/addresses/<int:address_id>/edit", methods=["GET", "POST"])
@login_required
def edit_address(address_id: int):
    return _address_page(address_service.get_address(current_user.id, address_id))


def _address_page(address):
    """The address form: a new address (``address`` None) or changes to one."""
    form = AddressForm(obj=address)
    if form.validate_on_submit():
        data, make_default = form.address_data(), form.make_default.data
        try:
            if address is None:
                address_service.add_address(current_user.id, data, make_default=make_default)
            else:
                address_service.update_address(
                    current_user.id, address.id, data, make_default=make_default
                )
        except (ValidationError, TooManyAddresses) as exc:
            add_service_errors(form, exc)
        else:
            flash(f"The address is {'saved' if address is None else 'updated'}.", "success")
            return redirect(url_for("account.addresses"), code=303)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("account/address_form.html", form=form, address=address), status


@bp.route("/account/addresses/<int:address_id>/default", methods=["GET", "POST"])
@login_required
def default_address(address_id: int):
    return _address_button(
        address_service.set_default_address, address_id, "Your default address is changed."
    )


def _delete_confirmation(address) -> Confirmation:
    return Confirmation(
        question=f"Delete the address {address.line1}, {address.city}?",
        detail="Orders sent to it keep their copy.",
        page_url=url_for("account.delete_address", address_id=address.id),
        back_url=url_for("account.addresses"),
        confirm_label="Yes, delete it",
        cancel_label="No, keep it",
    )


@bp.route("/account/addresses/<int:address_id>/delete", methods=["GET", "POST"])
@login_required
def delete_address(address_id: int):
    if request.method == "GET":
        address = address_service.get_address(current_user.id, address_id)
        return confirmation_page(_delete_confirmation(address))
    return _address_button(
        address_service.delete_address,
        address_id,
        "The address is deleted. Orders sent to it keep their copy.",
    )


def _address_button(act, address_id: int, done: str):
    """A button of the address book: ``act`` on the shopper's address, then back to the book."""
    if request.method == "POST":
        confirm_or_400()
        act(current_user.id, address_id)
        flash(done, "success")
    # Nothing happens on GET (after logging in, say): back to the book, where the button is.
    return redirect(url_for("account.addresses"), code=303)
