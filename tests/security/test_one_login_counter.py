"""The login page and the API count one account's failed logins in one counter."""

from storefront.services import accounts
from tests.conftest import CUSTOMER_PASSWORD
from tests.security.test_password_guessing import LIMITS
from tests.web.conftest import log_in_with_form

EMAIL = "both-doors@example.com"


def _app(make_app):
    app = make_app(**LIMITS)  # 3 failed logins per account per 15 minutes
    with app.app_context():
        accounts.register(EMAIL, CUSTOMER_PASSWORD)
    return app


def _api_login(client, password):
    return client.post("/api/auth/login", json={"email": EMAIL, "password": password})


def test_failures_at_either_door_lock_the_account_at_both(make_app):
    app = _app(make_app)
    page, api = app.test_client(), app.test_client()
    assert log_in_with_form(page, EMAIL, "wrong-one-1").status_code == 422
    assert log_in_with_form(page, EMAIL, "wrong-two-2").status_code == 422
    assert _api_login(api, "wrong-three-3").status_code == 401

    assert _api_login(api, CUSTOMER_PASSWORD).status_code == 429
    assert log_in_with_form(page, EMAIL).status_code == 429


def test_a_right_password_at_either_door_clears_the_count(make_app):
    app = _app(make_app)
    page, api = app.test_client(), app.test_client()
    assert log_in_with_form(page, EMAIL, "wrong-one-1").status_code == 422
    assert log_in_with_form(page, EMAIL, "wrong-two-2").status_code == 422
    assert _api_login(api, CUSTOMER_PASSWORD).status_code == 200

    assert _api_login(api, "wrong-three-3").status_code == 401
    assert _api_login(api, "wrong-four-4").status_code == 401
    assert log_in_with_form(page, EMAIL).status_code == 303
