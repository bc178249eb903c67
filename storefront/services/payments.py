"""Payment: how an order is paid, and whether the shop has the money.

Payment is separate from fulfilment. An order carries ``payment_method`` (one
of the methods the shop enables, chosen at checkout) and ``payment_status``:

    unpaid -> paid -> refunded

Admins mark an order paid (cash collected, transfer received) or refunded;
each change is recorded (``PaymentChange``: who, when). A paid order that is
cancelled is "to refund" (``Order.refund_due``) until it is marked refunded.

A method is a ``PaymentProvider``. Cash on delivery and bank transfer need
nothing at checkout; a card gateway would implement ``start`` (and call
``mark_paid`` from its webhook) without a change to checkout: checkout only
calls ``provider(code).start(order)`` in the order's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from ..models import Order, PaymentChange
from ._tx import write_transaction
from .errors import Conflict, ValidationError

# What each payment status may become.
PAYMENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "unpaid": ("paid",),
    "paid": ("refunded",),
    "refunded": (),
}


@dataclass(frozen=True)
class PaymentProvider:
    """A way to pay. ``start`` runs in the checkout's transaction, after the order
    is written: a gateway would create its payment there (and raise to refuse)."""

    code: str
    label: str
    instructions: str

    def start(self, order: Order) -> None:  # nothing to do for offline methods
        return None


METHODS: dict[str, PaymentProvider] = {
    "cod": PaymentProvider(
        "cod", "Cash on delivery", "You pay the courier in cash when the order arrives."
    ),
    "bank_transfer": PaymentProvider(
        "bank_transfer",
        "Bank transfer",
        "Transfer the total to the shop's account with the order number as the reference; "
        "we ship once it arrives.",
    ),
}


def enabled_methods() -> list[PaymentProvider]:
    """The methods the shop takes, in its order (``PAYMENT_METHODS``, comma-separated)."""
    codes = current_app.config.get("PAYMENT_METHODS") or ("cod", "bank_transfer")
    return [METHODS[code] for code in codes if code in METHODS]


def choose(code: str | None) -> PaymentProvider:
    """The method a checkout asked for (or the shop's first), if the shop takes it."""
    methods = enabled_methods()
    if not code:
        return methods[0]
    for method in methods:
        if method.code == code:
            return method
    names = ", ".join(m.code for m in methods)
    raise ValidationError(f"Choose a payment method: {names}.", field="payment_method")


def label(code: str) -> str:
    method = METHODS.get(code)
    return method.label if method else code


class InvalidPaymentChange(Conflict):
    code = "invalid_payment_change"


def mark(order_id: int, new_status: str, actor_id: int | None) -> Order:
    """An admin marks an order ``paid`` or ``refunded``, recorded with who and when."""
    from .orders import get_order, lock_order  # orders imports this module

    if new_status not in ("paid", "refunded"):
        raise ValidationError("Mark an order paid or refunded.", field="status")
    with write_transaction() as session:
        order = lock_order(order_id)
        if new_status not in PAYMENT_TRANSITIONS[order.payment_status]:
            raise InvalidPaymentChange(
                f"An order that is {order.payment_status} cannot be marked {new_status}."
            )
        session.add(
            PaymentChange(
                order_id=order.id,
                from_status=order.payment_status,
                to_status=new_status,
                changed_by_id=actor_id,
            )
        )
        order.payment_status = new_status
        session.flush()
    return get_order(order_id)


def revenue_counts_paid_only() -> bool:
    """The dashboard's revenue: orders placed (default) or only those paid
    (``REVENUE_BASIS=paid``); cancelled orders never count."""
    return current_app.config.get("REVENUE_BASIS", "placed") == "paid"
