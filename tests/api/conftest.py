"""Helpers for the API tests: log in through the API, send bearer tokens."""

from __future__ import annotations

import pytest

from tests.conftest import ADMIN_PASSWORD, CUSTOMER_PASSWORD


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and isinstance(body["detail"], str) and body["detail"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    if code is not None:
        assert body["code"] == code, body
    return body


def error_fields(response) -> set[str]:
    body = assert_problem(response, 422, "validation_failed")
    return {e["field"] for e in body["errors"]}


@pytest.fixture
def login(client):
    def do_login(email: str, password: str) -> dict:
        response = client.post("/api/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return do_login


@pytest.fixture
def customer_tokens(customer, login):
    return login(customer.email, CUSTOMER_PASSWORD)


@pytest.fixture
def admin_tokens(admin, login):
    return login(admin.email, ADMIN_PASSWORD)


@pytest.fixture
def as_customer(customer_tokens):
    return bearer(customer_tokens["access_token"])


@pytest.fixture
def as_admin(admin_tokens):
    return bearer(admin_tokens["access_token"])


@pytest.fixture
def other_customer_headers(make_user, login):
    other = make_user("customer", email="other@example.com")
    return bearer(login(other.email, CUSTOMER_PASSWORD)["access_token"])
