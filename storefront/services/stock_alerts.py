"""Back-in-stock alerts: "Email me when it's back" on an out-of-stock product.

An address subscribes to a product while it has no stock. When the product's
stock goes from 0 to more (an admin's adjustment, an API update, a
cancellation's restock: every path goes through ``inventory.record_movement``),
each waiting address gets one email, queued in that same transaction, and its
subscription ends. The email carries a one-click unsubscribe link (RFC 8058),
which ends every alert the address is waiting for.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import Product, StockAlert, User
from . import notifications
from ._sql import is_storable_id
from ._tx import transactional
from .accounts import check_email
from .errors import Conflict, DomainError, NotFound, ValidationError

_UNSUBSCRIBE_SALT = "storefront.stock-alert-unsubscribe"


class InStock(Conflict):
    """The product can be bought now: there is nothing to wait for (API: 409)."""

    field = "product_id"


class InvalidUnsubscribeLink(DomainError):
    code = "invalid_token"

    def __init__(self, message: str = "This unsubscribe link is not valid."):
        super().__init__(message)


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token(email: str) -> str:
    return _signer().dumps({"e": email})


def email_of_unsubscribe_token(token: str) -> str:
    try:
        return str(_signer().loads(token or "")["e"])
    except (BadSignature, KeyError, TypeError):
        raise InvalidUnsubscribeLink() from None


@transactional
def subscribe(product_id: int, email: str | None = None, user_id: int | None = None) -> StockAlert:
    """Wait for an out-of-stock product; subscribing twice is one subscription.

    A signed-in customer (``user_id``) may leave out the email: their account's is used.
    """
    if user_id is not None and not email:
        user = db.session.get(User, user_id)
        email = user.email if user is not None else None
    if not email:
        raise ValidationError("Enter the email to tell when it is back.", field="email")
    email = check_email(email)
    if not is_storable_id(product_id):
        raise NotFound("No such product.")
    # Locked, so that a restock committing meanwhile either sees this
    # subscription or is seen by it (as stock, refusing it).
    product = db.session.scalar(
        select(Product)
        .where(Product.id == product_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if product is None or not product.is_active:
        raise NotFound("No such product.")
    if product.stock_quantity > 0:
        raise InStock(f"{product.name} is in stock: you can buy it now.")
    alert = db.session.scalar(
        select(StockAlert).where(StockAlert.product_id == product_id, StockAlert.email == email)
    )
    if alert is None:
        alert = StockAlert(product_id=product_id, email=email, user_id=user_id)
        db.session.add(alert)
        db.session.flush()
    return alert


def product_back_in_stock(product: Product) -> int:
    """Tell every address waiting for ``product`` (locked by the caller) once; end their alerts.

    Called by ``inventory.record_movement`` inside the stock change's transaction.
    """
    alerts = list(
        db.session.scalars(
            select(StockAlert).where(StockAlert.product_id == product.id).order_by(StockAlert.id)
        )
    )
    if not alerts or not product.is_active:
        return 0
    for alert in alerts:
        notifications.back_in_stock(product, alert.email, unsubscribe_token(alert.email))
    db.session.execute(
        delete(StockAlert)
        .where(StockAlert.id.in_([a.id for a in alerts]))
        .execution_options(synchronize_session=False)
    )
    return len(alerts)


@transactional
def unsubscribe(token: str) -> int:
    """End every alert the link's address waits for; how many ended."""
    email = email_of_unsubscribe_token(token)
    result = db.session.execute(
        delete(StockAlert)
        .where(StockAlert.email == email)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def waiting_count(product_id: int) -> int:
    """How many addresses wait for this product (the admin's product page)."""
    return db.session.scalar(
        select(func.count(StockAlert.id)).where(StockAlert.product_id == product_id)
    )
