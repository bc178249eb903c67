"""Carts: a customer's in the database, a guest's in the session, and merging the two."""

from __future__ import annotations

from decimal import Decimal

import pytest

from storefront.services import cart, catalog
from storefront.services.cart import MAX_LINE_QUANTITY, CappedLine
from storefront.services.errors import NotFound, OutOfStock, Shortage, ValidationError

from .helpers import snapshot_tables


def lines_of(view) -> list[tuple[str, int]]:
    return [(line.product.name, line.quantity) for line in view.lines]


# --- a customer's cart -----------------------------------------------------------------


def test_adding_starts_a_line_and_adding_again_adds_to_it(customer, make_product):
    product = make_product(name="Tea", price="3.25", stock=10)
    cart.add_to_cart(customer.id, product.id, 2)
    view = cart.add_to_cart(customer.id, product.id, 3)
    assert lines_of(view) == [("Tea", 5)]
    assert view.item_count == 5
    assert view.total == Decimal("16.25")
    assert view.lines[0].price_at_time == Decimal("3.25")


def test_adding_more_than_the_stock_is_refused_counting_what_is_already_there(
    customer, make_product
):
    product = make_product(name="Tea", stock=4)
    cart.add_to_cart(customer.id, product.id, 3)
    with pytest.raises(OutOfStock) as info:
        cart.add_to_cart(customer.id, product.id, 2)
    assert info.value.shortages == [Shortage(product.id, "Tea", 5, 4)]
    assert lines_of(cart.get_cart(customer.id)) == [("Tea", 3)]


@pytest.mark.parametrize("quantity", [0, -1, True, 1.5, "2", MAX_LINE_QUANTITY + 1])
def test_a_quantity_must_be_a_whole_number_from_1_to_the_limit(customer, make_product, quantity):
    product = make_product(stock=5000)
    with pytest.raises(ValidationError) as info:
        cart.add_to_cart(customer.id, product.id, quantity)
    assert info.value.field == "quantity"
    assert cart.get_cart(customer.id).is_empty


def test_a_line_never_grows_past_the_limit(customer, make_product):
    product = make_product(stock=5000)
    cart.add_to_cart(customer.id, product.id, MAX_LINE_QUANTITY)
    with pytest.raises(ValidationError):
        cart.add_to_cart(customer.id, product.id, 1)
    assert cart.get_cart(customer.id).item_count == MAX_LINE_QUANTITY


def test_archived_or_unknown_products_cannot_be_added(customer, make_product):
    archived = make_product(active=False)
    with pytest.raises(NotFound):
        cart.add_to_cart(customer.id, archived.id)
    with pytest.raises(NotFound):
        cart.add_to_cart(customer.id, archived.id + 1000)
    assert cart.get_cart(customer.id).is_empty


def test_setting_a_quantity_replaces_it_within_the_stock(customer, make_product):
    product = make_product(name="Tea", stock=6)
    item_id = cart.add_to_cart(customer.id, product.id, 1).lines[0].item_id

    assert lines_of(cart.set_cart_item_quantity(customer.id, item_id, 6)) == [("Tea", 6)]
    with pytest.raises(OutOfStock):
        cart.set_cart_item_quantity(customer.id, item_id, 7)
    with pytest.raises(ValidationError):
        cart.set_cart_item_quantity(customer.id, item_id, 0)
    assert lines_of(cart.get_cart(customer.id)) == [("Tea", 6)]


def test_removing_a_line_and_clearing_the_cart(customer, make_product):
    tea, jam = make_product(name="Tea"), make_product(name="Jam")
    cart.add_to_cart(customer.id, tea.id)
    view = cart.add_to_cart(customer.id, jam.id)
    tea_item = next(line.item_id for line in view.lines if line.product.name == "Tea")

    assert lines_of(cart.remove_cart_item(customer.id, tea_item)) == [("Jam", 1)]
    with pytest.raises(NotFound):
        cart.remove_cart_item(customer.id, tea_item)

    cart.clear_cart(customer.id)
    assert cart.get_cart(customer.id).is_empty
    cart.clear_cart(customer.id)  # clearing an empty cart is fine


def test_another_customers_line_is_unknown(customer, make_user, make_product):
    product = make_product()
    item_id = cart.add_to_cart(customer.id, product.id).lines[0].item_id
    stranger = make_user()
    before = snapshot_tables()
    with pytest.raises(NotFound):
        cart.set_cart_item_quantity(stranger.id, item_id, 2)
    with pytest.raises(NotFound):
        cart.remove_cart_item(stranger.id, item_id)
    assert snapshot_tables() == before


def test_the_cart_shows_the_current_price_and_says_when_it_changed(customer, make_product):
    product = make_product(price="10.00")
    cart.add_to_cart(customer.id, product.id, 2)
    catalog.update_product(product.id, price="12.00")

    (line,) = cart.get_cart(customer.id).lines
    assert (line.unit_price, line.price_at_time, line.price_changed) == (
        Decimal("12.00"),
        Decimal("10.00"),
        True,
    )
    assert cart.get_cart(customer.id).total == Decimal("24.00")


def test_a_line_that_lost_its_stock_or_product_is_marked_unavailable(customer, make_product):
    sold_out, archived, fine = make_product(stock=2), make_product(), make_product()
    for product in (sold_out, archived, fine):
        cart.add_to_cart(customer.id, product.id, 2)
    catalog.update_product(sold_out.id, stock_quantity=1)
    catalog.archive_product(archived.id)
    available = {line.product.id: line.available for line in cart.get_cart(customer.id).lines}
    assert available == {sold_out.id: False, archived.id: False, fine.id: True}


# --- a guest's cart ----------------------------------------------------------------------


def test_a_guest_cart_is_built_with_the_same_refusals(make_product):
    tea = make_product(name="Tea", stock=3)
    lines = cart.add_to_guest_cart({}, tea.id, 2)
    assert lines == {tea.id: 2}
    with pytest.raises(OutOfStock):
        cart.add_to_guest_cart(lines, tea.id, 2)
    with pytest.raises(NotFound):
        cart.add_to_guest_cart(lines, tea.id + 1000)
    assert cart.set_guest_cart_quantity(lines, tea.id, 3) == {tea.id: 3}
    with pytest.raises(NotFound):
        cart.set_guest_cart_quantity(lines, tea.id + 1000, 1)
    assert lines == {tea.id: 2}  # the session's dict is never changed in place


def test_the_guest_view_leaves_out_archived_and_unknown_products(make_product):
    tea = make_product(name="Tea", price="2.00")
    jam = make_product(name="Jam", price="3.50")
    gone = make_product(name="Gone")
    catalog.archive_product(gone.id)

    view = cart.guest_cart_view({str(jam.id): 2, tea.id: 1, gone.id: 1, 99999: 1})

    assert lines_of(view) == [("Tea", 1), ("Jam", 2)]
    assert view.total == Decimal("9.00")
    assert cart.guest_cart_view({}).is_empty


def test_merging_adds_guest_lines_and_caps_each_at_the_stock(customer, make_product):
    tea = make_product(name="Tea", stock=5)
    jam = make_product(name="Jam", stock=10)
    oil = make_product(name="Oil", stock=3)
    gone = make_product(name="Gone", stock=5)
    cart.add_to_cart(customer.id, tea.id, 3)
    cart.add_to_cart(customer.id, gone.id, 1)
    catalog.archive_product(gone.id)

    capped = cart.merge_guest_cart(
        customer.id, {tea.id: 4, jam.id: 2, oil.id: 7, gone.id: 2, 99999: 1}
    )

    assert capped == [CappedLine(tea.id, "Tea", 7, 5), CappedLine(oil.id, "Oil", 7, 3)]
    merged = dict(lines_of(cart.get_cart(customer.id)))
    assert merged == {"Tea": 5, "Jam": 2, "Oil": 3, "Gone": 1}


def test_merging_a_guest_line_for_a_sold_out_product_keeps_nothing_of_it(customer, make_product):
    sold_out = make_product(name="Sold Out", stock=0)
    capped = cart.merge_guest_cart(customer.id, {sold_out.id: 2})
    assert capped == [CappedLine(sold_out.id, "Sold Out", 2, 0)]
    assert cart.get_cart(customer.id).is_empty


def test_merging_an_empty_guest_cart_changes_nothing(customer, make_product):
    cart.add_to_cart(customer.id, make_product(name="Tea").id, 1)
    before = snapshot_tables()
    assert cart.merge_guest_cart(customer.id, {}) == []
    assert snapshot_tables() == before
