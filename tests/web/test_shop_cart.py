"""The cart page for guests and customers, and the guest cart's merge at login."""

from __future__ import annotations

from storefront.services import cart
from tests.web.conftest import count_queries, log_in_with_form


def add(client, product, quantity=1, **extra):
    return client.post("/cart/add", data={"product_id": product.id, "quantity": quantity, **extra})


def test_a_guest_adds_to_the_cart_and_sees_lines_and_total(client, make_product):
    lamp = make_product(name="Lamp", price="1250.00", stock=5)
    response = add(client, lamp, 2, next=f"/products/{lamp.id}-lamp")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/products/{lamp.id}-lamp"
    html = client.get("/cart").get_data(as_text=True)
    assert "Lamp" in html and "BDT 2,500.00" in html
    assert 'data-testid="cart-count">2<' in html


def test_adding_more_than_the_stock_is_refused_next_to_the_quantity(client, make_product):
    lamp = make_product(name="Lamp", stock=3)
    add(client, lamp, 2)
    response = add(client, lamp, 2)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Only 3 left, and you already have 2 in your cart." in html
    assert 'aria-describedby="quantity-error"' in html
    assert 'value="2"' in html


def test_a_guest_changes_a_quantity_removes_a_line_and_clears_the_cart(client, make_product):
    lamp, mug = make_product(name="Lamp", stock=9), make_product(name="Mug", stock=9)
    add(client, lamp)
    add(client, mug)
    assert client.post(f"/cart/lines/{lamp.id}/quantity", data={"quantity": 4}).status_code == 303
    assert 'data-testid="cart-count">5<' in client.get("/cart").get_data(as_text=True)
    client.post(f"/cart/lines/{mug.id}/remove")
    html = client.get("/cart").get_data(as_text=True)
    assert "Mug" not in html and "Lamp" in html
    client.post("/cart/clear")
    assert "Your cart is empty." in client.get("/cart").get_data(as_text=True)


def test_a_quantity_above_the_stock_is_refused_on_its_line_keeping_what_was_typed(
    shopper_client, customer, make_product
):
    lamp = make_product(name="Lamp", stock=3)
    line = cart.add_to_cart(customer.id, lamp.id, 1).lines[0]
    response = shopper_client.post(f"/cart/lines/{line.item_id}/quantity", data={"quantity": 7})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Only 3 left." in html and 'value="7"' in html
    assert f'aria-describedby="quantity-{line.item_id}-error"' in html
    assert cart.get_cart(customer.id).lines[0].quantity == 1


def test_a_quantity_of_zero_removes_the_line(shopper_client, customer, make_product):
    line = cart.add_to_cart(customer.id, make_product().id, 2).lines[0]
    shopper_client.post(f"/cart/lines/{line.item_id}/quantity", data={"quantity": 0})
    assert cart.get_cart(customer.id).is_empty


def test_a_customer_cannot_touch_another_customers_cart_line(
    shopper_client, make_user, make_product
):
    other = make_user()
    line = cart.add_to_cart(other.id, make_product().id, 1).lines[0]
    assert shopper_client.post(f"/cart/lines/{line.item_id}/remove").status_code == 404
    for quantity in (2, 0):  # a change, and a change that would remove it
        response = shopper_client.post(
            f"/cart/lines/{line.item_id}/quantity", data={"quantity": quantity}
        )
        assert response.status_code == 404
    assert [entry.quantity for entry in cart.get_cart(other.id).lines] == [1]


def test_a_guest_changing_a_line_not_in_the_cart_gets_the_404_page(client, make_product):
    mug = make_product(name="Mug")
    client.post("/cart/add", data={"product_id": mug.id, "quantity": 1})
    response = client.post("/cart/lines/999999/quantity", data={"quantity": 2})
    assert response.status_code == 404
    assert "couldn’t find that page" in response.get_data(as_text=True)


def test_the_guest_cart_is_merged_at_login_with_a_message_for_capped_lines(
    client, customer, make_product
):
    lamp = make_product(name="Lamp", stock=4)
    mug = make_product(name="Mug", stock=10)
    cart.add_to_cart(customer.id, lamp.id, 3)
    add(client, lamp, 3)
    add(client, mug, 2)
    response = log_in_with_form(client, customer.email)
    assert response.status_code == 303
    html = client.get("/cart").get_data(as_text=True)
    assert "We could keep only 4 of the 6 “Lamp”" in html
    quantities = {line.product.name: line.quantity for line in cart.get_cart(customer.id).lines}
    assert quantities == {"Lamp": 4, "Mug": 2}
    with client.session_transaction() as session:
        assert "guest_cart" not in session


def test_the_guest_cart_is_merged_at_registration(client, make_product):
    lamp = make_product(name="Lamp", stock=4)
    add(client, lamp, 2)
    client.post(
        "/register",
        data={
            "email": "new@example.com",
            "password": "long-enough-1",
            "confirm_password": "long-enough-1",
        },
    )
    html = client.get("/cart").get_data(as_text=True)
    assert "Lamp" in html and 'data-testid="cart-count">2<' in html


def _cart_queries(client) -> int:
    with count_queries() as statements:
        response = client.get("/cart")
    assert response.status_code == 200
    return len(statements)


def test_the_cart_page_answers_in_the_same_number_of_queries_for_2_or_10_lines(
    shopper_client, customer, make_product
):
    user_id = customer.id
    product_ids = [make_product(name=f"P{n}", category=f"Cat {n}").id for n in range(10)]
    for product_id in product_ids[:2]:
        cart.add_to_cart(user_id, product_id, 1)
    few = _cart_queries(shopper_client)
    for product_id in product_ids[2:]:
        cart.add_to_cart(user_id, product_id, 1)
    assert len(cart.get_cart(user_id).lines) == 10
    assert _cart_queries(shopper_client) == few


def test_the_guest_cart_page_answers_in_the_same_number_of_queries(client, make_product):
    product_ids = [make_product(name=f"P{n}", category=f"Cat {n}").id for n in range(10)]
    for product_id in product_ids[:2]:
        client.post("/cart/add", data={"product_id": product_id, "quantity": 1})
    few = _cart_queries(client)
    for product_id in product_ids[2:]:
        client.post("/cart/add", data={"product_id": product_id, "quantity": 1})
    assert _cart_queries(client) == few


def test_letters_for_a_quantity_get_one_plain_message(client, make_product):
    lamp = make_product(name="Lamp", stock=9)
    response = add(client, lamp, "abc")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a whole number, such as 2." in html
    assert "Not a valid integer" not in html and "Choose 1 to" not in html
    add(client, lamp, 1)
    response = client.post(f"/cart/lines/{lamp.id}/quantity", data={"quantity": "two"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a whole number, such as 2." in html and "Choose 0 to" not in html
    assert 'data-testid="cart-count">1<' in html


def test_a_negative_quantity_is_refused_on_its_line(client, make_product):
    lamp = make_product(name="Lamp", stock=9)
    add(client, lamp, 2)
    response = client.post(f"/cart/lines/{lamp.id}/quantity", data={"quantity": -1})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="quantity-{lamp.id}-error"' in html and 'value="-1"' in html
    assert 'data-testid="cart-count">2<' in html
