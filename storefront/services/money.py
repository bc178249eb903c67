"""Money: ``Decimal`` with two places, parsed strictly, never ``float``."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from .errors import ValidationError

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")
# ASCII digits only: ``\d`` would also take "１２" and "١٢", which Decimal reads.
_MONEY_TEXT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
# An amount as the shop shows it to people: commas between groups of three ("1,250.50").
_GROUPED_TEXT = re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]{1,2})?")


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(value, field: str = "price") -> Decimal:
    """Read a price from a string or a number: no sign, exponent or third decimal.

    Numbers are read through their shortest text form (``repr``), so ``12.5``
    is 12.50 exactly and a binary float never reaches arithmetic.
    """
    if isinstance(value, bool) or value is None:
        raise ValidationError("Enter an amount such as 12.50.", field=field)
    if isinstance(value, Decimal):
        text = format(value, "f") if value.is_finite() else "nan"
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = repr(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise ValidationError("Enter an amount such as 12.50.", field=field)
    if not _MONEY_TEXT.fullmatch(text):
        raise ValidationError(
            "Enter an amount such as 12.50: digits, at most two decimals, no sign.",
            field=field,
        )
    amount = Decimal(text)
    if amount > MAX_AMOUNT:
        raise ValidationError("The amount is too large.", field=field)
    return quantize(amount)


def without_grouping(text):
    """``text`` without its grouping commas when they are where the shop puts them
    ("1,250.50" -> "1250.50"); anything else unchanged, for ``parse_money`` to judge.

    For amounts people type in forms, which should accept what the shop shows
    them; the API reads amounts strictly and does not call this.
    """
    if isinstance(text, str) and _GROUPED_TEXT.fullmatch(text.strip()):
        return text.strip().replace(",", "")
    return text


def format_money(amount: Decimal) -> str:
    """The API's form: a string with exactly two decimals, ``"1250.00"``."""
    return str(quantize(Decimal(amount)))


def display_money(amount: Decimal, currency: str) -> str:
    """For people: ``BDT 1,250.00``."""
    return f"{currency} {quantize(Decimal(amount)):,.2f}"
