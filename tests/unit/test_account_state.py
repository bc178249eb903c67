"""A deactivated account can buy nothing, whichever door it comes through."""

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Order, Product
from storefront.services import accounts, cart, orders
from storefront.services.errors import AccountDeactivated


def test_a_deactivated_customer_cannot_place_an_order(customer, admin, make_product):
    lamp = make_product(stock=3)
    cart.add_to_cart(customer.id, lamp.id, 2)
    accounts.deactivate_user(customer.id, actor_id=admin.id)

    with pytest.raises(AccountDeactivated):
        orders.place_order(customer.id, "1 Test Road")

    assert db.session.scalar(select(func.count(Order.id))) == 0
    assert db.session.get(Product, lamp.id).stock_quantity == 3
    assert cart.get_cart(customer.id).item_count == 2


def test_a_reactivated_customer_can_order_again(customer, admin, make_product):
    lamp = make_product(stock=3)
    cart.add_to_cart(customer.id, lamp.id, 1)
    accounts.deactivate_user(customer.id, actor_id=admin.id)
    accounts.reactivate_user(customer.id, actor_id=admin.id)

    placed = orders.place_order(customer.id, "1 Test Road")

    assert placed.created
    assert placed.order.status == "pending"
