"""Money input is ASCII digits with at most two decimals, as the OpenAPI pattern says."""

import pytest

from storefront.services.errors import ValidationError
from storefront.services.money import parse_money
from tests.api.conftest import assert_problem

NOT_ASCII_DIGITS = ["１２.５０", "١٢", "१२", "12.５", "𝟏𝟐"]


@pytest.mark.parametrize("text", NOT_ASCII_DIGITS)
def test_digits_of_other_scripts_are_refused(text):
    with pytest.raises(ValidationError):
        parse_money(text)


@pytest.mark.parametrize("text", NOT_ASCII_DIGITS)
def test_the_api_refuses_them_in_bodies_and_filters(client, as_admin, text):
    body = {"name": "Mug", "price": text, "stock_quantity": 1}
    response = client.post("/api/products", json=body, headers=as_admin)
    assert {e["field"] for e in assert_problem(response, 422)["errors"]} == {"price"}
    response = client.get("/api/products", query_string={"min_price": text})
    assert_problem(response, 422, "validation_failed")


@pytest.mark.parametrize("text", ["12", "12.5", "12.50", " 12.50 ", "0"])
def test_plain_amounts_still_read(text):
    assert parse_money(text) == parse_money(text.strip())


# A JSON number is read from the text it was sent as, under the grammar a string meets.
NUMBERS_REFUSED = ["0.1e1", "1e-400", "12.50000000000000000001", "1E2", "12.5e0", "-0.0", "1.0e1"]


@pytest.mark.parametrize("number", NUMBERS_REFUSED)
def test_a_money_number_with_an_exponent_or_a_third_decimal_is_422(client, as_admin, number):
    body = f'{{"name": "Mug", "price": {number}, "stock_quantity": 1}}'
    response = client.post(
        "/api/products", data=body, content_type="application/json", headers=as_admin
    )
    assert {e["field"] for e in assert_problem(response, 422)["errors"]} == {"price"}
    assert client.get("/api/products").get_json()["total"] == 0


@pytest.mark.parametrize(
    ("number", "price"), [("12.5", "12.50"), ("12", "12.00"), ("0.07", "0.07")]
)
def test_a_plain_money_number_is_read_exactly(client, as_admin, make_product, number, price):
    body = f'{{"name": "Mug", "price": {number}, "stock_quantity": 1}}'
    response = client.post(
        "/api/products", data=body, content_type="application/json", headers=as_admin
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["price"] == price
    product = make_product(price="1.00")
    response = client.put(
        f"/api/products/{product.id}",
        data=f'{{"price": {number}}}',
        content_type="application/json",
        headers=as_admin,
    )
    assert response.get_json()["price"] == price
    response = client.put(
        f"/api/products/{product.id}",
        data='{"price": 0.1e1}',
        content_type="application/json",
        headers=as_admin,
    )
    assert {e["field"] for e in assert_problem(response, 422)["errors"]} == {"price"}
