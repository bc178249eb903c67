"""The domain's exceptions. Pages turn them into messages, the API into problem JSON.

Each carries a human message; ``field`` names the input it is about when there
is one, so a form can show it next to that field and the API can list it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class DomainError(Exception):
    """Base of every refusal a service can give."""

    field: str | None = None
    code: str | None = None  # the API's ``code``; None: the class's name in snake case

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


class ValidationError(DomainError):
    """Well-formed input with values the store cannot accept (API: 422)."""

    def __init__(self, message: str, *, field: str | None = None, errors: dict | None = None):
        super().__init__(message, field=field)
        self.errors: dict[str, str] = dict(errors or {})
        if field and field not in self.errors:
            self.errors[field] = message


class NotFound(DomainError):
    """No such record, or one the caller may not see (API: 404)."""


class PermissionDenied(DomainError):
    """Authenticated, but not allowed (API: 403)."""


class NotAShopper(PermissionDenied):
    """Carts and checkout are a customer's: an admin account does not shop."""

    def __init__(self, message: str = "Admin accounts do not shop: use a customer account to buy."):
        super().__init__(message)


class AuthenticationFailed(DomainError):
    """Wrong email or password; the same message for both (API: 401)."""


class AccountDeactivated(DomainError):
    """The password was right but the account is deactivated (API: 403)."""


class Conflict(DomainError):
    """The request contradicts the state of the store (API: 409)."""


class DuplicateEmail(Conflict):
    field = "email"


class EmptyCart(Conflict):
    pass


class InvalidTransition(Conflict):
    field = "status"


class IdempotencyKeyReused(Conflict):
    pass


class CannotActOnSelf(Conflict):
    pass


@dataclass(frozen=True)
class Shortage:
    product_id: int
    product_name: str
    requested: int
    available: int  # 0 for a product that is archived
    variant_id: int | None = field(default=None, compare=False)


class OutOfStock(Conflict):
    """Some products cannot be had in the quantities asked: every one is listed."""

    def __init__(self, shortages: list[Shortage]):
        self.shortages = shortages
        names = ", ".join(
            f"{s.product_name} (asked {s.requested}, {s.available} left)" for s in shortages
        )
        super().__init__(f"Not enough stock for: {names}.")


class ProductUnavailable(Conflict):
    """A product in the cart has been archived since it was added."""

    def __init__(self, products: list[tuple[int, str]]):
        self.products = products
        names = ", ".join(name for _, name in products)
        super().__init__(f"No longer available: {names}. Remove it from your cart to continue.")


class DiscountRefused(Conflict):
    """A discount code that cannot be used for this order: nothing is ordered."""

    field = "discount_code"


class DiscountUnknown(DiscountRefused):
    pass


class DiscountExpired(DiscountRefused):
    pass


class DiscountExhausted(DiscountRefused):
    pass


class DiscountMinimum(DiscountRefused):
    pass


class DiscountCustomerLimit(DiscountRefused):
    pass


class TotalChanged(Conflict):
    """The order would cost other than the total the shopper confirmed (prices moved).

    ``quote`` is the new figures (a ``pricing.Quote``); ``expected`` what was confirmed.
    """

    field = "expected_total"

    def __init__(self, quote, expected):
        self.quote = quote
        self.expected = expected
        super().__init__(
            f"The total changed since you saw it: it is now {quote.total:,.2f}, "
            f"not {expected:,.2f}. Check the new prices and confirm again."
        )


class TooManyAttempts(DomainError):
    """Over a login, registration or password-attempt limit (429 with ``Retry-After``).

    ``retry_after`` is in seconds: how long until the limit lets one through.
    """

    def __init__(self, retry_after: int, message: str = "Too many attempts. Try again later."):
        super().__init__(message)
        self.retry_after = retry_after


class InvalidResetLink(DomainError):
    """A password-reset token that is used, expired or forged (API: 400 ``invalid_token``)."""

    code = "invalid_token"

    def __init__(
        self,
        message: str = "This password reset link has expired or was already used. "
        "Ask for a new one.",
    ):
        super().__init__(message)
