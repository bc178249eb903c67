"""Carts and checkout are a shopper's, on the pages as in the API (api.md: 403 for admins)."""

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Order
from storefront.services import cart, orders
from storefront.services.errors import NotAShopper
from tests.conftest import ADMIN_PASSWORD
from tests.web.conftest import log_in_with_form


def test_the_services_refuse_an_admin_a_cart_and_an_order(admin, make_product):
    lamp = make_product(stock=5)
    with pytest.raises(NotAShopper):
        cart.add_to_cart(admin.id, lamp.id, 1)
    with pytest.raises(NotAShopper):
        orders.place_order(admin.id, "1 Office Road")
    assert cart.merge_guest_cart(admin.id, {lamp.id: 2}) == []
    assert cart.get_cart(admin.id).is_empty
    assert db.session.scalar(select(func.count(Order.id))) == 0


def test_an_admin_on_a_product_page_is_offered_the_editor_not_the_cart(client, admin, make_product):
    lamp = make_product(name="Trail Lamp", stock=5)
    assert log_in_with_form(client, admin.email, ADMIN_PASSWORD).status_code == 303
    html = client.get(f"/products/{lamp.id}-{lamp.slug}").get_data(as_text=True)
    assert "Add to cart" not in html
    assert f"/admin/products/{lamp.id}/edit" in html


def test_an_admin_posting_to_the_cart_is_refused_with_a_message(client, admin, make_product):
    lamp = make_product(stock=5)
    assert log_in_with_form(client, admin.email, ADMIN_PASSWORD).status_code == 303
    response = client.post(
        "/cart/add",
        data={"product_id": str(lamp.id), "quantity": "1", "next": f"/products/{lamp.id}"},
        follow_redirects=True,
    )
    assert response.request.path.startswith(f"/products/{lamp.id}")
    assert "Admin accounts do not shop" in response.get_data(as_text=True)
    assert cart.get_cart(admin.id).is_empty


def test_a_customer_still_shops_as_before(client, customer, make_product):
    lamp = make_product(stock=5)
    assert log_in_with_form(client, customer.email).status_code == 303
    response = client.post("/cart/add", data={"product_id": str(lamp.id), "quantity": "2"})
    assert response.status_code == 303
    assert cart.get_cart(customer.id).item_count == 2
