"""Transactions for the services: one service call, one transaction.

A boundary composes. A service called inside another's ``write_transaction``
joins it: its writes commit or roll back with the outer service's, and a
refusal it raises rolls back only its own part (a SAVEPOINT), so the caller
may catch it and go on. It never commits, and never rolls back work it did
not start. Outside any service, a session holding writes that no service
made (unflushed, or flushed but uncommitted) is refused loudly rather than
thrown away.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from ..db_setup import SQLITE_BEGIN_OPTION, can_go_on_writing
from ..extensions import db
from . import catalog_version  # noqa: F401 (its listeners bump the version on commit)

_DEPTH = "storefront.write_depth"  # how many write_transaction blocks are open
_FLUSHED = "storefront.flushed"  # the open transaction has flushed writes


class UnsavedChanges(RuntimeError):
    """A service was called while the session held writes no service made."""


@event.listens_for(Session, "after_flush")
def _remember_flush(session: Session, _flush_context) -> None:
    session.info[_FLUSHED] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_flush(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended
        session.info.pop(_FLUSHED, None)


def _holds_writes(session: Session) -> bool:
    return bool(session.new or session.dirty or session.deleted or session.info.get(_FLUSHED))


@contextmanager
def write_transaction(*, savepoint: bool = True) -> Iterator[Session]:
    """Run a service's writes as one transaction: commit at the end or roll back all.

    Outermost: whatever transaction the caller had open must be a read-only
    one (views do not write). On SQLite it is ended first, so that the service
    starts with ``BEGIN IMMEDIATE`` and writers serialize instead of failing to
    upgrade a read lock. On PostgreSQL at read committed (each statement sees
    what is committed when it starts) it goes on as the write transaction,
    with everything it loaded expired, so the service reads afresh as in a new
    transaction without a ROLLBACK and a BEGIN (two of a checkout's round
    trips); rows are locked explicitly with ``SELECT ... FOR UPDATE``. At
    another isolation level, or when the transaction failed (a statement a
    view caught), it is ended first there too (``db_setup.can_go_on_writing``).
    Nested: joins the outer transaction, in a SAVEPOINT of its own unless
    ``savepoint=False`` (a service that refuses nothing, such as queueing a
    mail: its part can only fail with the whole).
    """
    session = db.session()  # the scoped session's current Session
    depth = session.info.get(_DEPTH, 0)
    if depth:
        session.info[_DEPTH] = depth + 1
        try:
            if savepoint:
                with session.begin_nested():
                    yield session
            else:
                yield session
        finally:
            session.info[_DEPTH] = depth
        return
    sqlite = session.get_bind().dialect.name == "sqlite"
    if session.in_transaction():
        if _holds_writes(session):
            raise UnsavedChanges(
                "a service was called with writes in the session that no service made; "
                "commit them, or make them inside the service's transaction"
            )
        if can_go_on_writing(session):
            session.expire_all()
        else:
            session.rollback()
    if sqlite:
        session.connection(execution_options={SQLITE_BEGIN_OPTION: "IMMEDIATE"})
    session.info[_DEPTH] = 1
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info[_DEPTH] = 0


def transactional(func):
    """Decorate a service function so that it is one write transaction."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        with write_transaction():
            return func(*args, **kwargs)

    return wrapper
