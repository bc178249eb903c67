from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, TimestampMixin
from .catalog import Money

if TYPE_CHECKING:
    from .user import User

ORDER_STATUSES = ("pending", "processing", "shipped", "delivered", "cancelled")
_STATUS_SQL = ", ".join(f"'{s}'" for s in ORDER_STATUSES)
# Payment, separate from fulfilment (storefront/services/payments.py).
PAYMENT_STATUSES = ("unpaid", "paid", "refunded")
_PAYMENT_SQL = ", ".join(f"'{s}'" for s in PAYMENT_STATUSES)
# total = subtotal - discount + shipping, compared in whole cents: SQLite keeps
# NUMERIC values as binary floats, where 0.1 + 0.2 is not 0.3.
TOTAL_IDENTITY_SQL = (
    "ROUND(total_amount * 100) = "
    "ROUND(subtotal * 100) - ROUND(discount_amount * 100) + ROUND(shipping_fee * 100)"
)


class Order(TimestampMixin, Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total_amount >= 0", name="total_not_negative"),
        CheckConstraint("subtotal >= 0", name="subtotal_not_negative"),
        CheckConstraint("shipping_fee >= 0", name="shipping_fee_not_negative"),
        CheckConstraint(
            "discount_amount >= 0 AND discount_amount <= subtotal", name="discount_within_subtotal"
        ),
        CheckConstraint(TOTAL_IDENTITY_SQL, name="total_identity"),
        CheckConstraint(f"status IN ({_STATUS_SQL})", name="status_known"),
        # A customer's order, or a guest's (who gave an email instead of an account).
        CheckConstraint("user_id IS NOT NULL OR guest_email IS NOT NULL", name="has_buyer"),
        CheckConstraint(f"payment_status IN ({_PAYMENT_SQL})", name="payment_status_known"),
        Index("ix_orders_user_created", "user_id", "created_at"),
        Index("ix_orders_status_created", "status", "created_at"),
        Index("ix_orders_created", "created_at"),
        Index("ix_orders_discount_user", "discount_code_id", "user_id"),
        Index("ix_orders_guest_email", "guest_email"),
    )

    # None for a guest's order, until the guest's email joins an account.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The address a guest gave (lower-cased); None for a customer's order.
    guest_email: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    # What the shopper was charged, as it was at checkout:
    # total_amount = subtotal - discount_amount + shipping_fee (a CHECK and check-orders).
    subtotal: Mapped[Decimal] = mapped_column(Money)
    discount_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    shipping_fee: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    total_amount: Mapped[Decimal] = mapped_column(Money)
    # The code as entered (upper-cased) and the code row, counted for its limits.
    discount_code: Mapped[str | None] = mapped_column(String(50))
    discount_code_id: Mapped[int | None] = mapped_column(ForeignKey("discount_codes.id"))
    # The shipping method's name as it was (its fee is shipping_fee); None: none chosen.
    shipping_method: Mapped[str | None] = mapped_column(String(100))
    # The address as text (what orders before structured addresses had, and
    # what the API's ``shipping_address`` still shows), and, for orders placed
    # with a structured address, a copy of its fields: editing or deleting the
    # address book's entry never changes an order.
    shipping_address: Mapped[str] = mapped_column(Text)
    address_full_name: Mapped[str | None] = mapped_column(String(200))
    address_phone: Mapped[str | None] = mapped_column(String(30))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    address_city: Mapped[str | None] = mapped_column(String(100))
    address_region: Mapped[str | None] = mapped_column(String(100))
    address_postal_code: Mapped[str | None] = mapped_column(String(20))
    address_country: Mapped[str | None] = mapped_column(String(2))
    note: Mapped[str] = mapped_column(Text, default="")
    # Given by the admin who marks the order shipped (optional); told to the customer.
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    # How the shopper pays (a code of payments.METHODS) and whether the shop has
    # the money: unpaid -> paid -> refunded, each change in payment_changes.
    payment_method: Mapped[str] = mapped_column(String(30), default="cod")
    payment_status: Mapped[str] = mapped_column(String(10), default="unpaid")

    user: Mapped[User | None] = relationship()
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", order_by="OrderItem.id", cascade="all"
    )
    status_history: Mapped[list[OrderStatusChange]] = relationship(
        back_populates="order", order_by="OrderStatusChange.id", cascade="all"
    )
    payment_history: Mapped[list[PaymentChange]] = relationship(
        back_populates="order", order_by="PaymentChange.id", cascade="all"
    )

    @property
    def refund_due(self) -> bool:
        """Cancelled after it was paid: the shop owes the money back ("to refund")."""
        return self.status == "cancelled" and self.payment_status == "paid"

    @property
    def buyer_email(self) -> str:
        """Where the order's emails go: the customer's address, or the guest's."""
        return self.user.email if self.user is not None else (self.guest_email or "")

    @property
    def is_guest_order(self) -> bool:
        return self.user_id is None

    @property
    def address(self) -> dict | None:
        """The structured copy, or None for an order placed with a free-text address."""
        if self.address_line1 is None:
            return None
        return {name: getattr(self, f"address_{name}") for name in ADDRESS_FIELDS}


# The fields of a structured address, in the order people write them.
ADDRESS_FIELDS = (
    "full_name",
    "phone",
    "line1",
    "line2",
    "city",
    "region",
    "postal_code",
    "country",
)


class OrderItem(TimestampMixin, Base):
    __tablename__ = "order_items"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("product_variants.id"), index=True)
    # Name, SKU, options and price as they were at purchase: later edits never
    # change an order. ``variant_options`` is ``{option name: value}``.
    product_name: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str] = mapped_column(String(64), default="")
    variant_options: Mapped[dict] = mapped_column(JSON, default=dict)
    quantity: Mapped[int] = mapped_column(Integer)
    price_at_time: Mapped[Decimal] = mapped_column(Money)
    line_total: Mapped[Decimal] = mapped_column(Money)

    order: Mapped[Order] = relationship(back_populates="items")

    @property
    def variant_label(self) -> str:
        """ "M / Blue" as sold; empty for a product without options."""
        return " / ".join(str(v) for v in (self.variant_options or {}).values())


class OrderStatusChange(TimestampMixin, Base):
    __tablename__ = "order_status_changes"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    order: Mapped[Order] = relationship(back_populates="status_history")

    @property
    def changed_at(self):
        return self.created_at


class PaymentChange(TimestampMixin, Base):
    """Who marked an order paid or refunded, and when."""

    __tablename__ = "payment_changes"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    order: Mapped[Order] = relationship(back_populates="payment_history")

    @property
    def changed_at(self):
        return self.created_at
