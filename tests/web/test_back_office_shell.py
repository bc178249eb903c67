"""The back office is a workspace of its own: an admin lands on it, its header
names them and leads back to the shop, and it has no shop search or cart."""

from __future__ import annotations

from tests.conftest import ADMIN_PASSWORD
from tests.web.conftest import log_in_with_form


def test_an_admin_who_logs_in_lands_on_the_dashboard(client, admin):
    response = log_in_with_form(client, admin.email, ADMIN_PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/"
    assert client.get("/login").headers["Location"] == "/admin/"


def test_a_customer_who_logs_in_lands_in_the_shop(client, customer):
    assert log_in_with_form(client, customer.email).headers["Location"] == "/"


def test_the_back_office_has_its_own_header_sidebar_and_messages(client, admin):
    log_in_with_form(client, admin.email, ADMIN_PASSWORD)
    html = client.get("/admin/").get_data(as_text=True)
    assert "Test Person" in html and ">View shop</a>" in html and "Log out" in html
    assert 'id="site-search"' not in html and 'data-testid="cart-count"' not in html
    sidebar = html.index('aria-label="Back office"')
    for label in ("Dashboard", "Orders", "Products", "Users"):
        assert f">{label}</a>" in html[sidebar:]
    # The welcome message is inside the content, after the sidebar.
    assert html.index('class="flash') > html.index('<main id="main" class="admin-main"') > sidebar
