"""Stock adjustments stay within what a product may hold: 409 or 422, never a 500.

PostgreSQL's ``integer`` column stops at 2**31 - 1: adjusting past it was a
database error, and SQLite silently stored stock no product may have.
"""

import pytest

from storefront.services import inventory
from storefront.services.errors import Conflict, ValidationError
from storefront.services.inventory import MAX_STOCK
from tests.api.conftest import assert_problem
from tests.conftest import ADMIN_PASSWORD


def test_api_adjustments_cannot_take_stock_past_the_maximum(client, as_admin, make_product):
    product = make_product(stock=10)
    path = f"/api/products/{product.id}"
    assert client.put(path, json={"stock_quantity": MAX_STOCK}, headers=as_admin).status_code == 200
    response = client.post(f"{path}/stock", json={"delta": 1, "note": "found"}, headers=as_admin)
    assert_problem(response, 409, "stock_limit_exceeded")
    assert response.get_json()["field"] == "delta"
    response = client.post(
        f"{path}/stock", json={"delta": MAX_STOCK, "note": "found"}, headers=as_admin
    )
    assert_problem(response, 409)
    body = client.get(path, headers=as_admin).get_json()
    assert body["stock_quantity"] == MAX_STOCK
    movements = client.get(f"{path}/stock-movements", headers=as_admin).get_json()
    assert sum(m["delta"] for m in movements["items"]) == MAX_STOCK


@pytest.mark.parametrize("delta", ["99999999999", "2000000000", str(2**63)])
def test_the_back_office_refuses_a_huge_adjustment_next_to_the_field(
    client, admin, make_product, delta
):
    product = make_product(stock=10)
    client.post("/login", data={"email": admin.email, "password": ADMIN_PASSWORD})
    response = client.post(
        f"/admin/products/{product.id}/stock", data={"delta": delta, "note": "typo"}
    )
    assert response.status_code == 422
    assert "at most 1,000,000,000" in response.get_data(as_text=True)
    assert inventory.list_movements(product.id).total == 1  # only the initial movement


def test_the_service_refuses_results_above_the_maximum(app, make_product):
    product = make_product(stock=MAX_STOCK - 5)
    with pytest.raises(Conflict):
        inventory.adjust_stock(product.id, 6, "recount")
    assert inventory.adjust_stock(product.id, 5, "recount").stock_quantity == MAX_STOCK
    with pytest.raises(ValidationError):
        inventory.adjust_stock(product.id, -(MAX_STOCK + 1), "recount")
