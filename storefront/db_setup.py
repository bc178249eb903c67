"""Engine set-up that differs by database.

SQLite gets foreign keys, WAL and a busy timeout, and takes its transaction
handling from us rather than from the driver so that a service can ask for
``BEGIN IMMEDIATE`` (the write lock up front) instead of failing to upgrade a
read lock when two writers meet.

PostgreSQL gets bounds, so that a database that stops answering costs a
request a few seconds and a 503, never a hung worker (docs/operations.md):

- ``DATABASE_CONNECT_TIMEOUT``: a new connection is given up after it;
- ``DATABASE_STATEMENT_TIMEOUT``: the server cancels a statement that runs
  longer, and the client closes a connection whose statement, commit or
  rollback has had no answer one second past it (a server that is frozen, or
  a host gone without a word, never sends the cancel's error; the kernel
  keeps acknowledging its packets, so TCP alone never notices);
- ``DATABASE_KEEPALIVES_*``: TCP keepalives find a dead peer on an idle
  connection;
- ``DATABASE_POOL_TIMEOUT``: a request waits that long for a connection from
  a full pool;
- ``DATABASE_POOL_RECYCLE``: a pooled connection older than this is replaced
  (before a firewall or the server drops it idle).

A connection taken from the pool is not pinged (that was a round trip per
request): its socket is polled without waiting instead. An idle connection
has nothing to read, so a readable socket means the server closed it (a
restart, a terminated backend) and the pool drops it and takes or opens
another before the request uses it. A host that vanished without a word is
found by the keepalives or, at the first statement, by the watchdog: that
request gets a 503 and SQLAlchemy drops every older pooled connection.

The client-side bound is a watchdog thread: each statement registers its
connection's socket with a deadline, and the watchdog shuts the socket down
when the deadline passes, so the driver's blocking read fails at once with a
disconnect (SQLAlchemy then drops the connection from the pool and the next
request connects afresh).
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import logging
import math
import os
import select
import socket
import threading
import time
import weakref
from collections.abc import Iterator

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url

SQLITE_BEGIN_OPTION = "sqlite_begin"

# Engines whose connections are at read committed, as the server answered once.
_READ_COMMITTED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

log = logging.getLogger(__name__)


def engine_options(config) -> dict:
    """``SQLALCHEMY_ENGINE_OPTIONS`` for the configured database, the app's own on top."""
    options: dict = {}
    if make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "postgresql":
        options["pool_timeout"] = config["DATABASE_POOL_TIMEOUT"]
        options["pool_recycle"] = config["DATABASE_POOL_RECYCLE"]
    options.update(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    return options


def configure_engine(engine: Engine, config) -> None:
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        _bound_postgresql(engine, config)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        mode = conn.get_execution_options().get(SQLITE_BEGIN_OPTION, "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


def can_go_on_writing(session) -> bool:
    """Whether the session's open read-only transaction may go on as a write one
    (``services._tx.write_transaction``) rather than end and begin afresh.

    Only on PostgreSQL at read committed, where each statement sees what is committed
    when it starts, so going on reads as freshly as a new transaction would; and only
    if the transaction is sound: not ended by SQLAlchemy after a failed flush, nor
    failed at the server (a statement that raised, which a view caught).
    """
    transaction = session.get_transaction()
    if transaction is None or not transaction.is_active:
        return False
    connection = session.connection()
    engine = connection.engine
    if engine.dialect.name != "postgresql":
        return False
    info = getattr(connection.connection.dbapi_connection, "info", None)
    status = getattr(info, "transaction_status", None)
    if status is not None and status.name == "INERROR":
        return False
    if engine not in _READ_COMMITTED:  # once per engine: asking costs a round trip
        level = connection.get_isolation_level()
        _READ_COMMITTED[engine] = level.replace("_", " ").upper() == "READ COMMITTED"
    return _READ_COMMITTED[engine]


# --- PostgreSQL: timeouts, keepalives and the watchdog -----------------------

# A shorter bound for the statements run inside ``bounded(seconds)``.
_bound_override: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "database_bound", default=None
)


@contextlib.contextmanager
def bounded(seconds: float) -> Iterator[None]:
    """Give every statement inside the block at most ``seconds`` to be answered."""
    token = _bound_override.set(seconds)
    try:
        yield
    finally:
        _bound_override.reset(token)


def _bound_postgresql(engine: Engine, config) -> None:
    import psycopg

    statement_ms = int(config["DATABASE_STATEMENT_TIMEOUT"] * 1000)
    # The client gives the server one second past its own cancel to answer.
    client_bound = config["DATABASE_STATEMENT_TIMEOUT"] + 1 if statement_ms > 0 else None

    def _guard(connection):
        seconds = _bound_override.get() or client_bound
        if seconds is None or connection.closed:
            return contextlib.nullcontext()
        try:
            fd = connection.pgconn.socket
        except psycopg.OperationalError:  # already lost: the driver says so itself
            return contextlib.nullcontext()
        return _watchdog.watch(fd, seconds)

    class BoundedCursor(psycopg.Cursor):
        def execute(self, *args, **kwargs):
            with _guard(self.connection):
                return super().execute(*args, **kwargs)

        def executemany(self, *args, **kwargs):
            with _guard(self.connection):
                return super().executemany(*args, **kwargs)

    class BoundedConnection(psycopg.Connection):
        def commit(self):
            with _guard(self):
                return super().commit()

        def rollback(self):
            with _guard(self):
                return super().rollback()

    @event.listens_for(engine, "checkout")
    def _drop_if_closed_by_server(dbapi_connection, _record, _proxy):
        if dbapi_connection.closed or _closed_by_peer(dbapi_connection.pgconn.socket):
            raise sa_exc.DisconnectionError("the server closed this pooled connection")

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect, _record, cargs, cparams):
        cparams["cursor_factory"] = BoundedCursor
        cparams.setdefault("connect_timeout", max(1, round(config["DATABASE_CONNECT_TIMEOUT"])))
        cparams.setdefault("keepalives", 1)
        cparams.setdefault("keepalives_idle", config["DATABASE_KEEPALIVES_IDLE"])
        cparams.setdefault("keepalives_interval", config["DATABASE_KEEPALIVES_INTERVAL"])
        cparams.setdefault("keepalives_count", config["DATABASE_KEEPALIVES_COUNT"])
        if statement_ms > 0:
            given = cparams.get("options")
            setting = f"-c statement_timeout={statement_ms}"
            cparams["options"] = f"{given} {setting}" if given else setting
        return BoundedConnection.connect(*cargs, **cparams)


def _closed_by_peer(fd: int) -> bool:
    """Whether an idle connection's socket has something to read (its end, or an error)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


IDLE_TICK = 1.0


class _Watchdog:
    """Shuts down the socket of a statement that outlives its deadline."""

    def __init__(self):
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        # A forked worker starts with no thread and no watched sockets of its parent's.
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._watched: dict[int, tuple[float, int, float]] = {}
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None
        self._wakes_at = math.inf  # when the watchdog next looks (it is told of sooner deadlines)

    @contextlib.contextmanager
    def watch(self, fd: int, seconds: float) -> Iterator[None]:
        token = next(self._tokens)
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="database-watchdog", daemon=True
                )
                self._thread.start()
            deadline = time.monotonic() + seconds
            self._watched[token] = (deadline, fd, seconds)
            # Wake the watchdog only when it would otherwise sleep past this deadline:
            # a wake-up per statement cost a thread switch per statement.
            if deadline < self._wakes_at:
                self._changed.notify()
        try:
            yield
        finally:
            with self._lock:
                self._watched.pop(token, None)

    def _run(self) -> None:
        with self._lock:
            while True:
                now = time.monotonic()
                for token, (deadline, fd, seconds) in list(self._watched.items()):
                    if deadline <= now:
                        # Under the lock the statement is still running, so the
                        # descriptor is still its connection's.
                        del self._watched[token]
                        _shut_down(fd, seconds)
                deadlines = [deadline for deadline, _, _ in self._watched.values()]
                # Idle, it still looks every IDLE_TICK seconds, so that most new
                # statements (deadline seconds away) need not wake it.
                self._wakes_at = min(deadlines) if deadlines else now + IDLE_TICK
                self._changed.wait(self._wakes_at - now)


def _shut_down(fd: int, seconds: float) -> None:
    log.warning("the database gave no answer within %s s: closing the connection", seconds)
    try:
        sock = socket.socket(fileno=os.dup(fd))
    except OSError:
        return
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


_watchdog = _Watchdog()
