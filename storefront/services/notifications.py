"""The store's emails: each rendered from Jinja templates (a plain-text part and an
HTML part) and queued in the outbox, in the caller's transaction.

Templates live in ``templates/email/``: ``<name>.txt`` and ``<name>.html``; the
HTML part extends ``email/_layout.html`` (styles inline, no remote image, no
script). Links in a mail start with ``PUBLIC_BASE_URL``; unset (development),
with ``http://127.0.0.1:5000``, where ``make run`` serves.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import current_app, render_template

from ..models import Order, OutboxMessage
from .money import display_money
from .outbox import enqueue

DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def link(endpoint: str, **values) -> str:
    """An absolute URL for a mail: built without a request, never from a Host header."""
    base = current_app.config.get("PUBLIC_BASE_URL") or DEVELOPMENT_BASE_URL
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return base + path


def send(
    template: str, to: str, subject: str, *, headers: dict[str, str] | None = None, **context
) -> OutboxMessage:
    """Render ``templates/email/<template>.txt`` and ``.html`` and queue the message."""
    currency = current_app.config.get("CURRENCY", "")
    context = {
        "subject": subject,
        "money": lambda amount: display_money(amount, currency),
        "shop_url": link("shop.home"),
        **context,
    }
    return enqueue(
        kind=template,
        to=to,
        subject=subject,
        text=render_template(f"email/{template}.txt", **context),
        html=render_template(f"email/{template}.html", **context),
        headers=headers,
    )


# --- orders -------------------------------------------------------------------

# The statuses a customer is told of, beyond the placing of the order.
ORDER_STATUS_MAIL = {
    "shipped": "Your order #{id} is on its way",
    "delivered": "Your order #{id} has been delivered",
    "cancelled": "Your order #{id} is cancelled",
}


def _order_context(order: Order) -> dict:
    items = list(order.items)
    if order.user is not None:
        customer = order.user
        order_url = link("orders.detail", order_id=order.id)
    else:  # a guest: named as on the address, reached through the order's signed link
        from .orders import guest_order_token

        customer = SimpleNamespace(full_name=order.address_full_name or "", email=order.guest_email)
        order_url = link("orders.guest_detail", token=guest_order_token(order))
    return {"order": order, "items": items, "customer": customer, "order_url": order_url}


def order_placed(order: Order) -> OutboxMessage:
    """The confirmation: items, quantities, prices, total and address, as sold."""
    context = _order_context(order)
    return send(
        "order_placed",
        order.buyer_email,
        f"Order #{order.id} confirmed",
        **context,
    )


def order_status_changed(order: Order, actor_id: int | None) -> OutboxMessage | None:
    """Shipped (with the tracking number if one was given), delivered, cancelled (by whom)."""
    subject = ORDER_STATUS_MAIL.get(order.status)
    if subject is None:
        return None
    context = _order_context(order)
    context["cancelled_by_customer"] = actor_id is not None and actor_id == order.user_id
    return send(
        f"order_{order.status}",
        order.buyer_email,
        subject.format(id=order.id),
        **context,
    )


# --- back in stock ------------------------------------------------------------


def back_in_stock(product, email: str, unsubscribe_token: str) -> OutboxMessage:
    """Marketing-like mail: it carries RFC 8058 one-click unsubscribe headers."""
    unsubscribe_url = link("shop.unsubscribe", token=unsubscribe_token)
    return send(
        "back_in_stock",
        email,
        f"{product.name} is back in stock",
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        product=product,
        product_url=link("shop.product", product_id=product.id, slug=product.slug),
        unsubscribe_url=unsubscribe_url,
    )
