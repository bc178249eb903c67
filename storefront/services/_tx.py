"""Transactions for the services: one service call, one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps

from sqlalchemy.orm import Session

from ..db_setup import SQLITE_BEGIN_OPTION
from ..extensions import db


@contextmanager
def write_transaction() -> Iterator[Session]:
    """Run a service's writes as one transaction: commit at the end or roll back all.

    Whatever transaction the caller had open is a read-only one (views do not
    write), so it is ended first; that lets SQLite start with ``BEGIN
    IMMEDIATE`` and serialize writers instead of failing to upgrade a read lock.
    On PostgreSQL, rows are locked explicitly with ``SELECT ... FOR UPDATE``.
    """
    session = db.session()  # the scoped session's current Session
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("a service was called with unsaved changes in the session")
        session.rollback()
    if session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def transactional(func):
    """Decorate a service function so that it is one write transaction."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        with write_transaction():
            return func(*args, **kwargs)

    return wrapper
