"""The database frozen, stopped or restarted under shoppers: 503 in seconds, then recovery."""

from __future__ import annotations

import signal
from concurrent.futures import ThreadPoolExecutor

from tests.faults.conftest import REQUEST_BOUND, timed
from tests.processes import wait_until

# What shoppers and clients ask for while the database is away: pages, the API
# and a checkout, more at once than there are workers.
READS = ["/", "/products", "/api/products", "/api/products/{product}", "/products?q=lamp"]


def _recovered(store) -> bool:
    return store.get("/api/products", timeout=10).status_code == 200


def _during_outage(store, product_id: int, buyers) -> list[tuple[str, object, float]]:
    """Fire reads and checkouts at once; (what, response or error, seconds) for each."""
    calls = [(path, store.get, path.format(product=product_id)) for path in READS * 2]
    with ThreadPoolExecutor(len(calls) + len(buyers)) as pool:
        futures = [(what, pool.submit(timed, call, arg)) for what, call, arg in calls]
        futures += [
            ("checkout", pool.submit(timed, store.order, headers, f"outage-{n}"))
            for n, headers in enumerate(buyers)
        ]
        return [(what, *future.result()) for what, future in futures]


def _assert_unavailable_in_time(outcomes) -> None:
    for what, response, seconds in outcomes:
        assert seconds < REQUEST_BOUND, f"{what} took {seconds:.1f} s"
        assert not isinstance(response, Exception), f"{what}: {response!r}"
        assert response.status_code == 503, f"{what}: {response.status_code}"
        assert response.headers["Retry-After"] == "5"
        if "/api/" in what or what == "checkout":
            assert response.headers["Content-Type"] == "application/problem+json"
            assert response.json()["code"] == "database_unavailable"
        else:
            assert "The shop cannot answer right now" in response.text


def _buyers_with_carts(store, product_id: int, count: int):
    buyers = [store.new_customer() for _ in range(count)]
    for headers in buyers:
        added = store.post(
            "/api/cart/items", headers=headers, json={"product_id": product_id, "quantity": 1}
        )
        assert added.status_code == 201, added.text
    return buyers


def test_a_frozen_database_costs_seconds_and_a_503_and_the_store_recovers(store, cluster):
    product_id = store.new_product(stock=50)
    buyers = _buyers_with_carts(store, product_id, 3)
    assert store.checkout(store.new_customer(), product_id).status_code == 201  # pools are warm

    cluster.signal_all(signal.SIGSTOP)  # every process of the cluster: frozen, not gone
    try:
        ready, ready_seconds = timed(store.get, "/readyz")
        health, health_seconds = timed(store.get, "/healthz")
        outcomes = _during_outage(store, product_id, buyers)
    finally:
        cluster.signal_all(signal.SIGCONT)

    # /readyz has its own short bound; /healthz never asks the database.
    assert ready.status_code == 503 and ready.json()["database"] == "unreachable"
    assert ready_seconds < 6, f"/readyz took {ready_seconds:.1f} s"
    assert health.status_code == 200 and health_seconds < 2
    _assert_unavailable_in_time(outcomes)
    slowest = max(seconds for _, _, seconds in outcomes)
    print(f"frozen database: /readyz 503 in {ready_seconds:.1f} s, slowest 503 {slowest:.1f} s")

    # Every worker gets its connections back without a restart.
    wait_until(lambda: _recovered(store), 30, "the store to answer again")
    for _ in range(6):  # more requests than workers: each worker has recovered
        assert store.get("/products").status_code == 200
    assert store.get("/readyz").json()["database"] == "ok"
    # The buyers refused during the freeze still have their carts and can order.
    for n, headers in enumerate(buyers):
        assert store.order(headers, f"after-freeze-{n}").status_code == 201
    store.audit()


def test_a_stopped_database_is_503_at_once_and_a_restart_is_picked_up(store, cluster):
    product_id = store.new_product(stock=50)
    buyers = _buyers_with_carts(store, product_id, 3)

    cluster.stop("fast")
    try:
        ready, _ = timed(store.get, "/readyz")
        outcomes = _during_outage(store, product_id, buyers)
    finally:
        cluster.start()

    assert ready.status_code == 503
    _assert_unavailable_in_time(outcomes)
    wait_until(lambda: _recovered(store), 30, "the store to answer again")
    for n, headers in enumerate(buyers):
        assert store.order(headers, f"after-restart-{n}").status_code == 201
    store.audit()
