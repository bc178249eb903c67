"""A new password or a deactivation ends the sessions the old state opened.

These tests build their own app and push no app context around the requests:
each client must meet the server as a separate browser would, without the
test's ``g`` (where Flask-Login caches the current user) shared between them.
"""

import pytest

from storefront.extensions import db
from storefront.services import accounts, tokens
from tests.conftest import ADMIN_PASSWORD, CUSTOMER_PASSWORD
from tests.web.conftest import log_in_with_form

NEW_PASSWORD = "a-brand-new-pass-456"


@pytest.fixture
def site(make_app):
    app = make_app()

    def call(func, *args, **kwargs):
        with app.app_context():
            try:
                return func(*args, **kwargs)
            finally:
                db.session.remove()

    customer_id = call(lambda: accounts.register("shopper@example.com", CUSTOMER_PASSWORD).id)
    admin_id = call(lambda: accounts.create_admin("boss@example.com", ADMIN_PASSWORD).id)
    return app, call, customer_id, admin_id


def _browser(app):
    client = app.test_client()
    assert log_in_with_form(client, "shopper@example.com").status_code == 303
    assert client.get("/account").status_code == 200
    return client


def _bearer(pair):
    return {"Authorization": f"Bearer {pair.access_token}"}


def test_changing_the_password_ends_other_browser_sessions_but_not_this_one(site):
    app, _call, _customer_id, _admin_id = site
    laptop, phone = _browser(app), _browser(app)

    response = laptop.post(
        "/account",
        data={
            "full_name": "",
            "email": "shopper@example.com",
            "current_password": CUSTOMER_PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)

    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302  # sent to log in again


def test_changing_the_password_revokes_api_tokens(site):
    app, call, customer_id, _admin_id = site
    pair = call(tokens.issue_tokens, customer_id)
    api = app.test_client()
    assert api.get("/api/users/me", headers=_bearer(pair)).status_code == 200

    call(
        accounts.update_account,
        customer_id,
        password=NEW_PASSWORD,
        current_password=CUSTOMER_PASSWORD,
    )

    assert api.get("/api/users/me", headers=_bearer(pair)).status_code == 401
    refreshed = api.post("/api/auth/refresh", json={"refresh_token": pair.refresh_token})
    assert refreshed.status_code == 401


def test_changing_only_the_name_keeps_every_session(site):
    app, call, customer_id, _admin_id = site
    phone = _browser(app)
    pair = call(tokens.issue_tokens, customer_id)

    call(accounts.update_account, customer_id, full_name="New Name")

    assert phone.get("/account").status_code == 200
    assert app.test_client().get("/api/users/me", headers=_bearer(pair)).status_code == 200


def test_deactivation_ends_browser_sessions_and_revokes_tokens(site):
    app, call, customer_id, admin_id = site
    phone = _browser(app)
    pair = call(tokens.issue_tokens, customer_id)
    api = app.test_client()

    call(accounts.deactivate_user, customer_id, actor_id=admin_id)

    assert phone.get("/account").status_code == 302
    assert api.get("/api/users/me", headers=_bearer(pair)).status_code == 401
    # Reactivation does not bring the old tokens back: they were revoked.
    call(accounts.reactivate_user, customer_id, actor_id=admin_id)
    assert api.get("/api/users/me", headers=_bearer(pair)).status_code == 401
