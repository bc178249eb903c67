"""A worker killed in a burst of checkouts, and Redis stopped under logins."""

from __future__ import annotations

import os
import signal
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

import pytest
import requests

from tests.faults.conftest import PASSWORD, REQUEST_BOUND, _store, timed
from tests.processes import RedisServer, redis_server, wait_until

STOCK = 10
BUYERS = 20


def _definitive(store, headers, key: str) -> requests.Response:
    """Send the order until it gets an answer that is not a lost connection or a 5xx."""
    for _ in range(20):
        outcome, _ = timed(store.order, headers, key)
        if isinstance(outcome, requests.Response) and outcome.status_code < 500:
            return outcome
    raise AssertionError(f"no definitive answer for {key}: {outcome!r}")


def test_a_worker_killed_mid_checkout_loses_nothing_and_a_retry_orders_once(store):
    product_id = store.new_product(stock=STOCK)
    buyers = [store.new_customer() for _ in range(BUYERS)]
    for headers in buyers:
        added = store.post(
            "/api/cart/items", headers=headers, json={"product_id": product_id, "quantity": 1}
        )
        assert added.status_code == 201
    keys = [f"burst-{n}" for n in range(BUYERS)]

    with ThreadPoolExecutor(BUYERS) as pool:
        futures = [pool.submit(timed, store.order, h, k) for h, k in zip(buyers, keys, strict=True)]
        # Kill a worker while the rest of the burst is still in flight.
        wait(futures, return_when=FIRST_COMPLETED)
        victim = store.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        first = [future.result()[0] for future in futures]
    lost = [isinstance(outcome, Exception) or outcome.status_code >= 500 for outcome in first]

    # Every buyer retries with the same key until the store answers for sure.
    final = [_definitive(store, h, k) for h, k in zip(buyers, keys, strict=True)]
    ordered = [r for r in final if r.status_code in (200, 201)]
    refused = [r for r in final if r.status_code == 409]
    assert len(ordered) == STOCK, [r.status_code for r in final]
    assert len(refused) == BUYERS - STOCK
    assert all(r.json()["code"] == "out_of_stock" for r in refused)
    # A key answered twice names one order: a replay never orders again.
    order_ids = [r.json()["id"] for r in ordered]
    assert len(set(order_ids)) == STOCK
    for headers, key, response in zip(buyers, keys, final, strict=True):
        if response.status_code in (200, 201):
            assert store.order(headers, key).json()["id"] == response.json()["id"]
    product = store.get(f"/api/products/{product_id}").json()
    assert product["stock_quantity"] == 0
    wait_until(lambda: victim not in store.worker_pids(), 30, "gunicorn to replace the worker")
    store.audit()
    print(f"killed worker {victim}; {sum(lost)} of {BUYERS} checkouts lost their answer")


@pytest.fixture(scope="module")
def own_redis():
    with redis_server() as server:
        yield server


@pytest.fixture(scope="module")
def limited_store(cluster, own_redis, tmp_path_factory):
    """The store with login limits counted in a Redis of the test's own."""
    yield from _store(
        cluster,
        tmp_path_factory,
        {"RATELIMIT_ENABLED": "true", "RATELIMIT_STORAGE_URI": own_redis.url},
    )


def _log_in(store, email: str) -> requests.Response:
    outcome, seconds = timed(
        store.post, "/api/auth/login", json={"email": email, "password": PASSWORD}
    )
    assert not isinstance(outcome, Exception), outcome
    assert seconds < REQUEST_BOUND
    return outcome


def test_redis_stopped_and_restarted_mid_traffic_keeps_logins_working(limited_store, own_redis):
    store = limited_store
    email = "redis-shopper@example.com"
    registered = store.post(
        "/api/auth/register", json={"email": email, "password": PASSWORD, "full_name": "R"}
    )
    assert registered.status_code == 201
    assert _log_in(store, email).status_code == 200
    assert store.get("/readyz").json()["status"] == "ok"

    own_redis.stop()
    try:
        # Logins go on with per-process counters; readiness says so.
        for _ in range(6):
            assert _log_in(store, email).status_code == 200
        ready = store.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["status"] == "degraded"
        assert ready.json()["rate_limits"] != "ok"
        assert _log_in(store, "nobody@example.com").status_code == 401
    finally:
        restarted = RedisServer(own_redis.port).start()
        own_redis.process = restarted.process

    # Back on Redis once it answers again, in every worker that asks.
    wait_until(
        lambda: store.get("/readyz").json()["status"] == "ok", 30, "/readyz to leave degraded"
    )
    assert _log_in(store, email).status_code == 200
    store.audit()
