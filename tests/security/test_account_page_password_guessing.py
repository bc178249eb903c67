"""The account page counts wrong current passwords as the API does: one rule, two doors."""

from tests.conftest import CUSTOMER_PASSWORD
from tests.security.test_password_guessing import LIMITS
from tests.web.conftest import log_in_with_form


def _account_form(email: str, current_password: str) -> dict:
    return {
        "full_name": "",
        "email": email,
        "current_password": current_password,
        "new_password": "",
        "confirm_password": "",
    }


def test_wrong_current_passwords_on_the_account_page_lock_the_account(make_app, customer):
    client = make_app(**LIMITS).test_client()
    assert log_in_with_form(client, customer.email).status_code == 303

    for guess in ("guess-one-1", "guess-two-2", "guess-three-3"):
        response = client.post("/account", data=_account_form("thief@example.com", guess))
        assert response.status_code == 422
        assert "That is not your current password" in response.get_data(as_text=True)

    response = client.post("/account", data=_account_form("thief@example.com", CUSTOMER_PASSWORD))
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many wrong passwords" in response.get_data(as_text=True)
    # What was typed is kept, and the email did not change.
    assert 'value="thief@example.com"' in response.get_data(as_text=True)
    assert client.get("/account").status_code == 200
    assert f'value="{customer.email}"' in client.get("/account").get_data(as_text=True)


def test_an_empty_current_password_on_the_account_page_is_not_a_guess(make_app, customer):
    client = make_app(**LIMITS).test_client()
    assert log_in_with_form(client, customer.email).status_code == 303
    for _ in range(5):
        response = client.post("/account", data=_account_form("new@example.com", ""))
        assert response.status_code == 422
        assert "Enter your current password" in response.get_data(as_text=True)
    response = client.post("/account", data=_account_form("new@example.com", CUSTOMER_PASSWORD))
    assert response.status_code == 303
