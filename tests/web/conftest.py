"""Helpers for the HTML pages' tests: logging in through the real form,
counting SQL statements, and reading a page's CSRF token."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from storefront.extensions import db
from tests.conftest import CUSTOMER_PASSWORD

# A structured address as the checkout and address forms post it.
ADDRESS_FORM = {
    "address_id": "new",
    "full_name": "Nadia Rahman",
    "phone": "+880 1712-345678",
    "line1": "House 7, Road 3",
    "line2": "Dhanmondi",
    "city": "Dhaka",
    "region": "",
    "postal_code": "1205",
    "country": "BD",
}


def log_in_with_form(client, email: str, password: str = CUSTOMER_PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


@pytest.fixture
def shopper_client(client, customer):
    """A client logged in as ``customer`` through the login form."""
    response = log_in_with_form(client, customer.email)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


class Statements(list):
    """The statements sent, and (PostgreSQL) those that opened a transaction: the driver
    sent a BEGIN before them, and the end of the request a COMMIT or ROLLBACK after."""

    def __init__(self):
        super().__init__()
        self.began_transaction: list[str] = []


@contextmanager
def count_queries():
    """Every SQL statement sent while the block runs (a before_cursor_execute listener).

    Each request of the test client runs in an app context of its own (see
    ``SeparateContextClient`` in tests/conftest.py), so nothing the test
    loaded saves a query that a real request makes.
    """
    statements = Statements()

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)
        raw = conn.connection.dbapi_connection
        idle = conn.dialect.name == "postgresql" and raw.info.transaction_status.name == "IDLE"
        if idle and not raw.autocommit:
            statements.began_transaction.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
