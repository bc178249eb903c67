"""Every listing reads ?page= the same way: anything but a positive number is page 1."""

import re

import pytest

from storefront.services import cart, orders
from tests.conftest import ADMIN_PASSWORD, CUSTOMER_PASSWORD
from tests.web.conftest import log_in_with_form

# Each listing with more than one page of rows (20 a page; a customer's orders 10).
LISTINGS = ["/products", "/orders", "/admin/products", "/admin/orders", "/admin/users"]
JUNK = ["abc", "-1", "0", "1e3", "2 ", str(10**30)]


def content(response) -> str:
    """The page without its CSRF tokens (signed with the time, they change every second)."""
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", response.get_data(as_text=True))


@pytest.fixture
def two_pages_of_everything(admin, make_user, make_product):
    shopper = make_user(email="pager@example.com")
    for _ in range(20):
        make_user()
    products = [make_product(stock=100) for _ in range(21)]
    for product in products:
        cart.add_to_cart(shopper.id, product.id, 1)
        orders.place_order(shopper.id, "1 Paging Road")
    return {"admin": admin, "shopper": shopper}


@pytest.mark.parametrize("path", LISTINGS)
def test_a_junk_page_number_shows_the_first_page(client, two_pages_of_everything, path):
    who = "shopper" if path == "/orders" else "admin"
    password = CUSTOMER_PASSWORD if who == "shopper" else ADMIN_PASSWORD
    assert log_in_with_form(client, two_pages_of_everything[who].email, password).status_code == 303
    client.get("/")  # the welcome message is shown once, here
    first = client.get(path)
    second = client.get(f"{path}?page=2")
    assert first.status_code == second.status_code == 200
    assert content(first) != content(second)  # there is a second page to be confused with
    for page in JUNK:
        response = client.get(f"{path}?page={page}")
        assert response.status_code == 200, page
        assert content(response) == content(first), page
