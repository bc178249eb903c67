"""/api/users/me/addresses and checkout with a structured address."""

from __future__ import annotations

import pytest

from storefront.services import cart
from tests.api.conftest import assert_problem, error_fields

ADDRESS = {
    "full_name": "Nadia Rahman",
    "phone": "+880 1712-345678",
    "line1": "House 7, Road 3",
    "line2": "Dhanmondi",
    "city": "Dhaka",
    "region": "",
    "postal_code": "1205",
    "country": "BD",
}
ADDRESS_KEYS = {*ADDRESS, "id", "is_default"}
URL = "/api/users/me/addresses"


def test_the_address_book_round_trip(client, as_customer):
    created = client.post(URL, json=ADDRESS, headers=as_customer)
    assert created.status_code == 201
    first = created.get_json()
    assert set(first) == ADDRESS_KEYS and first["is_default"] is True
    assert created.headers["Location"] == f"{URL}/{first['id']}"
    second = client.post(
        URL, json={**ADDRESS, "line1": "Flat 2", "is_default": True}, headers=as_customer
    ).get_json()
    listed = client.get(URL, headers=as_customer).get_json()
    assert [(a["id"], a["is_default"]) for a in listed] == [
        (second["id"], True),
        (first["id"], False),
    ]

    changed = client.put(
        f"{URL}/{first['id']}", json={**ADDRESS, "city": "Chattogram"}, headers=as_customer
    )
    assert changed.status_code == 200 and changed.get_json()["city"] == "Chattogram"
    assert (
        client.get(f"{URL}/{first['id']}", headers=as_customer).get_json()["city"] == "Chattogram"
    )
    assert client.delete(f"{URL}/{second['id']}", headers=as_customer).status_code == 204
    assert client.get(URL, headers=as_customer).get_json()[0]["is_default"] is True


def test_a_bad_address_is_422_on_each_field(client, as_customer):
    response = client.post(
        URL,
        json={**ADDRESS, "phone": "no phone", "city": " ", "country": "ZZ"},
        headers=as_customer,
    )
    assert {"phone", "city", "country"} <= error_fields(response)
    assert client.get(URL, headers=as_customer).get_json() == []


def test_someone_elses_address_is_404(client, as_customer, other_customer_headers):
    theirs = client.post(URL, json=ADDRESS, headers=other_customer_headers).get_json()
    for method in ("get", "put", "delete"):
        kwargs = {"json": ADDRESS} if method == "put" else {}
        response = getattr(client, method)(f"{URL}/{theirs['id']}", headers=as_customer, **kwargs)
        assert_problem(response, 404)


def test_the_address_book_needs_a_token(client):
    assert_problem(client.get(URL), 401)
    assert_problem(client.post(URL, json=ADDRESS), 401)


@pytest.fixture
def one_in_cart(customer, make_product):
    cart.add_to_cart(customer.id, make_product(price="10.00").id, 1)


def test_checkout_with_an_address_keeps_a_copy(client, as_customer, one_in_cart):
    response = client.post("/api/orders", json={"address": ADDRESS}, headers=as_customer)
    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    assert order["address"] == ADDRESS
    assert order["shipping_address"].startswith("Nadia Rahman\nHouse 7, Road 3\n")


def test_checkout_with_a_saved_address(client, as_customer, one_in_cart):
    saved = client.post(URL, json=ADDRESS, headers=as_customer).get_json()
    order = client.post(
        "/api/orders", json={"address_id": saved["id"]}, headers=as_customer
    ).get_json()
    assert order["address"] == ADDRESS
    client.put(f"{URL}/{saved['id']}", json={**ADDRESS, "city": "Sylhet"}, headers=as_customer)
    again = client.get(f"/api/orders/{order['id']}", headers=as_customer).get_json()
    assert again["address"]["city"] == "Dhaka"


def test_checkout_with_free_text_still_works_and_has_no_structured_copy(
    client, as_customer, one_in_cart
):
    order = client.post(
        "/api/orders", json={"shipping_address": "12 Lake Road"}, headers=as_customer
    ).get_json()
    assert (order["shipping_address"], order["address"]) == ("12 Lake Road", None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "shipping_address"),
        ({"address": {**ADDRESS, "city": ""}}, "address.city"),
        ({"address": ADDRESS, "shipping_address": "12 Lake Road"}, "shipping_address"),
        ({"address_id": 999}, "address_id"),
    ],
)
def test_checkout_refuses_a_missing_or_ambiguous_address(
    client, as_customer, one_in_cart, body, field
):
    response = client.post("/api/orders", json=body, headers=as_customer)
    assert field in error_fields(response)
    assert client.get("/api/orders/my-orders", headers=as_customer).get_json()["total"] == 0
