"""The forgot-password and reset pages (the whole journey runs in the browser tests)."""

from __future__ import annotations

from sqlalchemy import select

from storefront.extensions import db
from storefront.models import OutboxMessage
from storefront.services import accounts
from tests.conftest import CUSTOMER_PASSWORD


def test_login_page_offers_a_way_back_in(client):
    assert b'href="/forgot-password"' in client.get("/login").data


def test_the_page_answers_alike_for_known_and_unknown_emails(client, customer):
    known = client.post("/forgot-password", data={"email": customer.email})
    unknown = client.post("/forgot-password", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert b"Check your email" in known.data and b"Check your email" in unknown.data
    assert known.data.replace(customer.email.encode(), b"X") == unknown.data.replace(
        b"nobody@example.com", b"X"
    )
    kinds = [m.kind for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert kinds == ["password_reset", "password_reset_no_account"]


def test_a_malformed_email_is_kept_in_the_form_with_a_message(client):
    response = client.post("/forgot-password", data={"email": "not-an-email"})
    assert response.status_code == 422
    assert b'value="not-an-email"' in response.data
    assert db.session.scalar(select(OutboxMessage.id)) is None


def test_a_forged_link_says_it_no_longer_works(client):
    response = client.get("/reset-password/forged.token.value")
    assert response.status_code == 400
    assert b"This link no longer works" in response.data


def test_a_weak_password_keeps_the_link_usable(client, customer):
    token = accounts.password_reset_token(customer)
    response = client.post(
        f"/reset-password/{token}", data={"password": "short", "confirm_password": "short"}
    )
    assert response.status_code == 422
    assert client.get(f"/reset-password/{token}").status_code == 200


def test_resetting_while_logged_in_ends_this_session_too(client, customer):
    client.post("/login", data={"email": customer.email, "password": CUSTOMER_PASSWORD})
    assert client.get("/account").status_code == 200
    token = accounts.password_reset_token(customer)
    new = "a fresh long password"
    response = client.post(
        f"/reset-password/{token}", data={"password": new, "confirm_password": new}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/login")
    assert client.get("/account").status_code == 302
    assert client.get(f"/reset-password/{token}").status_code == 400
