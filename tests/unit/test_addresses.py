"""Structured addresses: checked field by field, the address book, and the order's copy."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import Address, Order
from storefront.services import addresses, cart, orders
from storefront.services.errors import NotFound, ValidationError

GOOD = {
    "full_name": "Nadia Rahman",
    "phone": "+880 1712-345678",
    "line1": "House 7, Road 3",
    "line2": "Dhanmondi",
    "city": "Dhaka",
    "region": "",
    "postal_code": "1205",
    "country": "bd",
}


def test_a_good_address_is_trimmed_and_the_country_upper_cased():
    checked = addresses.check_address({**GOOD, "full_name": "  Nadia   Rahman "})
    assert checked.full_name == "Nadia Rahman" and checked.country == "BD"


def test_the_country_defaults_to_bangladesh():
    assert addresses.check_address({**GOOD, "country": ""}).country == "BD"
    assert next(iter(addresses.COUNTRIES)) == "BD"


def test_every_bad_field_is_reported_at_once():
    with pytest.raises(ValidationError) as refused:
        addresses.check_address(
            {"full_name": "", "phone": "call me", "line1": "", "city": "x" * 101,
             "postal_code": "12<5", "country": "XX"}
        )  # fmt: skip
    assert set(refused.value.errors) == {
        "full_name", "phone", "line1", "city", "postal_code", "country"
    }  # fmt: skip
    assert refused.value.errors["phone"] == "Enter a phone number such as +880 1712-345678."


def test_the_first_address_is_the_default_and_one_default_at_most(app, make_user):
    user = make_user()
    first = addresses.add_address(user.id, GOOD)
    second = addresses.add_address(user.id, {**GOOD, "line1": "Flat 2"})
    assert (first.is_default, second.is_default) == (True, False)
    addresses.set_default_address(user.id, second.id)
    book = addresses.list_addresses(user.id)
    assert [(a.id, a.is_default) for a in book] == [(second.id, True), (first.id, False)]


def test_deleting_the_default_passes_it_to_the_oldest_left(app, make_user):
    user = make_user()
    first = addresses.add_address(user.id, GOOD)
    second = addresses.add_address(user.id, {**GOOD, "line1": "Flat 2"})
    addresses.delete_address(user.id, first.id)
    assert db.session.get(Address, second.id).is_default is True


def test_another_shoppers_address_is_no_such_address(app, make_user):
    owner, other = make_user(), make_user()
    address = addresses.add_address(owner.id, GOOD)
    for attempt in (
        lambda: addresses.get_address(other.id, address.id),
        lambda: addresses.update_address(other.id, address.id, GOOD),
        lambda: addresses.delete_address(other.id, address.id),
        lambda: addresses.set_default_address(other.id, address.id),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert db.session.get(Address, address.id).line1 == "House 7, Road 3"


def test_an_order_keeps_its_copy_when_the_book_changes(app, make_user, make_product):
    user = make_user()
    saved = addresses.add_address(user.id, GOOD)
    cart.add_to_cart(user.id, make_product().id, 1)
    order_id = orders.place_order(user.id, address_id=saved.id).order.id

    addresses.update_address(user.id, saved.id, {**GOOD, "line1": "Somewhere else"})
    addresses.delete_address(user.id, saved.id)

    order = db.session.get(Order, order_id)
    assert order.address == {**GOOD, "country": "BD"}
    assert order.shipping_address == (
        "Nadia Rahman\nHouse 7, Road 3\nDhanmondi\nDhaka 1205\nBangladesh\n+880 1712-345678"
    )


def test_checkout_with_a_new_address_can_save_it_once(app, make_user, make_product):
    user = make_user()
    product = make_product(stock=10)
    for _ in range(2):
        cart.add_to_cart(user.id, product.id, 1)
        orders.place_order(user.id, address=GOOD, save_address=True)
    assert db.session.scalar(select(func.count(Address.id))) == 1


def test_checkout_refuses_a_bad_address_naming_each_field(app, make_user, make_product):
    user = make_user()
    cart.add_to_cart(user.id, make_product().id, 1)
    with pytest.raises(ValidationError) as refused:
        orders.place_order(user.id, address={**GOOD, "city": "", "phone": ""})
    assert set(refused.value.errors) == {"address.city", "address.phone"}
    assert db.session.scalar(select(func.count(Order.id))) == 0


def test_checkout_refuses_someone_elses_saved_address(app, make_user, make_product):
    owner, buyer = make_user(), make_user()
    theirs = addresses.add_address(owner.id, GOOD)
    cart.add_to_cart(buyer.id, make_product().id, 1)
    with pytest.raises(ValidationError) as refused:
        orders.place_order(buyer.id, address_id=theirs.id)
    assert "address_id" in refused.value.errors


def test_checkout_takes_one_address_only(app, make_user, make_product):
    user = make_user()
    cart.add_to_cart(user.id, make_product().id, 1)
    with pytest.raises(ValidationError) as refused:
        orders.place_order(user.id, "1 Road", address=GOOD)
    assert "shipping_address" in refused.value.errors
