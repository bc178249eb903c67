"""A wrong current password in PUT /api/users/me counts as a failed login of the account.

Without it, a stolen access token could guess the password there without
limit, and with the password change it and the email for good.
"""

from tests.api.conftest import assert_problem, bearer
from tests.conftest import CUSTOMER_PASSWORD

LIMITS = {
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_AUTH_PER_ADDRESS": "100 per minute",
    "RATELIMIT_FAILED_LOGINS_PER_ACCOUNT": "3 per 15 minutes",
}


def _client_and_token(make_app, customer):
    client = make_app(**LIMITS).test_client()
    response = client.post(
        "/api/auth/login", json={"email": customer.email, "password": CUSTOMER_PASSWORD}
    )
    return client, bearer(response.get_json()["access_token"])


def test_wrong_current_passwords_lock_the_account_like_failed_logins(make_app, customer):
    client, headers = _client_and_token(make_app, customer)
    for guess in ("guess-one-1", "guess-two-2", "guess-three-3"):
        body = {"email": "thief@example.com", "current_password": guess}
        response = client.put("/api/users/me", json=body, headers=headers)
        assert_problem(response, 422, "validation_failed")
    body = {"email": "thief@example.com", "current_password": CUSTOMER_PASSWORD}
    response = client.put("/api/users/me", json=body, headers=headers)
    assert_problem(response, 429)
    assert int(response.headers["Retry-After"]) > 0
    response = client.post(
        "/api/auth/login", json={"email": customer.email, "password": CUSTOMER_PASSWORD}
    )
    assert_problem(response, 429)
    # A change that needs no password still goes through.
    response = client.put("/api/users/me", json={"full_name": "Still Me"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["email"] == customer.email


def test_a_missing_current_password_is_not_a_guess(make_app, customer):
    client, headers = _client_and_token(make_app, customer)
    for _ in range(5):
        response = client.put("/api/users/me", json={"password": "new-pass-456"}, headers=headers)
        assert_problem(response, 422)
    body = {"password": "new-pass-456", "current_password": CUSTOMER_PASSWORD}
    assert client.put("/api/users/me", json=body, headers=headers).status_code == 200
