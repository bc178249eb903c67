"""A new password or a deactivation ends the sessions the old state opened."""

from storefront.services import accounts, tokens
from tests.conftest import CUSTOMER_PASSWORD
from tests.web.conftest import log_in_with_form

NEW_PASSWORD = "a-brand-new-pass-456"


def _browser(app, email):
    client = app.test_client()
    assert log_in_with_form(client, email).status_code == 303
    assert client.get("/account").status_code == 200
    return client


def _bearer(pair):
    return {"Authorization": f"Bearer {pair.access_token}"}


def test_changing_the_password_ends_other_browser_sessions_but_not_this_one(app, customer):
    laptop, phone = _browser(app, customer.email), _browser(app, customer.email)

    response = laptop.post(
        "/account",
        data={
            "full_name": "",
            "email": customer.email,
            "current_password": CUSTOMER_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)

    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302  # sent to log in again


def test_changing_the_password_revokes_api_tokens(client, customer):
    pair = tokens.issue_tokens(customer.id)
    assert client.get("/api/users/me", headers=_bearer(pair)).status_code == 200

    accounts.update_account(customer.id, password=NEW_PASSWORD, current_password=CUSTOMER_PASSWORD)

    assert client.get("/api/users/me", headers=_bearer(pair)).status_code == 401
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": pair.refresh_token})
    assert refreshed.status_code == 401


def test_changing_only_the_name_keeps_every_session(app, client, customer):
    phone = _browser(app, customer.email)
    pair = tokens.issue_tokens(customer.id)

    accounts.update_account(customer.id, full_name="New Name")

    assert phone.get("/account").status_code == 200
    assert client.get("/api/users/me", headers=_bearer(pair)).status_code == 200


def test_deactivation_ends_browser_sessions_and_revokes_tokens(app, client, customer, admin):
    phone = _browser(app, customer.email)
    pair = tokens.issue_tokens(customer.id)

    accounts.deactivate_user(customer.id, actor_id=admin.id)

    assert phone.get("/account").status_code == 302
    assert client.get("/api/users/me", headers=_bearer(pair)).status_code == 401
    # Reactivation does not bring the old tokens back: they were revoked.
    accounts.reactivate_user(customer.id, actor_id=admin.id)
    assert client.get("/api/users/me", headers=_bearer(pair)).status_code == 401
