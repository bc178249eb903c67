"""The catalog's version: bumped in the same transaction as any change to what it shows.

Any flush that adds, changes or deletes a product, a product's image or a
category (price, stock, name, description, gallery, archive, category, and so
the category counts), and any bulk UPDATE/DELETE/INSERT on their tables
through the session, marks the transaction; its outermost commit first runs
``UPDATE catalog_version SET version = version + 1``. The bump commits or
rolls back with the change.

A cached catalog answer (storefront/api/catalog_cache.py) is keyed by the
version read at the start of the request, before the queries that build it:
on PostgreSQL the version is read by a statement of its own (autocommit: one
round trip, where a transaction costs three, BEGIN and ROLLBACK around it),
and every later statement (read committed) sees data at least as new as it;
on SQLite it is read in the request's own transaction, one snapshot. So an
entry can be newer than its key, never older: after a change commits, the next
request reads the new version and misses the old entries. Every process and
host reads the same row, so the cache can live in each process.

On PostgreSQL the bump takes the row's lock until commit: writers that change
the catalog serialize there for the length of their commit only (it is the
last statement before it).
"""

from __future__ import annotations

import weakref
from itertools import chain

from sqlalchemy import Engine, event, inspect, select, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import ORMExecuteState, Session, scoped_session

from ..extensions import db
from ..models import CatalogVersion, Category, Product, ProductImage, ProductOption, ProductVariant

TRACKED = (Product, Category, ProductImage, ProductVariant, ProductOption)
TRACKED_TABLES = frozenset(t.__table__ for t in TRACKED)
_CHANGED = "storefront.catalog_changed"
# Engines known to have the table (a database at an older revision has not).
_HAS_TABLE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _touches_catalog(session: Session) -> bool:
    return any(
        isinstance(obj, TRACKED) for obj in chain(session.new, session.dirty, session.deleted)
    )


@event.listens_for(Session, "before_flush")
def _note_flush(session: Session, _context, _instances) -> None:
    if _touches_catalog(session):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk(state: ORMExecuteState) -> None:
    writes = state.is_update or state.is_delete or state.is_insert
    if writes and getattr(state.statement, "table", None) in TRACKED_TABLES:
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "before_commit")
def _bump_on_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # the outermost commit bumps, once
    if session.info.get(_CHANGED) or _touches_catalog(session):
        session.info.pop(_CHANGED, None)
        bump(session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)


def _has_table(session: Session, engine: Engine | None = None) -> bool:
    engine = engine or session.get_bind()
    if _HAS_TABLE.get(engine):
        return True
    present = inspect(session.connection()).has_table(CatalogVersion.__tablename__)
    if present:
        _HAS_TABLE[engine] = True
    return present


_BUMP = (
    update(CatalogVersion.__table__)
    .where(CatalogVersion.__table__.c.id == 1)
    .values(version=CatalogVersion.__table__.c.version + 1)
)


def bump(session: Session) -> None:
    """Add one to the version, in the session's transaction."""
    if not _has_table(session):
        return
    # A Core statement on the session's connection: nothing in the session holds the
    # row, and the ORM's bulk-update path cost as much CPU as the round trip.
    result = session.connection().execute(_BUMP)
    if result.rowcount == 0:  # the row was removed (tests empty every table)
        session.add(CatalogVersion(id=1, version=1))
        session.flush()


_READ = select(CatalogVersion.version).where(CatalogVersion.id == 1)
_READ_SQL = "SELECT version FROM catalog_version WHERE id = 1"


def _back_to_the_pool(pooled, driver) -> None:
    """Return the connection as the pool lent it: out of autocommit, whatever happened.

    A connection left in autocommit would run the next request's writes without a
    transaction (its FOR UPDATE locks released at once, nothing to roll back). If
    it cannot be put back (the driver refuses, the read was interrupted), it is
    closed instead of pooled.
    """
    if pooled.is_valid and driver is not None and driver.autocommit:
        try:
            driver.autocommit = False
        except Exception as exc:  # noqa: BLE001 (any failure: the connection is not trusted)
            pooled.invalidate(exc)
    pooled.close()


def _read_outside_transaction(engine: Engine) -> int | None:
    """The version, read by a statement of its own on a pooled PostgreSQL connection.

    Straight through the driver (in autocommit, so no BEGIN and no ROLLBACK go to the
    server): this runs before every cached answer, and SQLAlchemy's Connection around
    it cost as much CPU again. Errors come out as SQLAlchemy's, as from any query: a
    lost connection is dropped from the pool and the request gets the 503 of a
    database that cannot answer.
    """
    pooled = driver = None
    try:
        pooled = engine.raw_connection()
        driver = pooled.driver_connection
        driver.autocommit = True
        with driver.cursor() as cursor:
            cursor.execute(_READ_SQL)
            row = cursor.fetchone()
    except engine.dialect.loaded_dbapi.Error as exc:
        # No connection to be had, or this one lost: as SQLAlchemy would say it.
        lost = driver is None or engine.dialect.is_disconnect(exc, driver, None)
        if lost and pooled is not None:
            # As SQLAlchemy does for a disconnect on its own path: this connection
            # goes, and every pooled one older than it is replaced at its checkout
            # (a host that vanished took them all; each would cost a request the
            # watchdog's wait before its 503).
            engine.pool._invalidate(pooled, exc)
        raise sa_exc.DBAPIError.instance(
            _READ_SQL,
            None,
            exc,
            engine.dialect.loaded_dbapi.Error,
            connection_invalidated=lost,
            dialect=engine.dialect,
        ) from exc
    finally:
        if pooled is not None:
            _back_to_the_pool(pooled, driver)
    return row[0] if row else None


def current(session: Session | scoped_session) -> int | None:
    """The version now, or None when it cannot be read (no such table or row)."""
    if isinstance(session, scoped_session):
        if not session.registry.has():
            # The request has no session yet, so no transaction: a cached answer
            # needs neither (making one and closing it cost 15% of such a hit).
            engine = db.engine
            if engine.dialect.name == "postgresql" and _HAS_TABLE.get(engine):
                return _read_outside_transaction(engine)
        session = session()
    engine = session.get_bind()
    if not _has_table(session, engine):
        return None
    if engine.dialect.name == "postgresql" and not session.in_transaction():
        return _read_outside_transaction(engine)
    return session.scalar(_READ)
