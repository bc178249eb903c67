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
    """Every SQL statement sent while the block runs.

    On PostgreSQL they are taken where the driver sends them (psycopg's cursor), so
    a statement sent past SQLAlchemy (the catalog version's read) counts too; on
    SQLite, SQLAlchemy's before_cursor_execute event. Each request of the test
    client runs in an app context of its own (see ``SeparateContextClient`` in
    tests/conftest.py), so nothing the test loaded saves a query that a real
    request makes.
    """
    statements = Statements()
    engine = db.engine
    if engine.dialect.name != "postgresql":

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return

    import psycopg

    def recording(send):
        def wrapper(cursor, query, *args, **kwargs):
            text = query if isinstance(query, str) else query.as_string(cursor.connection)
            statements.append(text)
            info = cursor.connection.info
            if info.transaction_status.name == "IDLE" and not cursor.connection.autocommit:
                statements.began_transaction.append(text)
            return send(cursor, query, *args, **kwargs)

        return wrapper

    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany
    psycopg.Cursor.execute = recording(execute)
    psycopg.Cursor.executemany = recording(executemany)
    try:
        yield statements
    finally:
        psycopg.Cursor.execute, psycopg.Cursor.executemany = execute, executemany


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)
