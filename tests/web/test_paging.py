"""Every listing reads ?page= the same way: anything but a positive number is page 1."""

import pytest

from tests.conftest import ADMIN_PASSWORD
from tests.web.conftest import log_in_with_form

LISTINGS = ["/products", "/orders", "/admin/products", "/admin/orders", "/admin/users"]


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1e3", str(10**30)])
@pytest.mark.parametrize("path", LISTINGS)
def test_a_junk_page_number_shows_the_first_page(client, admin, path, page):
    assert log_in_with_form(client, admin.email, ADMIN_PASSWORD).status_code == 303
    first = client.get(path)
    response = client.get(f"{path}?page={page}")
    assert response.status_code == first.status_code == 200
