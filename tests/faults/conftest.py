"""Fault suite: the store on gunicorn with several workers, on a PostgreSQL of its own.

Each module gets a fresh cluster (``initdb`` into a temporary folder, its own
port; never the shared server at 5432), migrated and seeded through the CLI,
and gunicorn started from the repository root as in production (its
``gunicorn.conf.py``) with the production bounds on the database made short,
so that a test can stop, freeze or restart the database, kill a worker or stop
Redis and watch what shoppers get. ``make test-faults`` runs this folder;
``.ci/run`` runs it once.

After each fault, ``audit()`` checks what must always hold: ``flask
check-stock`` and ``flask check-orders`` pass (every total is subtotal minus
discount plus shipping), every order has its items and its history, every
order's subtotal equals its lines, and every order a client was told about
exists.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.processes import (
    HOST,
    free_port,
    need,
    postgres_cluster,
    start_gunicorn,
    stop_process,
    wait_until,
)

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
WORKERS = 3
ADMIN_EMAIL = "faults-admin@example.com"
PASSWORD = "fault-test-pass-123"

# Short bounds, so that a hung database costs seconds (docs/operations.md).
BOUNDS = {
    "DATABASE_CONNECT_TIMEOUT": "2",
    "DATABASE_STATEMENT_TIMEOUT": "2",
    "DATABASE_POOL_TIMEOUT": "2",
    "READINESS_TIMEOUT": "1",
}
# The longest any request may take while the database is frozen or gone: the
# bounds above once for a pooled connection (statement + 1 s grace) and once
# for a new one (connect), queueing behind one other request on the same
# worker, and room for a loaded machine. Without the bounds it was 60 s and
# a connection reset.
REQUEST_BOUND = 15.0


@dataclass
class Store:
    url: str
    database_url: str
    env: dict[str, str]
    process: subprocess.Popen
    log: Path
    told_orders: set[int] = field(default_factory=set)

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 90)
        return requests.get(self.url + path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 90)
        return requests.post(self.url + path, **kwargs)

    def flask(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            [str(BIN / "flask"), "--app", "wsgi", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=check,
        )

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def login(self, email: str) -> dict[str, str]:
        response = self.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    def new_customer(self) -> dict[str, str]:
        email = f"shopper-{uuid.uuid4().hex[:12]}@example.com"
        response = self.post(
            "/api/auth/register",
            json={"email": email, "password": PASSWORD, "full_name": "Fault Shopper"},
        )
        assert response.status_code == 201, response.text
        return self.login(email)

    def new_product(self, stock: int, price: str = "12.50") -> int:
        admin = self.login(ADMIN_EMAIL)
        response = self.post(
            "/api/products",
            headers=admin,
            json={
                "name": f"Fault product {uuid.uuid4().hex[:8]}",
                "price": price,
                "stock_quantity": stock,
            },
        )
        assert response.status_code == 201, response.text
        return response.json()["id"]

    def checkout(
        self, headers: dict[str, str], product_id: int, quantity: int = 1, key: str | None = None
    ) -> requests.Response:
        """Fill the cart and order it; a 2xx order is remembered for the audit."""
        added = self.post(
            "/api/cart/items",
            headers=headers,
            json={"product_id": product_id, "quantity": quantity},
        )
        if added.status_code != 201:
            return added
        return self.order(headers, key or uuid.uuid4().hex)

    def order(self, headers: dict[str, str], key: str) -> requests.Response:
        response = self.post(
            "/api/orders",
            headers={**headers, "Idempotency-Key": key},
            json={"shipping_address": "House 1, Road 2, Dhaka"},
        )
        if response.status_code in (200, 201):
            self.told_orders.add(response.json()["id"])
        return response

    def audit(self) -> None:
        """What must hold after any fault."""
        for command in ("check-stock", "check-orders"):  # ledgers; every order adds up
            result = self.flask(command, check=False)
            assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                orders = conn.execute(text("SELECT id, subtotal FROM orders")).all()
                lines = dict(
                    conn.execute(
                        text("SELECT order_id, SUM(line_total) FROM order_items GROUP BY order_id")
                    ).all()
                )
                history = set(
                    conn.scalars(text("SELECT DISTINCT order_id FROM order_status_changes"))
                )
        finally:
            engine.dispose()
        ids = {order_id for order_id, _ in orders}
        for order_id, subtotal in orders:
            assert order_id in lines, f"order {order_id} has no items"
            assert order_id in history, f"order {order_id} has no history"
            assert Decimal(subtotal) == Decimal(lines[order_id]), f"order {order_id}'s subtotal"
        assert self.told_orders <= ids, f"orders answered but missing: {self.told_orders - ids}"


def timed(call, *args, **kwargs) -> tuple[requests.Response | Exception, float]:
    started = time.monotonic()
    try:
        outcome = call(*args, **kwargs)
    except requests.RequestException as exc:
        outcome = exc
    return outcome, time.monotonic() - started


def _new_database(cluster_url: str) -> str:
    """A database of its own on the cluster for each store, so audits never mix."""
    name = f"store_{uuid.uuid4().hex[:8]}"
    engine = create_engine(cluster_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return cluster_url.rsplit("/", 1)[0] + f"/{name}"


def _start_gunicorn(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    process = start_gunicorn("--workers", str(WORKERS), port=port, env=env, log=log)

    def answers() -> bool:
        assert process.poll() is None, log.read_text()
        try:
            return requests.get(f"http://{HOST}:{port}/readyz", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    wait_until(answers, 60, "gunicorn to answer /readyz")
    return process


@pytest.fixture(scope="module")
def cluster() -> Iterator:
    need("pgrep")
    with postgres_cluster() as server:
        yield server


@pytest.fixture(scope="module")
def store(cluster, tmp_path_factory) -> Iterator[Store]:
    """A migrated, seeded store on gunicorn with ``WORKERS`` workers, on ``cluster``."""
    yield from _store(cluster, tmp_path_factory, {})


def _store(cluster, tmp_path_factory, extra_env: dict[str, str]) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("store")
    database_url = _new_database(cluster.url)
    env = {
        **os.environ,
        "STOREFRONT_INSTANCE_PATH": str(folder / "instance"),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "fault-test-secret-key-0123456789abcdef",
        "JWT_SECRET_KEY": "fault-test-jwt-key-0123456789abcdef-jwt",
        "MEDIA_ROOT": str(folder / "media"),
        "RATELIMIT_ENABLED": "false",
        **BOUNDS,
        **extra_env,
    }
    env.pop("TEST_DATABASE_URL", None)
    port = free_port()
    log = folder / "gunicorn.log"
    store = Store(f"http://{HOST}:{port}", database_url, env, None, log)  # type: ignore[arg-type]
    store.flask("db", "upgrade")
    store.flask("create-admin", "--email", ADMIN_EMAIL, "--password", PASSWORD)
    store.process = _start_gunicorn(env, port, log)
    try:
        yield store
    finally:
        stop_process(store.process)
