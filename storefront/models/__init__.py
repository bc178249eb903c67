"""The store's tables, as SQLAlchemy 2.0 typed models."""

from .address import Address
from .alerts import StockAlert
from .base import Base, utcnow
from .cart import Cart, CartItem
from .catalog import (
    OPTION_KEY_SEPARATOR,
    CatalogVersion,
    Category,
    Product,
    ProductOption,
    ProductVariant,
)
from .discount import DISCOUNT_KINDS, DiscountCode
from .gallery import MAX_ALT, ProductImage
from .inventory import MOVEMENT_REASONS, StockMovement
from .mail import OUTBOX_STATUSES, OutboxMessage
from .order import (
    ORDER_STATUSES,
    PAYMENT_STATUSES,
    Order,
    OrderItem,
    OrderStatusChange,
    PaymentChange,
)
from .shipping import ShippingMethod
from .tokens import IdempotencyKey, RefreshToken, TokenFamily
from .user import ROLES, User

__all__ = [
    "Address",
    "Base",
    "Cart",
    "CartItem",
    "CatalogVersion",
    "DISCOUNT_KINDS",
    "DiscountCode",
    "Category",
    "IdempotencyKey",
    "MAX_ALT",
    "MOVEMENT_REASONS",
    "ORDER_STATUSES",
    "Order",
    "OrderItem",
    "OrderStatusChange",
    "OUTBOX_STATUSES",
    "OutboxMessage",
    "Product",
    "ProductImage",
    "PaymentChange",
    "PAYMENT_STATUSES",
    "ProductOption",
    "ProductVariant",
    "OPTION_KEY_SEPARATOR",
    "ROLES",
    "RefreshToken",
    "ShippingMethod",
    "StockAlert",
    "StockMovement",
    "TokenFamily",
    "User",
    "utcnow",
]
