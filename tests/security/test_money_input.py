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
