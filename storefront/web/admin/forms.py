"""The back office's forms. They check the shape of input; the services judge it.

Their pieces and messages are the shop's (storefront/web/forms.py): a mistake
reads the same on both faces, and an amount may be typed as the shop shows it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from ...models import MAX_ALT
from ...services import catalog, discounts, shipping
from ...services.categories import MAX_DESCRIPTION as CATEGORY_DESCRIPTION
from ...services.categories import MAX_NAME as CATEGORY_NAME
from ..forms import (
    EMAIL_SHAPE,
    ConfirmForm,  # noqa: F401  (one ConfirmForm for both faces)
    MoneyField,
    WholeNumberField,
    at_most,
    new_password_fields,
)
from ..forms import strip_text as _strip


def _optional_id(value):
    """A <select>'s id: "" is none; anything but digits is not a choice (ValueError)."""
    if value in (None, ""):
        return None
    if isinstance(value, int):
        return value
    if not str(value).isdigit() or len(str(value)) > 10:
        raise ValueError("Choose a category from the list.")
    return int(value)


class ProductForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[InputRequired("Enter the product's name."), at_most(catalog.MAX_NAME)],
        filters=[_strip],
    )
    description = TextAreaField("Description", validators=[Optional()], filters=[_strip])
    # Text, not a DecimalField: the money service reads it strictly (no float on the way).
    price = MoneyField(
        "Price",
        validators=[InputRequired("Enter a price such as 1,250.00.")],
        description="For example 1,250.00",
    )
    # Chosen, never typed: the choices (grouped by parent) are set by the view;
    # the categories service judges the id (it may have been archived meanwhile).
    category_id = SelectField(
        "Category",
        coerce=_optional_id,
        validate_choice=False,
        description="New categories are added under Categories.",
    )
    is_active = BooleanField("Active (shown in the shop)", default=True)


class NewProductForm(ProductForm):
    stock_quantity = WholeNumberField(
        "Opening stock",
        default=0,
        example="10",
        validators=[
            InputRequired("Enter the opening stock, such as 10."),
            NumberRange(min=0, message="Enter 0 or more."),
        ],
    )
    images = MultipleFileField(
        "Images (optional)",
        description="JPEG, PNG or WebP; choose several at once. The first is the cover.",
    )


class GalleryUploadForm(FlaskForm):
    images = MultipleFileField(
        "Add images",
        description="JPEG, PNG or WebP; choose several at once. They go after the others.",
    )


class ImageAltForm(FlaskForm):
    alt = StringField(validators=[at_most(MAX_ALT)], filters=[_strip])


class ImageMoveForm(FlaskForm):
    direction = HiddenField(validators=[InputRequired()])

    def validate_direction(self, field):
        if field.data not in ("up", "down"):
            raise ValidationError("Move up or down.")


class ImageForm(FlaskForm):
    image = FileField(
        "New image",
        validators=[FileRequired("Choose an image file.")],
        description="JPEG, PNG or WebP.",
    )


class ImportForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[FileRequired("Choose a CSV file.")],
        description="The export's columns, UTF-8. Check it first: nothing changes until "
        "you import, and nothing is imported while a row is refused.",
    )


class StockAdjustmentForm(FlaskForm):
    # Its choices are the product's variants (shown only when it has several).
    variant_id = SelectField("Variant", coerce=int, validate_choice=True)
    delta = WholeNumberField(
        "Change",
        example="5 or -2",
        validators=[InputRequired("Enter a whole number such as 5 or -2.")],
        description="Positive to add stock, negative to remove it.",
    )
    note = TextAreaField(
        "Reason",
        validators=[InputRequired("Say why the stock changes."), at_most(1000)],
        filters=[_strip],
        description="Kept in the ledger, for example “Recount after delivery”.",
    )

    def validate_note(self, field):
        if not field.data:
            raise ValidationError("Say why the stock changes.")


class OrderStatusForm(FlaskForm):
    new_status = HiddenField(validators=[InputRequired()])
    # Checked (length, only with "shipped") by the orders service.
    tracking_number = StringField()


class NewAdminForm(FlaskForm):
    full_name = StringField("Full name", validators=[Optional(), at_most(200)], filters=[_strip])
    email = EmailField(
        "Email",
        validators=[InputRequired("Enter their email."), at_most(255), EMAIL_SHAPE],
        filters=[_strip],
    )
    password, confirm = new_password_fields()


class ShippingMethodForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[InputRequired("Enter the method's name."), at_most(shipping.MAX_NAME)],
        filters=[_strip],
    )
    # Text, read strictly by the money service.
    fee = MoneyField(
        "Fee", validators=[InputRequired("Enter a fee such as 60.00.")],
        description="For example 60.00",
    )  # fmt: skip
    free_over = MoneyField(
        "Free on orders of at least (optional)",
        validators=[Optional()],
        description="The subtotal before any discount. Empty: never free.",
    )
    countries = StringField(
        "Countries (optional)",
        validators=[Optional(), at_most(500)],
        filters=[_strip],
        description="ISO codes separated by spaces or commas, such as BD IN. Empty: everywhere.",
    )
    is_active = BooleanField("Offered at checkout", default=True)


LIMIT_RANGE = NumberRange(min=1, max=discounts.MAX_LIMIT, message=discounts.LIMIT_REFUSED)


class DiscountCodeForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[InputRequired("Enter the code customers type."), at_most(discounts.MAX_CODE)],
        filters=[_strip],
    )
    kind = SelectField(
        "Kind",
        choices=[SelectChoice("percent", "Percent off"), SelectChoice("fixed", "Amount off")],
        default="percent",
    )
    # A percentage or an amount; grouping commas are dropped either way.
    value = MoneyField(
        "Value", validators=[InputRequired("Enter a percentage such as 10, or an amount.")],
        description="A percentage such as 10, or an amount such as 50.00.",
    )  # fmt: skip
    min_subtotal = MoneyField("Minimum subtotal (optional)", validators=[Optional()])
    starts_at = DateTimeLocalField(
        "Starts (optional)", validators=[Optional()], description="In the shop's time zone."
    )
    ends_at = DateTimeLocalField(
        "Ends (optional)", validators=[Optional()], description="In the shop's time zone."
    )
    usage_limit = WholeNumberField("Uses in all (optional)", validators=[Optional(), LIMIT_RANGE])
    per_customer_limit = WholeNumberField(
        "Uses per customer (optional)", validators=[Optional(), LIMIT_RANGE]
    )
    is_active = BooleanField("Active", default=True)


class CategoryForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[InputRequired("Enter the category's name."), at_most(CATEGORY_NAME)],
        filters=[_strip],
    )
    # Top-level categories only (two levels at most); set by the view.
    parent_id = SelectField(
        "Parent category",
        coerce=_optional_id,
        validate_choice=False,
        description="Leave at “None” for a top-level category.",
    )
    description = TextAreaField(
        "Description",
        validators=[Optional(), at_most(CATEGORY_DESCRIPTION)],
        filters=[_strip],
        description="Shown at the top of the category's page.",
    )
