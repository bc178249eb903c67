"""Shipping methods in the back office, and the delivery choice at checkout."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Order, ShippingMethod
from storefront.services import cart, shipping
from tests.conftest import ADMIN_PASSWORD
from tests.web.conftest import ADDRESS_FORM, log_in_with_form


@pytest.fixture
def admin_client(client, admin):
    assert log_in_with_form(client, admin.email, ADMIN_PASSWORD).status_code == 303
    return client


def test_an_admin_adds_edits_and_deletes_a_method(admin_client):
    response = admin_client.post(
        "/admin/shipping/new",
        data={"name": "Standard", "fee": "60", "free_over": "2000", "countries": "bd, in",
              "is_active": "y"},
    )  # fmt: skip
    assert response.status_code == 303
    method = db.session.scalar(select(ShippingMethod))
    assert (method.fee, method.free_over, method.countries) == (
        Decimal("60.00"), Decimal("2000.00"), "BD,IN"
    )  # fmt: skip
    html = admin_client.get("/admin/shipping").get_data(as_text=True)
    assert "Standard" in html and "BD, IN" in html

    edited = admin_client.post(
        f"/admin/shipping/{method.id}/edit",
        data={"name": "Standard", "fee": "70", "free_over": "", "countries": ""},
    )
    assert edited.status_code == 303
    db.session.expire_all()
    method = db.session.get(ShippingMethod, method.id)
    assert (method.fee, method.free_over, method.is_active) == (Decimal("70.00"), None, False)

    assert admin_client.post(f"/admin/shipping/{method.id}/delete").status_code == 303
    assert db.session.scalar(select(ShippingMethod)) is None


def test_a_bad_method_keeps_what_was_typed(admin_client):
    response = admin_client.post(
        "/admin/shipping/new", data={"name": "Express", "fee": "12.345", "countries": "ZZ"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Express"' in html and 'value="12.345"' in html
    assert "Not a country the shop ships to: ZZ." in html
    assert db.session.scalar(select(ShippingMethod)) is None


def test_checkout_offers_the_methods_and_prices_the_chosen_one(
    shopper_client, customer, make_product
):
    cheap = shipping.create_method({"name": "Standard", "fee": "60.00"})
    fast = shipping.create_method({"name": "Express", "fee": "150.00"})
    cart.add_to_cart(customer.id, make_product(price="100.00").id, 1)
    html = shopper_client.get("/checkout").get_data(as_text=True)
    assert "Standard: BDT 60.00" in html and "Express: BDT 150.00" in html
    assert 'data-testid="checkout-total">BDT 160.00' in html

    data = {**ADDRESS_FORM, "shipping_method_id": str(fast.id), "idempotency_key": "k"}
    review = shopper_client.post("/checkout", data={**data, "review": "y"})
    html = review.get_data(as_text=True)
    assert review.status_code == 200 and 'data-testid="checkout-total">BDT 250.00' in html
    assert db.session.scalar(select(Order)) is None

    placed = shopper_client.post("/checkout", data={**data, "expected_total": "250.00"})
    assert placed.status_code == 303
    order = db.session.scalar(select(Order))
    assert (order.shipping_method, order.total_amount) == ("Express", Decimal("250.00"))
    assert cheap.id != fast.id


def test_choosing_another_method_without_updating_asks_to_confirm_the_new_total(
    shopper_client, customer, make_product
):
    shipping.create_method({"name": "Standard", "fee": "60.00"})
    fast = shipping.create_method({"name": "Express", "fee": "150.00"})
    cart.add_to_cart(customer.id, make_product(price="100.00").id, 1)
    response = shopper_client.post(
        "/checkout",
        data={**ADDRESS_FORM, "shipping_method_id": str(fast.id), "expected_total": "160.00",
              "idempotency_key": "k"},
    )  # fmt: skip
    assert response.status_code == 409
    assert "It is now <strong>BDT 250.00</strong>" in response.get_data(as_text=True)
    assert db.session.scalar(select(Order)) is None


def test_an_admin_adds_and_edits_a_discount_code(admin_client):
    from storefront.models import DiscountCode

    response = admin_client.post(
        "/admin/discounts/new",
        data={"code": "eid10", "kind": "percent", "value": "10", "min_subtotal": "500",
              "ends_at": "2030-01-01T00:00", "usage_limit": "100", "is_active": "y"},
    )  # fmt: skip
    assert response.status_code == 303, response.get_data(as_text=True)
    code = db.session.scalar(select(DiscountCode))
    assert (code.code, code.value, code.usage_limit) == ("EID10", Decimal("10.00"), 100)
    assert code.ends_at.year in (2029, 2030)  # midnight in the shop's zone, kept in UTC
    html = admin_client.get("/admin/discounts").get_data(as_text=True)
    assert "EID10" in html and "10% off" in html

    bad = admin_client.post(
        f"/admin/discounts/{code.id}/edit",
        data={"code": "EID10", "kind": "percent", "value": "150"},
    )
    assert bad.status_code == 422 and "A percentage is at most 100." in bad.get_data(as_text=True)
    assert admin_client.post(f"/admin/discounts/{code.id}/delete").status_code == 303
    assert db.session.scalar(select(DiscountCode)) is None
