"""Password reset through the API, with the mail read from a real SMTP server."""

from __future__ import annotations

import re
import time

from sqlalchemy import func, select

from storefront.extensions import db
from storefront.models import OutboxMessage, TokenFamily
from storefront.services import outbox
from tests.api.conftest import assert_problem, bearer
from tests.api.test_ratelimit import limited_app
from tests.conftest import CUSTOMER_PASSWORD
from tests.mailserver import html_of, text_of

NEW_PASSWORD = "a brand new passphrase"
LINK = re.compile(r"https?://[^\s\"<>]+/reset-password/([A-Za-z0-9_.\-]+)")


def reset_token_from_mail(smtp_server, address: str) -> str:
    outbox.deliver_due()
    (message,) = smtp_server.to(address)
    (token,) = set(LINK.findall(text_of(message)))
    assert token in html_of(message)
    return token


def test_the_answer_is_the_same_for_a_known_and_an_unknown_email(client, customer):
    known = client.post("/api/auth/password-reset", json={"email": customer.email})
    unknown = client.post("/api/auth/password-reset", json={"email": "nobody@example.com"})
    for response in (known, unknown):
        assert response.status_code == 202
        assert response.get_data() == b""
    assert sorted(k for k, _ in known.headers if k != "X-Request-ID") == sorted(
        k for k, _ in unknown.headers if k != "X-Request-ID"
    )
    # Each address is told something: the account holder a link, the stranger that
    # no account uses it. Both paths queue one message, so both take as long.
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 2


def test_known_and_unknown_emails_take_about_as_long(client, customer):
    def timed(email):
        start = time.perf_counter()
        response = client.post("/api/auth/password-reset", json={"email": email})
        assert response.status_code == 202
        return time.perf_counter() - start

    known, unknown = [], []
    for _ in range(15):  # interleaved, so that load on the machine hits both alike
        known.append(timed(customer.email))
        unknown.append(timed("nobody@example.com"))
    # The fastest of each: the work itself, which other load on the machine only adds
    # to (a median went past 2 once with three suites sharing two cores).
    ratio = min(known) / min(unknown)
    assert 0.5 < ratio < 2.0, (min(known), min(unknown))


def test_reset_by_mail_sets_the_password_and_ends_every_api_session(
    client, customer, login, smtp_server
):
    tokens = login(customer.email, CUSTOMER_PASSWORD)
    assert (
        client.post("/api/auth/password-reset", json={"email": customer.email}).status_code == 202
    )
    token = reset_token_from_mail(smtp_server, customer.email)

    response = client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert response.status_code == 204, response.get_data(as_text=True)

    assert client.get("/api/users/me", headers=bearer(tokens["access_token"])).status_code == 401
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401
    assert (
        db.session.scalar(
            select(func.count(TokenFamily.id)).where(TokenFamily.revoked_at.is_(None))
        )
        == 0
    )
    assert (
        client.post(
            "/api/auth/login", json={"email": customer.email, "password": CUSTOMER_PASSWORD}
        ).status_code
        == 401
    )
    login(customer.email, NEW_PASSWORD)

    again = client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "yet another one"}
    )
    assert_problem(again, 400, "invalid_token")


def test_a_forged_or_expired_token_is_invalid_and_changes_nothing(app, client, customer):
    from storefront.services import accounts

    forged = client.post(
        "/api/auth/password-reset/confirm", json={"token": "abc.def.ghi", "password": NEW_PASSWORD}
    )
    assert_problem(forged, 400, "invalid_token")
    token = accounts.password_reset_token(customer)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1  # every token is past its age
    expired = client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert_problem(expired, 400, "invalid_token")
    app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    weak = client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": "short"}
    )
    assert_problem(weak, 422, "validation_failed")
    # The weak try changed nothing: the link still works, once.
    ok = client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert ok.status_code == 204


def test_a_token_is_void_once_the_password_changes_otherwise(client, customer):
    from storefront.services import accounts

    token = accounts.password_reset_token(customer)
    accounts.update_account(
        customer.id, password="changed in the account page", current_password=CUSTOMER_PASSWORD
    )
    response = client.post(
        "/api/auth/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
    )
    assert_problem(response, 400, "invalid_token")


def test_a_malformed_email_is_a_validation_problem_and_queues_nothing(client):
    response = client.post("/api/auth/password-reset", json={"email": "not an email"})
    assert_problem(response, 422, "validation_failed")
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_reset_requests_are_limited_per_email_alike_for_known_and_unknown(make_app, make_user):
    app = limited_app(make_app, RATELIMIT_PASSWORD_RESETS_PER_EMAIL="2 per 15 minutes")
    with app.app_context():
        user = make_user(email="asha@example.com")
        client = app.test_client()
        for email in (user.email, "nobody@example.com"):
            answers = [
                client.post(
                    "/api/auth/password-reset",
                    json={"email": email},
                    environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},
                ).status_code
                for i in range(3)
            ]
            assert answers == [202, 202, 429]


def test_reset_requests_count_per_address_with_logins(make_app):
    app = limited_app(make_app, RATELIMIT_AUTH_PER_ADDRESS="3 per minute")
    with app.app_context():
        client = app.test_client()
        answers = [
            client.post(
                "/api/auth/password-reset", json={"email": f"person{i}@example.com"}
            ).status_code
            for i in range(4)
        ]
        assert answers == [202, 202, 202, 429]
