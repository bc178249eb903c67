"""Register, log in, log out, the account page; sessions and the next target."""

from __future__ import annotations

import pytest

from storefront.services import accounts
from tests.conftest import CUSTOMER_PASSWORD
from tests.web.conftest import log_in_with_form


def test_registering_logs_the_new_customer_in(client):
    response = client.post(
        "/register",
        data={
            "full_name": "Rina",
            "email": "Rina@Example.com",
            "password": "long-enough-1",
            "confirm_password": "long-enough-1",
        },
    )
    assert response.status_code == 303
    html = client.get("/").get_data(as_text=True)
    assert "Welcome! Your account is ready." in html and "Rina" in html
    assert accounts.authenticate("rina@example.com", "long-enough-1").role == "customer"


def test_registration_errors_are_next_to_their_fields_keeping_what_was_typed(client, customer):
    response = client.post(
        "/register",
        data={
            "full_name": "Someone",
            "email": customer.email,
            "password": "long-enough-1",
            "confirm_password": "long-enough-1",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in html and "already exists" in html
    assert 'value="Someone"' in html and f'value="{customer.email}"' in html
    assert "long-enough-1" not in html  # passwords are never sent back
    short = client.post(
        "/register",
        data={"email": "x@example.com", "password": "short", "confirm_password": "short"},
    ).get_data(as_text=True)
    assert 'id="password-error"' in short and "at least 8 characters" in short


def test_a_wrong_password_is_refused_with_one_message_keeping_the_email(client, customer):
    response = log_in_with_form(client, customer.email, "wrong-password")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Incorrect email or password." in html and 'role="alert"' in html
    assert f'value="{customer.email}"' in html


def test_a_deactivated_account_cannot_log_in(client, make_user):
    user = make_user(active=False)
    html = log_in_with_form(client, user.email).get_data(as_text=True)
    assert "deactivated" in html
    assert client.get("/account").status_code == 302


def test_login_starts_a_new_session(client, customer):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    log_in_with_form(client, customer.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == customer.get_id()


def test_login_returns_to_the_page_that_asked(client, customer):
    response = client.get("/orders?page=1")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url == "/login?next=%2Forders%3Fpage%3D1"
    html = client.get(login_url).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/orders?page=1"' in html
    response = log_in_with_form(client, customer.email, next="/orders?page=1")
    assert response.headers["Location"] == "/orders?page=1"


@pytest.mark.parametrize(
    "target",
    [
        "https://elsewhere.example",
        "//elsewhere.example",
        "/\\elsewhere.example",
        "\\\\elsewhere.example",
        "https:elsewhere.example",
        "javascript:alert(1)",
        "/\telsewhere",
        " //elsewhere.example",
    ],
)
def test_next_never_leaves_the_site(client, customer, target):
    response = log_in_with_form(client, customer.email, next=target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    # Given in the query string instead of the form, and when already logged in.
    assert client.get("/login", query_string={"next": target}).headers["Location"] == "/"


def test_logout_asks_on_get_and_logs_out_on_post(client, customer):
    log_in_with_form(client, customer.email)
    html = client.get("/logout").get_data(as_text=True)
    assert "Log out?" in html and 'method="post"' in html
    assert client.get("/account").status_code == 200  # still logged in
    response = client.post("/logout")
    assert response.status_code == 303
    assert client.get("/account").status_code == 302
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_the_account_page_changes_name_email_and_password(client, customer):
    log_in_with_form(client, customer.email)
    response = client.post(
        "/account",
        data={
            "full_name": "New Name",
            "email": "new@example.com",
            "new_password": "another-pass-1",
            "confirm_password": "another-pass-1",
            "current_password": CUSTOMER_PASSWORD,
        },
    )
    assert response.status_code == 303
    assert "Your account is updated." in client.get("/account").get_data(as_text=True)
    assert accounts.authenticate("new@example.com", "another-pass-1").full_name == "New Name"


def test_account_errors_are_next_to_their_fields_keeping_what_was_typed(
    client, customer, make_user
):
    make_user(email="taken@example.com")
    log_in_with_form(client, customer.email)
    html = client.post(
        "/account",
        data={"full_name": "Typed Name", "email": "other@example.com", "current_password": "nope"},
    ).get_data(as_text=True)
    assert 'id="current_password-error"' in html
    assert 'value="Typed Name"' in html and 'value="other@example.com"' in html
    html = client.post(
        "/account",
        data={
            "full_name": "",
            "email": "taken@example.com",
            "current_password": CUSTOMER_PASSWORD,
        },
    ).get_data(as_text=True)
    assert 'id="email-error"' in html and "already exists" in html
    html = client.post(
        "/account",
        data={
            "email": customer.email,
            "new_password": "abc",
            "confirm_password": "abc",
            "current_password": CUSTOMER_PASSWORD,
        },
    ).get_data(as_text=True)
    assert 'id="new_password-error"' in html


def test_too_many_failed_logins_show_a_friendly_page_even_with_the_right_password(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_FAILED_LOGINS_PER_ACCOUNT="3 per 15 minutes")
    with app.app_context():
        accounts.register("locked@example.com", CUSTOMER_PASSWORD)
    client = app.test_client()
    for _ in range(3):
        assert log_in_with_form(client, "locked@example.com", "wrong-password").status_code == 422
    response = log_in_with_form(client, "locked@example.com")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    html = response.get_data(as_text=True)
    assert "Too many attempts" in html and 'class="site-header"' in html
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_too_many_registrations_from_one_address_are_refused(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_AUTH_PER_ADDRESS="2 per minute")
    statuses = [
        app.test_client()
        .post(
            "/register",
            data={"email": f"n{n}@example.com", "password": "x" * 9, "confirm_password": "x" * 9},
        )
        .status_code
        for n in range(3)
    ]
    assert statuses == [303, 303, 429]


def test_registration_reports_every_mistake_in_one_round(client):
    response = client.post(
        "/register",
        data={"email": "not-an-email", "password": "short", "confirm_password": "shorter"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in html and "such as name@example.com" in html
    assert 'id="password-error"' in html and "Use at least 8 characters." in html
    assert 'id="confirm_password-error"' in html and "The two passwords differ." in html
    assert 'value="not-an-email"' in html


def test_a_wrong_current_password_is_called_wrong_keeping_the_new_details(client, customer):
    log_in_with_form(client, customer.email)
    response = client.post(
        "/account",
        data={
            "full_name": "New Name",
            "email": "new@example.com",
            "current_password": "not-my-password",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="current_password-error"' in html
    assert "That is not your current password." in html
    assert 'value="New Name"' in html and 'value="new@example.com"' in html
    assert accounts.get_user(customer.id).email == customer.email
    # Left empty, the field still asks for the password.
    html = client.post(
        "/account", data={"email": "new@example.com", "current_password": ""}
    ).get_data(as_text=True)
    assert "Enter your current password" in html and "not your current password" not in html


def test_a_short_new_password_is_refused_before_the_current_one_is_checked(client, customer):
    log_in_with_form(client, customer.email)
    html = client.post(
        "/account",
        data={
            "email": customer.email,
            "new_password": "abc",
            "confirm_password": "abc",
            "current_password": "",
        },
    ).get_data(as_text=True)
    assert 'id="new_password-error"' in html and "Use at least 8 characters." in html
