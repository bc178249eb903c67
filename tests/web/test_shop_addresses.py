"""The address book pages, and choosing a saved address at checkout."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Address, Order
from storefront.services import addresses, cart
from tests.web.conftest import ADDRESS_FORM

BOOK_ADDRESS = {k: v for k, v in ADDRESS_FORM.items() if k != "address_id"}


def test_adding_an_address_shows_it_in_the_book_as_the_default(shopper_client):
    response = shopper_client.post("/account/addresses/new", data=BOOK_ADDRESS)
    assert response.status_code == 303
    html = shopper_client.get("/account/addresses").get_data(as_text=True)
    assert "House 7, Road 3" in html and "Bangladesh" in html
    assert 'data-testid="default-address"' in html


def test_a_bad_address_keeps_what_was_typed_and_names_each_field(shopper_client):
    response = shopper_client.post(
        "/account/addresses/new", data={**BOOK_ADDRESS, "phone": "call me", "city": ""}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a phone number such as +880 1712-345678." in html
    assert "Enter the city or town." in html
    assert 'value="call me"' in html and 'value="House 7, Road 3"' in html
    assert db.session.scalar(select(func.count(Address.id))) == 0


def test_editing_making_default_and_deleting(shopper_client, customer):
    first = addresses.add_address(customer.id, BOOK_ADDRESS)
    second = addresses.add_address(customer.id, {**BOOK_ADDRESS, "line1": "Flat 9"})
    edited = shopper_client.post(
        f"/account/addresses/{first.id}/edit", data={**BOOK_ADDRESS, "city": "Khulna"}
    )
    assert edited.status_code == 303
    assert shopper_client.post(f"/account/addresses/{second.id}/default").status_code == 303
    assert shopper_client.post(f"/account/addresses/{first.id}/delete").status_code == 303
    book = addresses.list_addresses(customer.id)
    assert [(a.line1, a.is_default) for a in book] == [("Flat 9", True)]


def test_someone_elses_address_pages_are_not_found(shopper_client, make_user):
    theirs = addresses.add_address(make_user().id, BOOK_ADDRESS)
    assert shopper_client.get(f"/account/addresses/{theirs.id}/edit").status_code == 404
    for action in ("default", "delete"):
        assert shopper_client.post(f"/account/addresses/{theirs.id}/{action}").status_code == 404
    assert db.session.get(Address, theirs.id) is not None


def test_checkout_offers_the_saved_addresses_default_first(shopper_client, customer, make_product):
    addresses.add_address(customer.id, BOOK_ADDRESS)
    second = addresses.add_address(customer.id, {**BOOK_ADDRESS, "line1": "Flat 9"})
    addresses.set_default_address(customer.id, second.id)
    cart.add_to_cart(customer.id, make_product().id, 1)
    html = shopper_client.get("/checkout").get_data(as_text=True)
    checked = re.search(r'<input checked[^>]*name="address_id"[^>]*value="(\d+)"', html)
    assert checked and checked.group(1) == str(second.id)


def test_checkout_with_a_saved_address_copies_it(shopper_client, customer, make_product):
    saved = addresses.add_address(customer.id, {**BOOK_ADDRESS, "line1": "Flat 9"})
    cart.add_to_cart(customer.id, make_product().id, 1)
    # The new-address fields are left empty: the saved address is the one chosen.
    response = shopper_client.post(
        "/checkout", data={"address_id": str(saved.id), "idempotency_key": "k"}
    )
    assert response.status_code == 303
    order = db.session.scalar(select(Order))
    assert order.address_line1 == "Flat 9"
    assert db.session.scalar(select(func.count(Address.id))) == 1


def test_checkout_with_a_new_address_saves_it_to_the_book(shopper_client, customer, make_product):
    cart.add_to_cart(customer.id, make_product().id, 1)
    response = shopper_client.post(
        "/checkout", data={**ADDRESS_FORM, "save_address": "y", "idempotency_key": "k"}
    )
    assert response.status_code == 303
    assert [a.line1 for a in addresses.list_addresses(customer.id)] == ["House 7, Road 3"]
