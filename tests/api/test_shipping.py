"""/api/shipping-methods, and choosing one in checkout."""

from __future__ import annotations

import pytest

from storefront.services import cart
from tests.api.conftest import assert_problem, error_fields

URL = "/api/shipping-methods"
ADDRESS = {
    "full_name": "Nadia Rahman",
    "phone": "+880 1712-345678",
    "line1": "House 7",
    "city": "Dhaka",
    "country": "BD",
}


def test_admins_manage_methods_and_anyone_lists_them_by_country(client, as_admin):
    created = client.post(
        URL,
        json={"name": "Standard", "fee": "60", "free_over": "2000.00", "countries": ["bd"]},
        headers=as_admin,
    )
    assert created.status_code == 201
    standard = created.get_json()
    assert {k: standard[k] for k in ("name", "fee", "free_over", "countries", "is_active")} == {
        "name": "Standard", "fee": "60.00", "free_over": "2000.00", "countries": ["BD"],
        "is_active": True,
    }  # fmt: skip
    courier = client.post(URL, json={"name": "Courier", "fee": 150}, headers=as_admin).get_json()
    assert courier["free_over"] is None and courier["countries"] == []

    assert [m["name"] for m in client.get(f"{URL}?country=BD").get_json()] == [
        "Standard", "Courier"
    ]  # fmt: skip
    assert [m["name"] for m in client.get(f"{URL}?country=GB").get_json()] == ["Courier"]

    changed = client.put(f"{URL}/{standard['id']}", json={"is_active": False}, headers=as_admin)
    assert changed.get_json()["is_active"] is False
    assert [m["name"] for m in client.get(URL).get_json()] == ["Courier"]
    assert client.delete(f"{URL}/{courier['id']}", headers=as_admin).status_code == 204
    assert_problem(client.get(f"{URL}/{courier['id']}"), 404)


def test_customers_and_guests_cannot_manage_methods(client, as_customer):
    body = {"name": "Mine", "fee": "0"}
    assert_problem(client.post(URL, json=body, headers=as_customer), 403)
    assert_problem(client.post(URL, json=body), 401)
    assert client.get(URL).get_json() == []


def test_a_bad_method_is_422(client, as_admin):
    response = client.post(
        URL, json={"name": "X", "fee": "-1", "countries": ["ZZ"]}, headers=as_admin
    )
    assert {"fee"} <= error_fields(response)
    response = client.post(
        URL, json={"name": "X", "fee": "1", "countries": ["ZZ"]}, headers=as_admin
    )
    assert error_fields(response) == {"countries"}


@pytest.fixture
def standard(client, as_admin):
    body = {"name": "Standard", "fee": "60.00", "free_over": "100.00"}
    return client.post(URL, json=body, headers=as_admin).get_json()


def test_checkout_charges_the_chosen_method(client, as_customer, customer, make_product, standard):
    cart.add_to_cart(customer.id, make_product(price="33.33").id, 2)
    order = client.post(
        "/api/orders",
        json={"address": ADDRESS, "shipping_method_id": standard["id"], "expected_total": "126.66"},
        headers=as_customer,
    ).get_json()
    assert (order["subtotal"], order["shipping_fee"], order["total_amount"]) == (
        "66.66", "60.00", "126.66"
    )  # fmt: skip
    assert order["shipping_method"] == "Standard"


def test_checkout_without_a_method_is_422_once_methods_exist(
    client, as_customer, customer, make_product, standard
):
    cart.add_to_cart(customer.id, make_product().id, 1)
    response = client.post("/api/orders", json={"address": ADDRESS}, headers=as_customer)
    assert error_fields(response) == {"shipping_method_id"}
