"""Confirmations before a destructive action, for the shop and the back office.

A page offers the action as a small GET form (``confirm_button`` in
templates/_macros/confirm.html). Without JavaScript it leads to a confirmation
page at that URL; with it, store.js opens the same question in a native
``<dialog>`` instead. Either way the action itself is the POST that follows,
with its CSRF token, so nothing happens on one click.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import render_template


@dataclass(frozen=True)
class Confirmation:
    question: str  # what will happen, as a question: "Cancel order #12 and ...?"
    page_url: str  # the confirmation page (GET), where the button leads without script
    back_url: str  # where "no" leads from the confirmation page
    confirm_label: str
    cancel_label: str = "No, go back"
    detail: str = ""  # a sentence more, when the question needs one
    post_to: str | None = None  # where "yes" posts, when not to page_url itself
    hidden: tuple[tuple[str, str], ...] = ()  # more fields the action reads

    @property
    def action(self) -> str:
        return self.post_to or self.page_url

    @property
    def dialog_id(self) -> str:
        return "confirm" + re.sub(r"[^a-z0-9]+", "-", self.page_url.lower()).rstrip("-")


def items_phrase(count: int) -> str:
    return f"{count} item" if count == 1 else f"{count} items"


def order_items_phrase(order) -> str:
    """ "3 items": the units an order holds, for the question about cancelling it."""
    return items_phrase(sum(item.quantity for item in order.items))


def confirmation_page(confirmation: Confirmation, *, admin: bool = False, **context):
    """The page that asks, for a browser without script (or a link followed)."""
    return render_template("confirm.html", confirmation=confirmation, admin=admin, **context)
