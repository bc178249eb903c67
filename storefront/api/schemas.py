"""Marshmallow schemas: they validate requests, shape responses and make the OpenAPI document.

Input schemas check the *shape* of input (types, lengths, ranges the database
can hold); the business rules stay in the services. Output schemas mark every
field required, so the document promises each key of each response.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..config import PAYMENT_METHOD_CODES
from ..media import image_urls, media_url
from ..models import DISCOUNT_KINDS, MOVEMENT_REASONS, ORDER_STATUSES, PAYMENT_STATUSES, ROLES
from ..requests import JsonNumber, unstorable_text
from ..services.addresses import COUNTRIES, DEFAULT_COUNTRY
from ..services.addresses import LIMITS as ADDRESS_LIMITS
from ..services.catalog import MAX_NAME, MAX_STOCK
from ..services.categories import MAX_DESCRIPTION as MAX_CATEGORY_DESCRIPTION
from ..services.categories import MAX_NAME as MAX_CATEGORY_NAME
from ..services.categories import MAX_POSITION as MAX_CATEGORY_POSITION
from ..services.discounts import LIMIT_REFUSED as DISCOUNT_LIMIT_REFUSED
from ..services.discounts import MAX_CODE as MAX_DISCOUNT_CODE
from ..services.discounts import MAX_LIMIT as MAX_DISCOUNT_LIMIT
from ..services.errors import ValidationError as DomainValidationError
from ..services.images import MAX_ALT, MAX_IMAGES_PER_PRODUCT, thumbnail_path
from ..services.money import MAX_AMOUNT, format_money, parse_money
from ..services.orders import MAX_ADDRESS, MAX_KEY, MAX_NOTE, MAX_TRACKING_NUMBER
from ..services.shipping import MAX_NAME as MAX_SHIPPING_NAME

# Ids are PostgreSQL ``integer`` columns: anything bigger cannot exist.
MAX_ID = 2**31 - 1
MAX_PAGE = 2**31 - 1
MAX_DELTA = MAX_STOCK
MAX_TEXT = 10_000
MONEY_PATTERN = r"^\d+(\.\d{1,2})?$"

# --- fields ----------------------------------------------------------------------


class Text(fields.String):
    """A string the database can store: no NUL characters, no lone surrogates."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        reason = unstorable_text(text)
        if reason:
            raise ValidationError(reason)
        return text


class StrictBoolean(fields.Boolean):
    """A JSON true or false, nothing that merely looks like one."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise ValidationError("Not a valid boolean.")
        return value


class MoneyInput(fields.Field):
    """A price in a request: a number or a string with at most two decimals, no sign.

    A JSON number is judged by the text it was sent as, like a string: ``0.1e1``
    and ``12.50000000000000000001`` are refused, not read as 1.00 and 12.50.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, JsonNumber):
            value = value.text
        try:
            return parse_money(value, field=attr or "price")
        except DomainValidationError as exc:
            raise ValidationError(exc.message)


class MoneyOutput(fields.Field):
    """A price in a response: a string with exactly two decimals."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else format_money(Decimal(value))


class Timestamp(fields.Field):
    """ISO 8601 in UTC with its offset, to the second: ``2026-11-23T10:00:00+00:00``."""

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="seconds")


def money_in(**kwargs) -> MoneyInput:
    metadata = {
        "oneOf": [
            {"type": "string", "pattern": MONEY_PATTERN, "maxLength": 13},
            {
                "type": "number",
                "minimum": 0,
                # Below 10,000,000,000 in steps of 0.01: at most MAX_AMOUNT, said in whole
                # numbers (the schema's bound stays exact; no float near money).
                "maximum": int(MAX_AMOUNT) + 1,
                "exclusiveMaximum": True,  # OpenAPI 3.0: a flag on "maximum"
                "multipleOf": 0.01,
            },
        ],
        "description": "A number or a string: digits with at most two decimals, no sign or "
        "exponent, at most 9999999999.99.",
        "example": "12.50",
        **kwargs.pop("metadata", {}),
    }
    return MoneyInput(metadata=metadata, **kwargs)


def money_out(**kwargs) -> MoneyOutput:
    metadata = {
        "type": "string",
        "pattern": r"^\d+\.\d{2}$",
        "example": "1250.00",
        "description": "Money as a string with exactly two decimals.",
        **kwargs.pop("metadata", {}),
    }
    return MoneyOutput(metadata=metadata, **kwargs)


def timestamp(**kwargs) -> Timestamp:
    return Timestamp(
        metadata={"type": "string", "format": "date-time", "example": "2026-11-23T10:00:00+00:00"},
        **kwargs,
    )


def ident(*, strict: bool = True, **kwargs) -> fields.Integer:
    """An id: strict (a JSON integer) in bodies, read from text in query strings."""
    return fields.Integer(strict=strict, validate=validate.Range(1, MAX_ID), **kwargs)


# --- base schemas ----------------------------------------------------------------


class InputSchema(Schema):
    """Request bodies: unknown fields are refused (a typo should not pass silently)."""


class QuerySchema(Schema):
    """Query strings: unknown parameters are ignored (cache busters and the like)."""


class OutputSchema(Schema):
    """Responses: every field is always present (null where the document says so).

    The document does not forbid other properties, so fields can be added later
    without breaking clients that validate.
    """

    class Meta:
        unknown = EXCLUDE

    def on_bind_field(self, field_name, field_obj):
        field_obj.required = True


# --- paging ----------------------------------------------------------------------


class PagingQuery(QuerySchema):
    page = fields.Integer(
        load_default=1,
        validate=validate.Range(1, MAX_PAGE),
        metadata={"description": "Page number, from 1; a page past the end is empty."},
    )
    per_page = fields.Integer(
        load_default=20,
        validate=validate.Range(1, 100),
        metadata={"description": "Items per page, 1 to 100."},
    )


class PageSchema(OutputSchema):
    page = fields.Integer(metadata={"example": 1})
    per_page = fields.Integer(metadata={"example": 20})
    total = fields.Integer(metadata={"example": 57, "description": "Items in all pages."})
    pages = fields.Integer(metadata={"example": 3, "description": "0 when there are no items."})


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """The paginated envelope ``{items, page, per_page, total, pages}`` of an item schema."""
    return type(name, (PageSchema,), {"items": fields.List(fields.Nested(item_schema))})


# --- problems (documentation only: api/errors.py writes them) --------------------


class FieldErrorSchema(OutputSchema):
    field = fields.String(metadata={"example": "price"})
    message = fields.String(metadata={"example": "Enter an amount such as 12.50."})


class ShortageSchema(OutputSchema):
    product_id = fields.Integer()
    product_name = fields.String()
    requested = fields.Integer()
    available = fields.Integer()


class UnavailableProductSchema(OutputSchema):
    product_id = fields.Integer()
    product_name = fields.String()


class ProblemSchema(Schema):
    """An RFC 9457 problem."""

    class Meta:
        unknown = EXCLUDE

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True, metadata={"example": "Conflict"})
    status = fields.Integer(required=True, metadata={"example": 409})
    detail = fields.String(required=True, metadata={"example": "Not enough stock for: Mug."})
    code = fields.String(
        required=True,
        metadata={
            "example": "out_of_stock",
            "description": "A stable machine-readable name of the problem.",
        },
    )
    request_id = fields.String(
        required=True, metadata={"description": "Also in the X-Request-ID header."}
    )
    errors = fields.List(
        fields.Nested(FieldErrorSchema),
        metadata={"description": "422 only: every invalid field with its message."},
    )
    shortages = fields.List(
        fields.Nested(ShortageSchema),
        metadata={"description": "409 out_of_stock only: every product short."},
    )
    products = fields.List(
        fields.Nested(UnavailableProductSchema),
        metadata={"description": "409 product_unavailable only: archived products in the cart."},
    )
    field = fields.String(metadata={"description": "The input a conflict is about, if any."})
    expected_total = money_out(
        metadata={"description": "409 total_changed only: the total that was confirmed."}
    )
    subtotal = money_out(metadata={"description": "409 total_changed only: the new figures."})
    discount_amount = money_out(metadata={"description": "409 total_changed only."})
    shipping_fee = money_out(metadata={"description": "409 total_changed only."})
    total_amount = money_out(metadata={"description": "409 total_changed only: the new total."})


# --- users and tokens ------------------------------------------------------------


class UserSchema(OutputSchema):
    id = fields.Integer(metadata={"example": 7})
    email = fields.String(metadata={"example": "asha@example.com", "format": "email"})
    full_name = fields.String(metadata={"example": "Asha Rahman"})
    role = fields.String(metadata={"enum": list(ROLES), "example": "customer"})
    is_active = fields.Boolean()
    order_cancellation_count = fields.Integer(metadata={"example": 0})
    created_at = timestamp()
    updated_at = timestamp()


UserPageSchema = page_of(UserSchema, "UserPageSchema")


class RegisterSchema(InputSchema):
    email = Text(
        required=True,
        validate=validate.Length(1, 255),
        metadata={"example": "asha@example.com", "format": "email"},
    )
    password = Text(
        required=True,
        validate=validate.Length(max=200),
        metadata={
            "example": "correct horse battery",
            "format": "password",
            "minLength": 8,
            "description": "At least 8 characters and at most 72 bytes in UTF-8.",
        },
    )
    full_name = Text(
        load_default="", validate=validate.Length(max=200), metadata={"example": "Asha Rahman"}
    )
    role = fields.String(
        load_default="customer",
        validate=validate.OneOf(ROLES),
        metadata={"description": '"admin" needs an admin\'s bearer token (else 403).'},
    )


class LoginSchema(InputSchema):
    email = Text(
        required=True, validate=validate.Length(1, 320), metadata={"example": "asha@example.com"}
    )
    password = Text(
        required=True,
        validate=validate.Length(1, 1000),
        metadata={"example": "correct horse battery", "format": "password"},
    )


class OAuth2PasswordFormSchema(QuerySchema):
    """The OAuth 2.0 password grant (RFC 6749 4.3), as the docs' Authorize button sends it."""

    grant_type = fields.String(
        validate=validate.Equal("password"),
        metadata={"description": 'Optional; "password" when given.'},
    )
    username = Text(
        required=True,
        validate=validate.Length(1, 320),
        metadata={"description": "The account's email."},
    )
    password = Text(required=True, validate=validate.Length(1, 1000))
    scope = Text(metadata={"description": "Ignored: the role decides what a token may do."})
    client_id = Text(metadata={"description": "Ignored."})
    client_secret = Text(metadata={"description": "Ignored."})


class RefreshSchema(InputSchema):
    refresh_token = Text(required=True, validate=validate.Length(1, 4096))


class PasswordResetRequestSchema(InputSchema):
    email = Text(
        required=True,
        validate=validate.Length(1, 255),
        metadata={"example": "asha@example.com", "format": "email"},
    )


class PasswordResetConfirmSchema(InputSchema):
    token = Text(
        required=True,
        validate=validate.Length(1, 1000),
        metadata={"description": "The token of the mailed link `/reset-password/<token>`."},
    )
    password = Text(
        required=True,
        validate=validate.Length(max=200),
        metadata={
            "example": "a new long passphrase",
            "format": "password",
            "minLength": 8,
            "description": "At least 8 characters and at most 72 bytes in UTF-8.",
        },
    )


class StockAlertSchema(InputSchema):
    email = Text(
        validate=validate.Length(1, 255),
        metadata={
            "example": "asha@example.com",
            "format": "email",
            "description": "Required for a guest; a signed-in customer may leave it out.",
        },
    )


class LogoutSchema(InputSchema):
    refresh_token = Text(
        validate=validate.Length(1, 4096),
        metadata={"description": "Optional: its session is revoked too, if it is yours."},
    )


class TokenPairSchema(OutputSchema):
    access_token = fields.String(metadata={"description": "JWT for `Authorization: Bearer`."})
    refresh_token = fields.String(metadata={"description": "Single use: buys the next pair."})
    token_type = fields.String(metadata={"enum": ["bearer"], "example": "bearer"})
    expires_in = fields.Integer(
        metadata={"example": 1800, "description": "Seconds the access token lives."}
    )
    user = fields.Nested(UserSchema)


class AccountUpdateSchema(InputSchema):
    full_name = Text(validate=validate.Length(max=200), metadata={"example": "Asha R."})
    email = Text(validate=validate.Length(1, 255), metadata={"format": "email"})
    password = Text(
        validate=validate.Length(max=200),
        metadata={
            "format": "password",
            "minLength": 8,
            "description": "The new password: at least 8 characters, at most 72 bytes.",
        },
    )
    current_password = Text(
        validate=validate.Length(max=1000),
        metadata={
            "format": "password",
            "description": "Required to change email or password (else 422 on this field).",
        },
    )


class UserListQuery(PagingQuery):
    q = Text(
        validate=validate.Length(max=200),
        metadata={"description": "Text in the email or name, case-insensitive."},
    )
    role = fields.String(validate=validate.OneOf(ROLES))
    is_active = fields.Boolean(metadata={"description": "Only active (true) or deactivated."})


# --- catalog ---------------------------------------------------------------------


class CategorySchema(OutputSchema):
    id = fields.Integer(metadata={"example": 3})
    name = fields.String(metadata={"example": "Books"})
    slug = fields.String(
        metadata={"example": "books", "description": "Chosen at creation; renaming keeps it."}
    )
    description = fields.String(metadata={"example": "Novels, guides and cookbooks."})
    parent_id = fields.Integer(
        allow_none=True,
        metadata={"example": None, "description": "The parent category; null at the top level."},
    )
    position = fields.Integer(
        metadata={"example": 0, "description": "Order among its siblings, 0 first."}
    )
    product_count = fields.Integer(
        metadata={
            "example": 12,
            "description": "Active products in the category, with its subcategories' "
            "for a top-level one.",
        }
    )
    is_archived = fields.Boolean(
        metadata={"description": "Archived categories are listed to admins only."}
    )


def _category_fields(required: bool) -> dict:
    req = {"required": True} if required else {}
    return {
        "name": Text(
            validate=validate.Length(1, MAX_CATEGORY_NAME), metadata={"example": "Shoes"}, **req
        ),
        "description": Text(
            validate=validate.Length(max=MAX_CATEGORY_DESCRIPTION),
            metadata={"example": "Sandals, sneakers and boots."},
        ),
        "parent_id": ident(
            allow_none=True,
            metadata={"description": "A top-level category; null or absent: top level."},
        ),
    }


CategoryCreateSchema = InputSchema.from_dict(_category_fields(True), name="CategoryCreateSchema")
CategoryUpdateSchema = InputSchema.from_dict(
    {
        **_category_fields(False),
        "position": fields.Integer(
            strict=True,
            validate=validate.Range(0, MAX_CATEGORY_POSITION),
            metadata={"description": "Move it to this place among its siblings (0 first)."},
        ),
        "is_archived": StrictBoolean(
            metadata={"description": "true archives (as DELETE does); false restores."}
        ),
    },
    name="CategoryUpdateSchema",
)


class CategoryListQuery(QuerySchema):
    include_archived = fields.Boolean(
        load_default=False,
        metadata={"description": "Admins only: list archived categories too."},
    )


def _image_urls(product):
    return image_urls(product, public=True)


IMAGE_URL = {
    "type": "string",
    "format": "uri-reference",
    "description": "Under MEDIA_PUBLIC_URL when the shop serves images from elsewhere, "
    "else under PUBLIC_BASE_URL when the shop sets it, else site-relative "
    "(`/media/...`); null without an image.",
}


class ProductOptionSchema(OutputSchema):
    name = fields.String(metadata={"example": "Size"})
    values = fields.List(fields.String(), metadata={"example": ["S", "M", "L"]})


def _variant_image_url(variant):
    """The first image tied to the variant, else the product's cover."""
    return _image_urls(variant if variant.image_path else variant.product)[0]


class VariantSchema(OutputSchema):
    id = fields.Integer(metadata={"example": 97})
    sku = fields.String(metadata={"example": "P42-M-BLUE"})
    options = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={
            "example": {"Size": "M", "Colour": "Blue"},
            "description": "A value for each of the product's options; {} without options.",
        },
    )
    price = money_out(
        attribute="unit_price",
        metadata={"description": "What it sells at: its own price, or the product's."},
    )
    stock_quantity = fields.Integer(metadata={"example": 3})
    in_stock = fields.Boolean()
    is_active = fields.Boolean(metadata={"description": "false: no longer sold."})
    image_url = fields.Function(_variant_image_url, allow_none=True, metadata=IMAGE_URL)


class ProductSchema(OutputSchema):
    id = fields.Integer(metadata={"example": 42})
    name = fields.String(metadata={"example": "Ceramic Mug Set"})
    slug = fields.String(metadata={"example": "ceramic-mug-set"})
    description = fields.String(metadata={"example": "Four stoneware mugs."})
    price = money_out(
        attribute="min_price",
        metadata={"description": "The lowest price of its variants on sale."},
    )
    stock_quantity = fields.Integer(
        metadata={"example": 8, "description": "The sum of its variants' stock."}
    )
    in_stock = fields.Boolean()
    category = fields.Function(
        lambda p: p.category.name if p.category else None,
        allow_none=True,
        metadata={"type": "string", "example": "Home & Kitchen"},
    )
    category_id = fields.Integer(allow_none=True, metadata={"example": 3})
    image_url = fields.Function(lambda p: _image_urls(p)[0], allow_none=True, metadata=IMAGE_URL)
    thumbnail_url = fields.Function(
        lambda p: _image_urls(p)[1],
        allow_none=True,
        metadata={**IMAGE_URL, "description": "At most 400x400. " + IMAGE_URL["description"]},
    )
    is_active = fields.Boolean(metadata={"description": "false once archived."})
    created_at = timestamp()
    updated_at = timestamp()
    options = fields.List(fields.Nested(ProductOptionSchema))
    variants = fields.List(
        fields.Nested(VariantSchema),
        metadata={"description": "One per combination of option values; one without options."},
    )


def _media_url(path: str) -> str:
    return media_url(path, public=True)


class ProductImageSchema(OutputSchema):
    id = fields.Integer(metadata={"example": 7})
    url = fields.Function(
        lambda img: _media_url(img.path), metadata={**IMAGE_URL, "description": "The image."}
    )
    thumbnail_url = fields.Function(
        lambda img: _media_url(thumbnail_path(img.path)),
        metadata={**IMAGE_URL, "description": "At most 400x400."},
    )
    alt = fields.Function(
        lambda img: img.alt or img.product.name,
        metadata={"type": "string", "description": "The product's name unless one was written."},
    )
    position = fields.Integer(metadata={"description": "0 is the cover; then in order."})
    variant_id = fields.Integer(
        allow_none=True,
        metadata={"description": "The variant it shows; null: the product as a whole."},
    )


class ProductDetailSchema(ProductSchema):
    """One product: as in the list, with its gallery."""

    images = fields.List(
        fields.Nested(ProductImageSchema),
        metadata={"description": "Cover first. The list of products leaves this out."},
    )


ProductPageSchema = page_of(ProductSchema, "ProductPageSchema")

SORT_CHOICES = ("newest", "price_asc", "price_desc", "name", "relevance")


class ProductListQuery(PagingQuery):
    q = Text(
        validate=validate.Length(max=200),
        metadata={
            "description": "Words matched in name, description and category name, "
            "case-insensitively, as substrings; `%` and `_` are literal."
        },
    )
    category = Text(
        validate=validate.Length(max=200),
        metadata={"description": "A category slug, or its name in any case."},
    )
    min_price = money_in(metadata={"description": "Inclusive lower bound."})
    max_price = money_in(metadata={"description": "Inclusive upper bound."})
    in_stock = fields.Boolean(
        load_default=False,
        metadata={"description": "true keeps products with stock; false filters nothing."},
    )
    sort = fields.String(
        validate=validate.OneOf(SORT_CHOICES),
        metadata={"description": "Default: relevance when q is given, else newest."},
    )


class ProductSearchQuery(ProductListQuery):
    q = Text(
        required=True,
        validate=[validate.Length(1, 200), validate.Regexp(r"\S", error="Enter a search term.")],
        metadata={"description": "Required: words to look for."},
    )


class ProductCreateSchema(InputSchema):
    name = Text(
        required=True, validate=validate.Length(1, MAX_NAME), metadata={"example": "Ceramic Mug"}
    )
    description = Text(
        load_default="", validate=validate.Length(max=MAX_TEXT), metadata={"example": "Stoneware."}
    )
    price = money_in(required=True)
    stock_quantity = fields.Integer(
        required=True, strict=True, validate=validate.Range(0, MAX_STOCK), metadata={"example": 10}
    )
    category = Text(
        allow_none=True,
        validate=validate.Length(max=100),
        metadata={
            "example": "Home & Kitchen",
            "description": "An existing category's name, in any case; an unknown or "
            "archived one is 422. Send this or `category_id`, not both.",
        },
    )
    category_id = ident(
        allow_none=True,
        metadata={
            "example": 3,
            "description": "The category (preferred to `category`); null: none.",
        },
    )
    sku = Text(
        validate=validate.Length(1, 64),
        metadata={"example": "MUG-350", "description": "Its one variant's SKU; default P<id>."},
    )


class OptionInputSchema(InputSchema):
    name = Text(required=True, validate=validate.Length(1, 50), metadata={"example": "Size"})
    values = fields.List(
        Text(validate=validate.Length(1, 50)),
        required=True,
        validate=validate.Length(1, 20),
        metadata={"example": ["S", "M", "L"]},
    )


class OptionsInputSchema(InputSchema):
    options = fields.List(
        fields.Nested(OptionInputSchema), required=True, validate=validate.Length(max=3)
    )


class VariantUpdateSchema(InputSchema):
    sku = Text(validate=validate.Length(1, 64), metadata={"example": "TEE-M-BLUE"})
    price = money_in(allow_none=True, metadata={"description": "null: the product's price."})
    stock_quantity = fields.Integer(
        strict=True,
        validate=validate.Range(0, MAX_STOCK),
        metadata={"description": "A new figure writes an adjustment movement."},
    )
    is_active = StrictBoolean(metadata={"description": "false: no longer sold."})


class ProductUpdateSchema(InputSchema):
    name = Text(validate=validate.Length(1, MAX_NAME))
    description = Text(validate=validate.Length(max=MAX_TEXT))
    price = money_in()
    stock_quantity = fields.Integer(
        strict=True,
        validate=validate.Range(0, MAX_STOCK),
        metadata={
            "description": "A new figure writes an adjustment movement; a product with "
            "several variants sets stock per variant (422)."
        },
    )
    category = Text(
        allow_none=True,
        validate=validate.Length(max=100),
        metadata={
            "description": "An existing category's name, in any case (an unknown or "
            "archived one is 422); null removes the category. Or send `category_id`."
        },
    )
    category_id = ident(
        allow_none=True,
        metadata={
            "example": 3,
            "description": "The category (preferred to `category`); null: none.",
        },
    )
    is_active = StrictBoolean(metadata={"description": "false archives."})


class ImageUploadSchema(Schema):
    image = fields.Raw(
        required=True,
        metadata={
            "type": "string",
            "format": "binary",
            "description": "A JPEG, PNG or WebP image (judged by content).",
        },
    )


class ImagesUploadSchema(Schema):
    image = fields.List(
        fields.Raw(metadata={"type": "string", "format": "binary"}),
        required=True,
        metadata={
            "description": "One or more JPEG, PNG or WebP images (judged by content), "
            "repeated under the same name; all are added or none."
        },
    )
    alt = Text(
        validate=validate.Length(max=MAX_ALT),
        metadata={"description": "Alt text for every image sent; empty: the product's name."},
    )
    variant_id = ident(
        strict=False,
        metadata={"description": "The variant these images show (the red one shows red)."},
    )


class ImageUpdateSchema(InputSchema):
    alt = Text(
        validate=validate.Length(max=MAX_ALT),
        metadata={"example": "The mug from above", "description": "Empty: the product's name."},
    )
    position = fields.Integer(
        strict=True,
        validate=validate.Range(0, MAX_IMAGES_PER_PRODUCT - 1),
        metadata={"example": 0, "description": "0 makes it the cover; the others shift."},
    )
    variant_id = ident(
        allow_none=True,
        metadata={"description": "The variant it shows; null: the product as a whole."},
    )


class CsvUploadSchema(Schema):
    file = fields.Raw(
        required=True,
        metadata={"type": "string", "format": "binary", "description": "A UTF-8 CSV file."},
    )


class ImportQuery(QuerySchema):
    dry_run = fields.Boolean(
        load_default=False,
        metadata={"description": "true: check every row and change nothing."},
    )


class ImportRowSchema(OutputSchema):
    line = fields.Integer(metadata={"description": "The file's line (the header is 1)."})
    sku = fields.String()
    name = fields.String()
    action = fields.String(metadata={"enum": ["create", "update", "unchanged", "refuse"]})
    changes = fields.List(fields.String())
    reasons = fields.List(fields.String())


class ImportReportSchema(OutputSchema):
    applied = fields.Boolean(metadata={"description": "false for a dry run."})
    summary = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"example": {"create": 2, "update": 5, "unchanged": 93, "refuse": 0}},
    )
    rows = fields.List(fields.Nested(ImportRowSchema))


class StockAdjustmentSchema(InputSchema):
    delta = fields.Integer(
        required=True,
        strict=True,
        validate=[
            validate.Range(-MAX_DELTA, MAX_DELTA),
            validate.NoneOf([0], error="Must not be zero."),
        ],
        metadata={"example": -2, "description": "Non-zero; negative removes stock."},
    )
    note = Text(
        required=True,
        validate=[validate.Length(1, 1000), validate.Regexp(r"\S", error="Say why.")],
        metadata={"example": "Two broken in the warehouse"},
    )
    variant_id = ident(
        metadata={"description": "The variant; may be left out for a product with one."}
    )


class StockMovementSchema(OutputSchema):
    id = fields.Integer()
    product_id = fields.Integer()
    variant_id = fields.Integer()
    delta = fields.Integer(metadata={"example": -2})
    reason = fields.String(metadata={"enum": list(MOVEMENT_REASONS)})
    order_id = fields.Integer(allow_none=True)
    stock_after = fields.Integer(metadata={"example": 6})
    note = fields.String()
    created_at = timestamp()


StockMovementPageSchema = page_of(StockMovementSchema, "StockMovementPageSchema")

# --- cart ------------------------------------------------------------------------


class CartProductSchema(OutputSchema):
    id = fields.Integer()
    name = fields.String()
    price = money_out()
    stock_quantity = fields.Integer()
    image_url = fields.Function(lambda p: _image_urls(p)[0], allow_none=True, metadata=IMAGE_URL)
    thumbnail_url = fields.Function(
        lambda p: _image_urls(p)[1], allow_none=True, metadata=IMAGE_URL
    )


def _line_options(line) -> dict:
    return line.variant.options


class CartLineSchema(OutputSchema):
    id = fields.Integer(attribute="item_id")
    product_id = fields.Function(lambda line: line.product.id, metadata={"type": "integer"})
    variant_id = fields.Function(lambda line: line.variant.id, metadata={"type": "integer"})
    sku = fields.Function(lambda line: line.variant.sku, metadata={"type": "string"})
    options = fields.Function(
        _line_options,
        metadata={"type": "object", "additionalProperties": {"type": "string"}},
    )
    product = fields.Nested(CartProductSchema)
    quantity = fields.Integer()
    unit_price = money_out(metadata={"description": "The current price; checkout charges it."})
    line_total = money_out()
    price_at_time = money_out(metadata={"description": "The price when the line was added."})
    price_changed = fields.Boolean()


class CartSchema(OutputSchema):
    id = fields.Integer(allow_none=True, metadata={"description": "null until a first item."})
    items = fields.List(fields.Nested(CartLineSchema), attribute="lines")
    item_count = fields.Integer(metadata={"description": "The sum of the quantities."})
    total = money_out()


class CartAddSchema(InputSchema):
    variant_id = ident(metadata={"example": 97, "description": "The variant to add."})
    product_id = ident(
        metadata={
            "example": 42,
            "description": "Instead of variant_id, for a product with one variant "
            "(with several: 422 `variant_required`).",
        }
    )
    quantity = fields.Integer(
        required=True, strict=True, validate=validate.Range(1, 1000), metadata={"example": 2}
    )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _one_of_the_ids(self, data, original, **kwargs):
        sent = original if isinstance(original, dict) else {}
        if sent.get("variant_id") is None and sent.get("product_id") is None:
            raise ValidationError("Send a variant_id (or a product_id).", "variant_id")


class CartQuantitySchema(InputSchema):
    quantity = fields.Integer(
        required=True, strict=True, validate=validate.Range(1, 1000), metadata={"example": 3}
    )


# --- addresses -------------------------------------------------------------------


def _address_text(name: str, *, required: bool, example: str) -> Text:
    extra = {"required": True} if required else {"load_default": ""}
    return Text(
        validate=validate.Length(max=ADDRESS_LIMITS[name]), metadata={"example": example}, **extra
    )


class AddressInputSchema(InputSchema):
    """A structured address. What is required, and a phone number's and a postal
    code's shape, are the service's rules: breaking them is 422 on the field."""

    full_name = _address_text("full_name", required=True, example="Nadia Rahman")
    phone = _address_text("phone", required=True, example="+880 1712-345678")
    line1 = _address_text("line1", required=True, example="House 7, Road 3")
    line2 = _address_text("line2", required=False, example="Dhanmondi")
    city = _address_text("city", required=True, example="Dhaka")
    region = _address_text("region", required=False, example="Dhaka Division")
    postal_code = _address_text("postal_code", required=False, example="1205")
    # The list is documented here and checked by the service, with the other fields,
    # so that one answer names every mistake.
    country = Text(
        load_default=DEFAULT_COUNTRY,
        validate=validate.Length(max=2),
        metadata={
            "example": "BD",
            "enum": list(COUNTRIES),
            "description": "ISO 3166-1 alpha-2, one the shop ships to (Bangladesh by default).",
        },
    )


class AddressBookInputSchema(AddressInputSchema):
    is_default = StrictBoolean(
        load_default=False,
        metadata={"description": "Make it the default (the first address always is)."},
    )


class OrderAddressSchema(OutputSchema):
    full_name = fields.String(metadata={"example": "Nadia Rahman"})
    phone = fields.String(metadata={"example": "+880 1712-345678"})
    line1 = fields.String(metadata={"example": "House 7, Road 3"})
    line2 = fields.String(metadata={"example": "Dhanmondi"})
    city = fields.String(metadata={"example": "Dhaka"})
    region = fields.String(metadata={"example": ""})
    postal_code = fields.String(metadata={"example": "1205"})
    country = fields.String(metadata={"example": "BD"})


class AddressSchema(OrderAddressSchema):
    id = fields.Integer()
    is_default = fields.Boolean()


# --- shipping methods ------------------------------------------------------------


class ShippingMethodSchema(OutputSchema):
    id = fields.Integer()
    name = fields.String(metadata={"example": "Standard delivery"})
    fee = money_out(metadata={"example": "60.00"})
    free_over = money_out(
        allow_none=True,
        metadata={
            "example": "2000.00",
            "description": "Free when the subtotal before any discount is at least this; "
            "null: never free.",
        },
    )
    countries = fields.Method(
        "_countries",
        metadata={
            "type": "array",
            "items": {"type": "string"},
            "example": ["BD"],
            "description": "Where it ships (ISO 3166-1 alpha-2); empty: everywhere.",
        },
    )
    is_active = fields.Boolean()

    def _countries(self, method):
        return method.country_list


class ShippingMethodQuery(QuerySchema):
    country = fields.String(
        validate=validate.Length(2, 2),
        metadata={"example": "BD", "description": "Only the methods that ship there."},
    )


def _shipping_fields(required: bool) -> dict:
    req = {"required": True} if required else {}
    return {
        "name": Text(validate=validate.Length(1, MAX_SHIPPING_NAME), **req),
        "fee": money_in(**req),
        "free_over": MoneyInput(
            allow_none=True,
            metadata={"description": "null or absent: never free.", "example": "2000.00"},
        ),
        "countries": fields.List(
            fields.String(validate=validate.Length(2, 2)),
            validate=validate.Length(max=len(COUNTRIES)),
            metadata={"example": ["BD"], "description": "Empty or absent: every country."},
        ),
        "is_active": StrictBoolean(),
    }


ShippingMethodCreateSchema = InputSchema.from_dict(
    _shipping_fields(True), name="ShippingMethodCreateSchema"
)
ShippingMethodUpdateSchema = InputSchema.from_dict(
    _shipping_fields(False), name="ShippingMethodUpdateSchema"
)


# --- discount codes ---------------------------------------------------------------


class DiscountCodeSchema(OutputSchema):
    id = fields.Integer()
    code = fields.String(metadata={"example": "EID10"})
    kind = fields.String(metadata={"enum": list(DISCOUNT_KINDS), "example": "percent"})
    value = money_out(metadata={"example": "10.00", "description": "Percent, or an amount."})
    min_subtotal = money_out(allow_none=True)
    starts_at = timestamp(allow_none=True)
    ends_at = timestamp(allow_none=True)
    usage_limit = fields.Integer(allow_none=True)
    per_customer_limit = fields.Integer(allow_none=True)
    is_active = fields.Boolean()
    times_used = fields.Integer()


def _discount_fields(required: bool) -> dict:
    req = {"required": True} if required else {}
    limit = {
        "allow_none": True,
        "strict": True,
        "validate": validate.Range(1, MAX_DISCOUNT_LIMIT, error=DISCOUNT_LIMIT_REFUSED),
    }
    moment = {
        "allow_none": True,
        "metadata": {"example": "2026-12-01T00:00:00+06:00", "description": "With its offset."},
    }
    return {
        "code": Text(
            validate=validate.Length(1, MAX_DISCOUNT_CODE),
            metadata={"example": "EID10", "description": "Matched without regard to case."},
            **req,
        ),
        "kind": fields.String(validate=validate.OneOf(DISCOUNT_KINDS), **req),
        "value": money_in(
            metadata={"description": "A percentage (above 0, at most 100) or an amount."}, **req
        ),
        "min_subtotal": MoneyInput(allow_none=True, metadata={"example": "500.00"}),
        "starts_at": fields.AwareDateTime(**moment),
        "ends_at": fields.AwareDateTime(**moment),
        "usage_limit": fields.Integer(**limit),
        "per_customer_limit": fields.Integer(**limit),
        "is_active": StrictBoolean(),
    }


DiscountCodeCreateSchema = InputSchema.from_dict(
    _discount_fields(True), name="DiscountCodeCreateSchema"
)
DiscountCodeUpdateSchema = InputSchema.from_dict(
    _discount_fields(False), name="DiscountCodeUpdateSchema"
)


# --- orders ----------------------------------------------------------------------


class OrderItemSchema(OutputSchema):
    id = fields.Integer()
    product_id = fields.Integer()
    variant_id = fields.Integer()
    sku = fields.String(metadata={"description": "As it was when ordered."})
    options = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        attribute="variant_options",
        metadata={"description": "The variant's option values as ordered; {} without options."},
    )
    product_name = fields.String()
    quantity = fields.Integer()
    price_at_time = money_out()
    line_total = money_out()


class StatusChangeSchema(OutputSchema):
    from_status = fields.String(allow_none=True, metadata={"enum": list(ORDER_STATUSES)})
    to_status = fields.String(metadata={"enum": list(ORDER_STATUSES)})
    changed_at = timestamp()


class PaymentChangeSchema(OutputSchema):
    from_status = fields.String(metadata={"enum": list(PAYMENT_STATUSES)})
    to_status = fields.String(metadata={"enum": list(PAYMENT_STATUSES)})
    changed_at = timestamp()


class PaymentStatusSchema(InputSchema):
    status = fields.String(
        required=True,
        validate=validate.OneOf(["paid", "refunded"]),
        metadata={"description": "unpaid -> paid -> refunded."},
    )


class OrderSchema(OutputSchema):
    id = fields.Integer()
    user_id = fields.Integer(allow_none=True, metadata={"description": "null: a guest's order."})
    guest_email = fields.String(
        allow_none=True, metadata={"description": "The guest's email; null for a customer's."}
    )
    status = fields.String(metadata={"enum": list(ORDER_STATUSES), "example": "pending"})
    subtotal = money_out(metadata={"description": "The lines' sum, before discount and shipping."})
    discount_amount = money_out()
    shipping_fee = money_out()
    total_amount = money_out(
        metadata={"description": "subtotal - discount_amount + shipping_fee, exact to the cent."}
    )
    shipping_address = fields.String(
        metadata={
            "example": "Nadia Rahman\nHouse 7, Road 3\nDhaka 1205\nBangladesh\n+880 1712-345678",
            "description": "The address as text: the structured address's lines, or the "
            "free text of an order placed without one.",
        }
    )
    address = fields.Nested(
        OrderAddressSchema,
        allow_none=True,
        metadata={
            "description": "The copy of the structured address; null for an order "
            "placed with free text only."
        },
    )
    discount_code = fields.String(allow_none=True, metadata={"example": "EID10"})
    shipping_method = fields.String(
        allow_none=True,
        metadata={"example": "Standard delivery", "description": "Its name as it was; null: none."},
    )
    note = fields.String()
    tracking_number = fields.String(
        allow_none=True,
        metadata={"description": "Given when the order shipped, if the admin had one; else null."},
    )
    items = fields.List(fields.Nested(OrderItemSchema))
    status_history = fields.List(fields.Nested(StatusChangeSchema))
    payment_method = fields.String(metadata={"enum": list(PAYMENT_METHOD_CODES), "example": "cod"})
    payment_status = fields.String(metadata={"enum": list(PAYMENT_STATUSES)})
    refund_due = fields.Boolean(metadata={"description": "Cancelled after it was paid: to refund."})
    payment_history = fields.List(fields.Nested(PaymentChangeSchema))
    created_at = timestamp()
    updated_at = timestamp()


OrderPageSchema = page_of(OrderSchema, "OrderPageSchema")


class CheckoutSchema(InputSchema):
    address = fields.Nested(
        AddressInputSchema,
        metadata={
            "description": "Where to ship. Or `address_id`, or (for a while) "
            "`shipping_address` as text: exactly one of the three."
        },
    )
    address_id = ident(metadata={"description": "One of your saved addresses."})
    discount_code = Text(
        validate=validate.Length(max=MAX_DISCOUNT_CODE + 20),
        metadata={
            "example": "EID10",
            "description": "Optional. A refused code is 409 with `code` one of discount_unknown, "
            "discount_expired, discount_exhausted, discount_minimum, "
            "discount_customer_limit, and nothing is ordered.",
        },
    )
    shipping_method_id = ident(
        metadata={
            "description": "Required once the shop offers shipping methods: one of "
            "`GET /api/shipping-methods?country=...` for the address."
        }
    )
    shipping_address = Text(
        validate=validate.Length(1, MAX_ADDRESS),
        metadata={
            "example": "12 Lake Road, Dhaka 1212",
            "description": "Deprecated: free text, accepted for a while. Send `address`.",
        },
    )
    note = Text(
        load_default="", validate=validate.Length(max=MAX_NOTE), metadata={"example": "Ring twice"}
    )
    payment_method = fields.String(
        validate=validate.OneOf(PAYMENT_METHOD_CODES),
        metadata={"description": "One the shop enables; default: its first (cod)."},
    )
    expected_total = money_in(
        load_default=None,
        metadata={
            "description": "Optional. The total the shopper was shown; if the order would "
            "cost anything else, nothing is ordered and the answer is 409 `total_changed` "
            "with the new figures.",
            "example": "1250.00",
        },
    )


class GuestLineSchema(InputSchema):
    variant_id = ident(required=True, metadata={"example": 97})
    quantity = fields.Integer(
        required=True, strict=True, validate=validate.Range(1, 1000), metadata={"example": 1}
    )


class GuestCheckoutSchema(InputSchema):
    email = Text(
        required=True,
        validate=validate.Length(1, 255),
        metadata={"example": "guest@example.com", "description": "Where the order is mailed."},
    )
    items = fields.List(
        fields.Nested(GuestLineSchema),
        required=True,
        validate=validate.Length(1, 50),
        metadata={"description": "What to buy: a guest has no cart on the server."},
    )
    address = fields.Nested(AddressInputSchema, required=True)
    shipping_method_id = CheckoutSchema._declared_fields["shipping_method_id"]
    discount_code = CheckoutSchema._declared_fields["discount_code"]
    note = CheckoutSchema._declared_fields["note"]
    payment_method = CheckoutSchema._declared_fields["payment_method"]
    expected_total = CheckoutSchema._declared_fields["expected_total"]


class GuestOrderSchema(OutputSchema):
    order = fields.Nested(OrderSchema)
    order_url = fields.String(
        metadata={
            "description": "The order's page for the guest, with its signed key: whoever "
            "holds it may see the order. Also mailed."
        }
    )
    token = fields.String(metadata={"description": "The key for `GET /api/guest-orders/{token}`."})


class IdempotencyHeaderSchema(QuerySchema):
    idempotency_key = fields.String(
        data_key="Idempotency-Key",
        validate=validate.Length(1, MAX_KEY),
        metadata={
            "description": "Optional. The same key with the same body returns the order it "
            "placed (200) instead of placing another; with another body it is 409."
        },
    )


class OrderListQuery(PagingQuery):
    status = fields.String(validate=validate.OneOf(ORDER_STATUSES))
    user_id = ident(strict=False)


class MyOrdersQuery(PagingQuery):
    status = fields.String(validate=validate.OneOf(ORDER_STATUSES))


class OrderStatusSchema(InputSchema):
    status = fields.String(
        required=True,
        validate=validate.OneOf(ORDER_STATUSES),
        metadata={"example": "processing"},
    )
    tracking_number = Text(
        allow_none=True,
        validate=validate.Length(max=MAX_TRACKING_NUMBER),
        metadata={
            "description": "Optional, with `shipped` only: told to the customer in the "
            "shipping notice.",
            "example": "RR123456789BD",
        },
    )
