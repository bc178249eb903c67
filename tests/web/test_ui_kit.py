"""One UI kit for both faces: the back office's forms speak like the shop's
(a linked summary, the same messages), take amounts as the shop shows them,
page through lists with the shop's pagination, and confirm on the one page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import DiscountCode, ShippingMethod
from storefront.services import orders
from tests.conftest import ADMIN_PASSWORD
from tests.web.conftest import log_in_with_form

WTFORMS_DEFAULTS = (
    "This field is required.",
    "Not a valid",
    "Field cannot be longer",
    "Number must",
)


@pytest.fixture
def staff(client, admin):
    assert log_in_with_form(client, admin.email, ADMIN_PASSWORD).status_code == 303
    return client


def test_a_shipping_fee_and_threshold_may_be_typed_as_the_shop_shows_them(staff):
    data = {"name": "Courier", "fee": "1,250.50", "free_over": "12,000", "is_active": "y"}
    assert staff.post("/admin/shipping/new", data=data).status_code == 303
    method = db.session.scalar(select(ShippingMethod))
    assert (method.fee, method.free_over) == (Decimal("1250.50"), Decimal("12000.00"))


def test_a_discount_amount_may_be_typed_with_grouping_commas(staff):
    data = {"code": "BIG", "kind": "fixed", "value": "1,000", "min_subtotal": "5,000.00",
            "is_active": "y"}  # fmt: skip
    assert staff.post("/admin/discounts/new", data=data).status_code == 303
    code = db.session.scalar(select(DiscountCode))
    assert (code.value, code.min_subtotal) == (Decimal("1000.00"), Decimal("5000.00"))


@pytest.mark.parametrize("typed", ["1,2,3", "1,,0", "1,250,50", ",", "12,50"])
def test_commas_out_of_place_are_refused_and_the_typing_kept(staff, typed):
    """Grouping commas are taken only in groups of three before the point."""
    forms = [
        ("/admin/shipping/new", {"name": "Courier", "fee": typed, "is_active": "y"}, "fee"),
        ("/admin/discounts/new", {"code": "BIG", "kind": "fixed", "value": typed}, "value"),
    ]
    for path, data, field in forms:
        response = staff.post(path, data=data)
        assert response.status_code == 422, (path, typed)
        html = response.get_data(as_text=True)
        assert f'href="#{field}"' in html, (path, typed)
        assert f'value="{typed}"' in html, (path, typed)
    assert db.session.scalar(select(ShippingMethod)) is None
    assert db.session.scalar(select(DiscountCode)) is None
    catalog = staff.get("/products", query_string={"min_price": typed})
    assert catalog.status_code == 422, typed


@pytest.mark.parametrize(
    ("path", "data", "expected"),
    [
        ("/admin/shipping/new", {"name": "", "fee": ""},
         ['href="#name">Name: Enter the method', 'href="#fee">Fee: Enter a fee such as 60.00.']),
        ("/admin/discounts/new", {"code": "", "value": "", "usage_limit": "two"},
         ['href="#code">Code: Enter the code customers type.',
          'href="#usage_limit">Uses in all (optional): Enter a whole number, such as 2.']),
        ("/admin/users/new", {"email": "nobody", "password": "short", "confirm": "other"},
         ["Enter an email address such as name@example.com.", "Use at least 8 characters.",
          "The two passwords differ."]),
    ],
)  # fmt: skip
def test_an_admin_form_lists_friendly_errors_in_a_linked_summary(staff, path, data, expected):
    response = staff.post(path, data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert 'class="error-summary"' in html
    for text in expected:
        assert text in html
    for default in WTFORMS_DEFAULTS:
        assert default not in html


def test_a_service_refusal_in_an_admin_form_is_in_the_summary_not_a_flash(staff):
    data = {"name": "Courier", "fee": "-5"}
    html = staff.post("/admin/shipping/new", data=data).get_data(as_text=True)
    assert 'class="error-summary"' in html and 'href="#fee"' in html
    assert "flash-error" not in html


def test_the_back_office_pages_with_the_shops_pagination(staff, make_product):
    for n in range(21):
        make_product(name=f"Paged lamp {n:02}")
    html = staff.get("/admin/products?q=lamp").get_data(as_text=True)
    assert 'class="pagination" aria-label="Product pages"' in html
    assert 'rel="next" href="/admin/products?q=lamp&amp;page=2"' in html
    assert "21 in all." in html


def test_a_usage_limit_past_the_largest_is_refused_in_the_services_words(staff):
    response = staff.post(
        "/admin/discounts/new",
        data={"code": "BIG", "kind": "percent", "value": "10", "usage_limit": "2000000000"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Enter a whole number from 1 to 1,000,000,000, or nothing for no limit." in html
    assert 'value="2000000000"' in html


def test_the_back_office_pages_keep_only_the_querys_own_arguments(staff, make_product):
    """A query argument named as url_for's own (endpoint, _external, _anchor) or as a
    part of the path does not break the page or bend its links."""
    for n in range(21):
        make_product(name=f"Lamp {n}")
    response = staff.get("/admin/products?q=lamp&endpoint=x&_external=1&_anchor=zz&page=1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'rel="next" href="/admin/products?q=lamp&amp;page=2"' in html
    lamp = make_product(name="Desk lamp")
    ledger = staff.get(f"/admin/products/{lamp.id}/stock?product_id=9&sort=price_asc")
    assert ledger.status_code == 200


def test_the_confirmation_page_wears_the_back_offices_layout(staff, customer, make_product):
    from storefront.services import cart

    product = make_product(stock=5)
    cart.add_to_cart(customer.id, product.id, 1)
    order = orders.place_order(customer.id, "1 Road").order
    admin_page = staff.get(f"/admin/orders/{order.id}/cancel").get_data(as_text=True)
    assert 'class="admin-header"' in admin_page
    assert "? · Back office · Storefront</title>" in admin_page
    assert f"Cancel order #{order.id} and put 1 item back in stock?" in admin_page
    assert "admin.css" not in admin_page and "css/store.css" in admin_page


def test_deleting_a_discount_code_or_a_shipping_method_asks_first(staff):
    from storefront.services import discounts, shipping

    code = discounts.create_code({"code": "EID10", "kind": "percent", "value": "10"})
    method = shipping.create_method({"name": "Express <b>", "fee": "120.00"})
    edit = staff.get(f"/admin/discounts/{code.id}/edit").get_data(as_text=True)
    assert f'action="/admin/discounts/{code.id}/delete" data-confirm=' in edit
    page = staff.get(f"/admin/discounts/{code.id}/delete")
    assert page.status_code == 200 and "Delete the discount code EID10?" in page.get_data(
        as_text=True
    )
    listing = staff.get("/admin/shipping").get_data(as_text=True)
    assert f'action="/admin/shipping/{method.id}/delete" data-confirm=' in listing
    assert 'Delete<span class="visually-hidden"> Express &lt;b&gt;</span></button>' in listing
    page = staff.get(f"/admin/shipping/{method.id}/delete").get_data(as_text=True)
    assert "Delete the shipping method Express &lt;b&gt;?" in page
    assert staff.get("/admin/shipping/999999/delete").status_code == 404
    assert db.session.get(ShippingMethod, method.id) is not None  # a GET changes nothing


def test_deleting_an_address_asks_first(shopper_client, customer, make_user):
    from storefront.models import Address
    from storefront.services import addresses

    mine = addresses.add_address(
        customer.id,
        {"full_name": "Sumi", "phone": "+880 1712-345678", "line1": "House 4", "city": "Dhaka"},
    )
    theirs = addresses.add_address(
        make_user().id,
        {"full_name": "Other", "phone": "+880 1712-345678", "line1": "Flat 9", "city": "Dhaka"},
    )
    book = shopper_client.get("/account/addresses").get_data(as_text=True)
    assert f'action="/account/addresses/{mine.id}/delete" data-confirm=' in book
    page = shopper_client.get(f"/account/addresses/{mine.id}/delete").get_data(as_text=True)
    assert "Delete the address House 4, Dhaka?" in page
    assert shopper_client.get(f"/account/addresses/{theirs.id}/delete").status_code == 404
    assert db.session.get(Address, mine.id) is not None
