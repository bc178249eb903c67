"""What an order costs: subtotal, discount, shipping and total, computed once.

The checkout, the checkout page's summary and the audit all use these, so the
figure a shopper is shown is the figure they are charged. Every amount is a
``Decimal`` rounded half-up to the cent once, where it is made (a line, a
discount), never re-rounded afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from . import shipping
from .money import quantize

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Quote:
    subtotal: Decimal
    discount_amount: Decimal = ZERO
    shipping_fee: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount_amount + self.shipping_fee

    def as_dict(self) -> dict[str, Decimal]:
        return {
            "subtotal": self.subtotal,
            "discount_amount": self.discount_amount,
            "shipping_fee": self.shipping_fee,
            "total_amount": self.total,
        }


def line_total(unit_price: Decimal, quantity: int) -> Decimal:
    return quantize(Decimal(unit_price) * quantity)


def subtotal_of(lines: Iterable[tuple[Decimal, int]]) -> Decimal:
    """The sum of ``(unit price, quantity)`` lines, each rounded to the cent."""
    return sum((line_total(price, qty) for price, qty in lines), ZERO)


def quote(lines: Iterable[tuple[Decimal, int]], shipping_method=None, discount=ZERO) -> Quote:
    """The price of lines at their unit prices, less ``discount`` (already computed
    from the subtotal, at most the subtotal), shipped with ``shipping_method`` (free
    over its threshold, judged on the subtotal before any discount)."""
    subtotal = subtotal_of(lines)
    discount = discount(subtotal) if callable(discount) else discount
    return Quote(
        subtotal=subtotal,
        discount_amount=min(discount, subtotal),
        shipping_fee=shipping.shipping_fee(shipping_method, subtotal),
    )


def quote_cart(cart, shipping_method=None, discount=ZERO) -> Quote:
    """The price of a ``cart.CartView`` at today's prices, as checkout would charge it.
    ``discount`` may be a function of the subtotal."""
    return quote(
        ((line.unit_price, line.quantity) for line in cart.lines), shipping_method, discount
    )


def identity_holds(subtotal, discount_amount, shipping_fee, total_amount) -> bool:
    """``total = subtotal - discount + shipping``, exact to the cent, nothing negative."""
    values = [quantize(Decimal(v)) for v in (subtotal, discount_amount, shipping_fee, total_amount)]
    sub, disc, ship, total = values
    return min(values) >= 0 and disc <= sub and total == sub - disc + ship
