"""Checkout, the order pages and cancelling."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Order
from storefront.services import cart, catalog, orders
from tests.web.conftest import ADDRESS_FORM, count_queries


def order_count() -> int:
    return db.session.scalar(select(func.count(Order.id)))


def checkout_key(client) -> str:
    html = client.get("/checkout").get_data(as_text=True)
    return re.search(r'name="idempotency_key" type="hidden" value="([^"]+)"', html).group(1)


def test_checkout_shows_the_summary_and_a_fresh_idempotency_key(
    shopper_client, customer, make_product
):
    cart.add_to_cart(customer.id, make_product(name="Lamp", price="1250.00").id, 2)
    html = shopper_client.get("/checkout").get_data(as_text=True)
    assert "2 × Lamp" in html and "BDT 2,500.00" in html
    assert checkout_key(shopper_client) != checkout_key(shopper_client)


def test_an_empty_cart_is_sent_back_to_the_cart_page(shopper_client):
    response = shopper_client.get("/checkout")
    assert response.status_code == 302 and response.headers["Location"] == "/cart"


def test_placing_an_order_shows_it_and_empties_the_cart(shopper_client, customer, make_product):
    lamp = make_product(name="Lamp", price="10.00", stock=5)
    cart.add_to_cart(customer.id, lamp.id, 2)
    response = shopper_client.post(
        "/checkout",
        data={**ADDRESS_FORM, "note": "Ring twice", "idempotency_key": "k-1"},
    )
    assert response.status_code == 303
    html = shopper_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you! Your order" in html
    assert "Lamp" in html and "BDT 20.00" in html and "Ring twice" in html
    assert "Pending" in html and "Cancel order" in html
    assert cart.get_cart(customer.id).is_empty
    assert catalog.get_product(lamp.id).stock_quantity == 3


def test_the_same_form_submitted_twice_places_one_order(shopper_client, customer, make_product):
    cart.add_to_cart(customer.id, make_product().id, 1)
    data = {**ADDRESS_FORM, "idempotency_key": checkout_key(shopper_client)}
    first = shopper_client.post("/checkout", data=data)
    second = shopper_client.post("/checkout", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    assert order_count() == 1
    assert "was already placed" in shopper_client.get(second.headers["Location"]).get_data(
        as_text=True
    )


def test_a_missing_address_is_shown_next_to_the_field_keeping_the_note(
    shopper_client, customer, make_product
):
    cart.add_to_cart(customer.id, make_product().id, 1)
    response = shopper_client.post(
        "/checkout",
        data={**ADDRESS_FORM, "line1": "  ", "note": "Leave at door", "idempotency_key": "k"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-describedby="line1-hint line1-error"' in html
    assert "Enter the street and house number." in html
    assert 'value="Nadia Rahman"' in html and 'value="+880 1712-345678"' in html
    assert "Leave at door" in html
    assert order_count() == 0


def test_a_shortage_is_shown_per_product_and_the_cart_is_kept(
    shopper_client, customer, make_product
):
    lamp = make_product(name="Lamp", stock=5)
    mug = make_product(name="Mug", stock=5)
    cart.add_to_cart(customer.id, lamp.id, 4)
    cart.add_to_cart(customer.id, mug.id, 3)
    catalog.update_product(lamp.id, stock_quantity=1)
    catalog.update_product(mug.id, stock_quantity=0)
    response = shopper_client.post("/checkout", data={**ADDRESS_FORM, "idempotency_key": "k-short"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "<strong>Lamp</strong>:" in html and "only 1 left" in html
    assert "<strong>Mug</strong>:" in html and "none left (sold out)" in html
    assert 'value="House 7, Road 3"' in html
    assert {line.product.name: line.quantity for line in cart.get_cart(customer.id).lines} == {
        "Lamp": 4,
        "Mug": 3,
    }
    assert order_count() == 0


def test_cancelling_an_order_restores_the_stock(shopper_client, customer, make_product):
    lamp = make_product(name="Lamp", stock=4)
    cart.add_to_cart(customer.id, lamp.id, 3)
    order = orders.place_order(customer.id, "1 Road").order
    response = shopper_client.post(f"/orders/{order.id}/cancel")
    assert response.status_code == 303
    html = shopper_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is cancelled" in html and "Cancel order" not in html
    assert catalog.get_product(lamp.id).stock_quantity == 4
    again = shopper_client.post(f"/orders/{order.id}/cancel", follow_redirects=True)
    assert "can no longer be cancelled" in again.get_data(as_text=True)


def test_my_orders_lists_newest_first_and_paginates(shopper_client, customer, make_product):
    product = make_product(stock=100)
    placed = []
    for _ in range(12):
        cart.add_to_cart(customer.id, product.id, 1)
        placed.append(orders.place_order(customer.id, "1 Road").order.id)
    html = shopper_client.get("/orders").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r">Order #(\d+)</a>", html)]
    assert shown == sorted(placed, reverse=True)[:10]
    page2 = shopper_client.get("/orders?page=2").get_data(as_text=True)
    assert [int(n) for n in re.findall(r">Order #(\d+)</a>", page2)] == sorted(placed)[:2][::-1]


def test_another_customers_order_is_not_found(shopper_client, make_user, make_product):
    other = make_user()
    cart.add_to_cart(other.id, make_product(stock=3).id, 1)
    order = orders.place_order(other.id, "2 Road").order
    assert shopper_client.get(f"/orders/{order.id}").status_code == 404
    assert shopper_client.post(f"/orders/{order.id}/cancel").status_code == 404
    assert shopper_client.get(f"/orders/{order.id}/cancel").status_code == 404
    assert orders.get_order(order.id).status == "pending"


def test_the_order_list_answers_in_the_same_number_of_queries_for_more_orders(
    shopper_client, customer, make_product
):
    user_id, product_id = customer.id, make_product(stock=100).id

    def place(n):
        for _ in range(n):
            cart.add_to_cart(user_id, product_id, 2)
            orders.place_order(user_id, "1 Road")

    place(2)
    with count_queries() as few:
        shopper_client.get("/orders")
    place(6)
    with count_queries() as many:
        shopper_client.get("/orders")
    assert len(many) == len(few)


def test_an_archived_product_in_the_cart_stops_checkout_and_keeps_the_cart(
    shopper_client, customer, make_product
):
    rug, lamp = make_product(name="Old Rug", stock=3), make_product(name="Lamp", stock=3)
    cart.add_to_cart(customer.id, rug.id, 1)
    cart.add_to_cart(customer.id, lamp.id, 1)
    key = checkout_key(shopper_client)
    catalog.archive_product(rug.id)

    response = shopper_client.post("/checkout", data={**ADDRESS_FORM, "idempotency_key": key})

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Some items are no longer sold" in html and "Old Rug" in html
    assert order_count() == 0
    assert cart.get_cart(customer.id).item_count == 2


def test_a_shipped_order_cannot_be_cancelled_from_its_page(shopper_client, customer, make_product):
    lamp = make_product(stock=3)
    cart.add_to_cart(customer.id, lamp.id, 2)
    order = orders.place_order(customer.id, "1 Road").order
    cancel_form = f'action="/orders/{order.id}/cancel"'
    assert cancel_form in shopper_client.get(f"/orders/{order.id}").get_data(as_text=True)
    orders.change_order_status(order.id, "processing")
    orders.change_order_status(order.id, "shipped")

    page = shopper_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert cancel_form not in page
    response = shopper_client.post(f"/orders/{order.id}/cancel", follow_redirects=True)

    assert "can no longer be cancelled" in response.get_data(as_text=True)
    assert orders.get_order(order.id).status == "shipped"
    assert db.session.get(type(lamp), lamp.id).stock_quantity == 1


def hidden_value(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def test_a_price_change_after_the_page_was_shown_is_confirmed_before_ordering(
    shopper_client, customer, make_product
):
    lamp = make_product(name="Lamp", price="10.00", stock=5)
    cart.add_to_cart(customer.id, lamp.id, 2)
    page = shopper_client.get("/checkout").get_data(as_text=True)
    assert hidden_value(page, "expected_total") == "20.00"
    catalog.update_product(lamp.id, price=Decimal("12.50"))
    data = {
        **ADDRESS_FORM,
        "note": "Ring twice",
        "idempotency_key": hidden_value(page, "idempotency_key"),
        "expected_total": hidden_value(page, "expected_total"),
    }

    refused = shopper_client.post("/checkout", data=data)

    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "The total changed since you opened this page" in html
    assert "It is now <strong>BDT 25.00</strong>, not BDT 20.00" in html
    assert 'data-testid="price-was"' in html  # the line shows its old price struck out
    assert "Ring twice" in html and 'value="House 7, Road 3"' in html  # what was typed is kept
    assert order_count() == 0 and not cart.get_cart(customer.id).is_empty

    confirmed = shopper_client.post(
        "/checkout", data={**data, "expected_total": hidden_value(html, "expected_total")}
    )
    assert confirmed.status_code == 303
    assert db.session.scalar(select(Order.total_amount)) == Decimal("25.00")


def test_the_checkout_page_shows_prices_changed_since_they_went_into_the_cart(
    shopper_client, customer, make_product
):
    lamp = make_product(name="Lamp", price="10.00", stock=5)
    cart.add_to_cart(customer.id, lamp.id, 1)
    catalog.update_product(lamp.id, price=Decimal("9.00"))
    html = shopper_client.get("/checkout").get_data(as_text=True)
    assert "Some prices changed since you added them to your cart" in html
    assert 'data-testid="price-was"><span class="visually-hidden">was </span>BDT 10.00' in html
    assert 'data-testid="checkout-total">BDT 9.00' in html
