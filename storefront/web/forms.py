"""The shop's forms (shape only: business rules live in the services), the
pieces the back office's forms (admin/forms.py) are made of too, so that a
message reads the same on both faces, and the small helpers the views share:
safe ``next`` targets and putting a service's refusal next to the field it is
about."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, request
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from ..models.order import ADDRESS_FIELDS
from ..services.accounts import MIN_PASSWORD_LENGTH
from ..services.addresses import COUNTRIES, DEFAULT_COUNTRY, LIMITS
from ..services.cart import MAX_LINE_QUANTITY
from ..services.errors import DomainError
from ..services.money import display_money, without_grouping

# Shape checks that let a form report every mistake in one round; the
# services apply the same rules again (and the ones only they can check).
# Both faces' forms take their messages from here.
EMAIL_SHAPE = Email("Enter an email address such as name@example.com.")
PASSWORD_LENGTH = Length(
    min=MIN_PASSWORD_LENGTH, message=f"Use at least {MIN_PASSWORD_LENGTH} characters."
)
PASSWORDS_DIFFER = "The two passwords differ."


def new_password_fields(label: str = "Password", repeat: str = "Repeat the password"):
    """A new password and its repeat (register, reset, a new admin), named
    ``password`` and whatever the form calls the second."""
    password = PasswordField(
        label,
        validators=[DataRequired("Choose a password."), PASSWORD_LENGTH],
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
    )
    repeated = PasswordField(
        repeat,
        validators=[
            DataRequired("Type the password a second time."),
            EqualTo("password", PASSWORDS_DIFFER),
        ],
    )
    return password, repeated


def at_most(characters: int) -> Length:
    return Length(max=characters, message=f"Use at most {characters:,} characters.")


def strip_text(value):
    return value.strip() if isinstance(value, str) else value


class MoneyField(StringField):
    """An amount a person types: plain ("1250.50") or as the shop shows it
    ("1,250.50"). Text, never a float: the money service reads it strictly after
    the grouping commas are gone. The API reads amounts without this leniency."""

    def __init__(self, label=None, validators=None, filters=(), **kwargs):
        validators = [*(validators or []), at_most(20)]
        super().__init__(
            label, validators, filters=[strip_text, without_grouping, *filters], **kwargs
        )


class WholeNumberField(IntegerField):
    """An integer field that says plainly what it wants when given letters,
    and stops there instead of adding its range check's message too. Left
    empty, its InputRequired or Optional speaks instead."""

    def __init__(self, label=None, validators=None, example="2", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.not_a_number = f"Enter a whole number, such as {example}."

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.not_a_number) from None

    def pre_validate(self, form):
        if self.process_errors and self.raw_data and str(self.raw_data[0]).strip():
            raise StopValidation()


SORT_CHOICES = [
    SelectChoice("relevance", "Best match"),
    SelectChoice("newest", "Newest"),
    SelectChoice("price_asc", "Price: low to high"),
    SelectChoice("price_desc", "Price: high to low"),
    SelectChoice("name", "Name: A to Z"),
]
ALL_CATEGORIES = SelectChoice("", "All categories")


class CatalogFilterForm(Form):
    """The catalog's GET form: its names are the API's query parameters."""

    q = StringField("Search", validators=[Optional(), at_most(200)])
    category = SelectField("Category", choices=[ALL_CATEGORIES], validate_choice=False)
    min_price = MoneyField("Min", validators=[Optional()])
    max_price = MoneyField("Max", validators=[Optional()])
    in_stock = BooleanField("In stock only")
    sort = SelectField("Sort by", choices=SORT_CHOICES, validate_choice=False)


class LoginForm(FlaskForm):
    email = StringField("Email", validators=[DataRequired("Enter your email."), at_most(255)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])
    remember = BooleanField("Keep me logged in on this device")
    next = HiddenField()


class RegisterForm(FlaskForm):
    full_name = StringField("Full name", validators=[Optional(), at_most(200)])
    email = StringField(
        "Email", validators=[DataRequired("Enter your email."), at_most(255), EMAIL_SHAPE]
    )
    password, confirm_password = new_password_fields()
    next = HiddenField()


class ForgotPasswordForm(FlaskForm):
    email = StringField(
        "Email", validators=[DataRequired("Enter your email."), at_most(255), EMAIL_SHAPE]
    )


class ResetPasswordForm(FlaskForm):
    password, confirm_password = new_password_fields("New password", "Repeat the new password")


class StockAlertForm(FlaskForm):
    # Left out by a signed-in shopper: their account's email is used.
    email = StringField("Email", validators=[Optional(), at_most(255), EMAIL_SHAPE])


class AccountForm(FlaskForm):
    full_name = StringField("Full name", validators=[Optional(), at_most(200)])
    email = StringField(
        "Email", validators=[DataRequired("Enter your email."), at_most(255), EMAIL_SHAPE]
    )
    new_password = PasswordField("New password", validators=[Optional(), PASSWORD_LENGTH])
    confirm_password = PasswordField(
        "Repeat the new password",
        validators=[EqualTo("new_password", "The two new passwords differ.")],
    )
    current_password = PasswordField("Current password", validators=[Optional()])


class AddToCartForm(FlaskForm):
    product_id = HiddenField(validators=[DataRequired()])
    quantity = WholeNumberField(
        "Quantity",
        default=1,
        validators=[
            InputRequired("Enter a quantity."),
            NumberRange(1, MAX_LINE_QUANTITY, f"Choose 1 to {MAX_LINE_QUANTITY}."),
        ],
    )
    next = HiddenField()


class CartQuantityForm(FlaskForm):
    quantity = WholeNumberField(
        "Quantity",
        validators=[
            InputRequired("Enter a quantity."),
            NumberRange(0, MAX_LINE_QUANTITY, f"Choose 0 to {MAX_LINE_QUANTITY}."),
        ],
    )


def _country_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in COUNTRIES.items()]


class AddressFields:
    """The fields of a structured address, named as the API names them.

    Shape only (lengths the columns hold); what is required and how a phone
    number looks is checked once, by ``addresses.check_address``.
    """

    full_name = StringField("Full name", validators=[at_most(LIMITS["full_name"])])
    phone = StringField("Phone", validators=[at_most(LIMITS["phone"])])
    line1 = StringField("Address line 1", validators=[at_most(LIMITS["line1"])])
    line2 = StringField("Address line 2 (optional)", validators=[at_most(LIMITS["line2"])])
    city = StringField("City or town", validators=[at_most(LIMITS["city"])])
    region = StringField("Region or district (optional)", validators=[at_most(LIMITS["region"])])
    postal_code = StringField("Postal code (optional)", validators=[at_most(LIMITS["postal_code"])])
    country = SelectField(
        "Country", choices=_country_choices(), default=DEFAULT_COUNTRY, validate_choice=False
    )

    def address_data(self) -> dict[str, str]:
        return {name: getattr(self, name).data or "" for name in ADDRESS_FIELDS}


# A service's errors about ``address.city`` belong next to the form's ``city``.
ADDRESS_ALIASES = {f"address.{name}": name for name in ADDRESS_FIELDS}


class AddressForm(AddressFields, FlaskForm):
    make_default = BooleanField("Use this as my default address")


NEW_ADDRESS = "new"


class CheckoutForm(AddressFields, FlaskForm):
    # A saved address's id, or NEW_ADDRESS for the fields below.
    address_id = RadioField("Ship to", choices=[], validate_choice=False, default=NEW_ADDRESS)
    save_address = BooleanField("Save this address in my address book", default=True)
    shipping_method_id = RadioField("Delivery", choices=[], validate_choice=False)
    # One of the methods the shop enables (services/payments.py); the service checks it.
    payment_method = RadioField("Payment", choices=[], validate_choice=False)
    discount_code = StringField("Discount code (optional)", validators=[at_most(70)])
    # The "Update the total" button: show the page priced as chosen, place nothing.
    review = SubmitField("Update the total")
    note = TextAreaField("Note for the order (optional)", validators=[Optional(), at_most(1000)])
    idempotency_key = HiddenField(validators=[Length(max=255)])
    # The total the page showed: the order is placed at it or not at all.
    expected_total = HiddenField(validators=[Length(max=20)])


class GuestCheckoutForm(CheckoutForm):
    """Checkout without an account: an email to send the order's link and news to."""

    email = EmailField(
        "Email",
        validators=[InputRequired("Enter your email address."), at_most(255)],
        filters=[strip_text],
    )


def shipping_label(method) -> str:
    """How a shipping method reads among the choices: name, fee, free-over threshold."""
    currency = current_app.config["CURRENCY"]
    label = f"{method.name}: {display_money(method.fee, currency)}"
    if method.free_over is not None:
        label += f", free on orders of {display_money(method.free_over, currency)} or more"
    return label


class ConfirmForm(FlaskForm):
    """A POST with nothing but its CSRF token: logout, cancel, remove, clear."""


def confirm_or_400() -> None:
    """A button's POST (a ConfirmForm) with a valid CSRF token, or a 400."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None.

    Refuses absolute URLs, scheme-relative ``//host``, backslashes (browsers
    read ``/\\host`` as ``//host``) and control characters.
    """
    if not target or not isinstance(target, str):
        return None
    target = target.strip()
    if not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def add_service_errors(form, exc: DomainError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's refusal next to the fields it names, else above the form."""
    aliases = aliases or {}
    errors = dict(getattr(exc, "errors", None) or {})
    if not errors and exc.field:
        errors = {exc.field: exc.message}
    if not errors:
        form.form_errors.append(exc.message)
        return
    for name, message in errors.items():
        name = aliases.get(name, name)
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            form.form_errors.append(message)


def query_args() -> dict[str, str]:
    """The request's query arguments that may go back into a ``url_for`` of this page:
    never url_for's own (``endpoint``, ``_external``, ``_anchor``...), nor one that
    would replace a part of the path."""
    view_args = request.view_args or {}
    return {
        key: value
        for key, value in request.args.items()
        if key != "endpoint" and not key.startswith("_") and key not in view_args
    }


def page_number() -> int:
    """The ``page`` query argument of a listing; anything but a positive number means 1."""
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 1_000_000 else 1
