"""Register, log in, log out: browser sessions through Flask-Login.

At login and registration the session is started afresh (nothing a visitor's
cookie carried survives, against session fixation) after the guest's cart has
been merged into the account's cart. Logout is a POST with a CSRF token.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..ratelimit import count_auth_request, count_password_reset, password_guard
from ..services import accounts
from ..services import cart as cart_service
from ..services.errors import (
    AccountDeactivated,
    AuthenticationFailed,
    DuplicateEmail,
    InvalidResetLink,
    ValidationError,
)
from . import guest_cart
from .forms import (
    ConfirmForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    add_service_errors,
    safe_next,
)

bp = Blueprint("auth", __name__)


def _start_session(user, remember: bool = False) -> None:
    capped = cart_service.merge_guest_cart(user.id, guest_cart.lines())
    had_guest_cart = bool(guest_cart.lines())
    session.clear()
    login_user(user, remember=remember, fresh=True)
    if had_guest_cart:
        flash("The items you chose before logging in are in your cart.", "info")
    for line in capped:
        if line.kept:
            flash(
                f"We could keep only {line.kept} of the {line.wanted} “{line.product_name}” "
                f"you wanted: that is all we have in stock.",
                "warning",
            )
        else:
            flash(f"“{line.product_name}” has sold out and is not in your cart.", "warning")


def _next_target(form_next: str | None = None) -> str | None:
    return safe_next(form_next) or safe_next(request.args.get("next"))


def _home_for(user) -> str:
    """Where a login without a ``next`` lands: admins work in the back office."""
    return url_for("admin.dashboard") if user.is_admin else url_for("shop.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_next_target() or _home_for(current_user))
    form = LoginForm(next=safe_next(request.args.get("next")) or "")
    if form.validate_on_submit():
        email = form.email.data
        # Over a limit, TooManyAttempts is answered by the app's 429 page.
        count_auth_request()
        try:
            user = accounts.authenticate(email, form.password.data, password_guard(email))
        except (AuthenticationFailed, AccountDeactivated) as exc:
            form.form_errors.append(exc.message)
        else:
            _start_session(user, remember=form.remember.data)
            flash(f"Welcome back{', ' + user.full_name if user.full_name else ''}!", "success")
            return redirect(_next_target(form.next.data) or _home_for(user), code=303)
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(_next_target() or url_for("shop.home"))
    form = RegisterForm(next=safe_next(request.args.get("next")) or "")
    if form.validate_on_submit():
        count_auth_request()
        try:
            user = accounts.register(form.email.data, form.password.data, form.full_name.data or "")
        except (ValidationError, DuplicateEmail) as exc:
            add_service_errors(form, exc)
        else:
            _start_session(user)
            flash("Welcome! Your account is ready.", "success")
            return redirect(_next_target(form.next.data) or _home_for(user), code=303)
    status = 422 if form.errors else 200
    return render_template("auth/register.html", form=form), status


@bp.get("/logout")
def logout():
    """A link cannot log anyone out (no CSRF on GET): it asks first."""
    if not current_user.is_authenticated:
        return redirect(url_for("shop.home"))
    return render_template("auth/logout.html", form=ConfirmForm())


@bp.post("/logout")
def logout_confirmed():
    logout_user()
    session.clear()
    # Flask-Login deletes the remember-me cookie on a mark in the session that
    # clear() just removed: set it again, or the cookie logs the next person in.
    session["_remember"] = "clear"
    flash("You are logged out. See you soon!", "success")
    return redirect(url_for("shop.home"), code=303)


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link: the same answer whether or not the email has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # Over a limit, TooManyAttempts is answered by the app's 429 page.
        count_auth_request()
        count_password_reset(form.email.data)
        try:
            accounts.request_password_reset(form.email.data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render_template("auth/forgot_password_sent.html", email=form.email.data)
    status = 422 if form.errors else 200
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from a mailed link; it works once, then every session ends."""
    try:
        accounts.check_reset_token(token)
    except InvalidResetLink as exc:
        return render_template("auth/reset_password_invalid.html", message=exc.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        count_auth_request()
        try:
            accounts.reset_password(token, form.password.data)
        except InvalidResetLink as exc:
            return render_template("auth/reset_password_invalid.html", message=exc.message), 400
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # This browser's session (if any) ended with the old password, as all did.
            logout_user()
            session.clear()
            session["_remember"] = "clear"
            flash("Your password is changed. Log in with the new one.", "success")
            return redirect(url_for("auth.login"), code=303)
    status = 422 if form.errors else 200
    return render_template("auth/reset_password.html", form=form, token=token), status
