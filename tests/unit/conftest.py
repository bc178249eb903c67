"""Fixtures for the service-level tests: carts and orders built through the services."""

from __future__ import annotations

import pytest

from storefront.services import cart, orders

from .helpers import ADDRESS


@pytest.fixture
def fill_cart(app):
    """Put ``(product, quantity)`` lines in a customer's cart through the cart service."""

    def fill(user, *lines):
        for product, quantity in lines:
            cart.add_to_cart(user.id, product.id, quantity)

    return fill


@pytest.fixture
def place(fill_cart):
    """Fill a customer's cart and check out: returns the new order."""

    def place_order(user, *lines, address=ADDRESS, note="", key=None):
        fill_cart(user, *lines)
        return orders.place_order(user.id, address, note, idempotency_key=key).order

    return place_order
