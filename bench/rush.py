"""Checkout over HTTP on the production server, PostgreSQL: ``make bench-rush``.

    .venv/bin/python -m bench.rush [--buyers 32] [--rounds 5] [--rush 200] [--workers 2]

Two loads on gunicorn (``--workers`` sync workers, as ``make bench``) over a
fresh PostgreSQL database (dropped afterwards; ``BENCH_POSTGRES_URL`` names the
server, the local one by default):

1. **Throughput.** ``--buyers`` customers, each buying a product of their own (no
   two contend for a row). Each round, every buyer puts one item in their cart
   (``POST /api/cart/items``), then all of them check out at once
   (``POST /api/orders``). "Orders only" counts the checkout phases' time; "with
   add-to-cart" the whole rounds'.
2. **The rush.** ``--rush`` customers with one item each in their carts, from 5
   products holding 10 each, check out at once. Every answer must be 201 or 409
   (out of stock), none a 5xx; exactly the 50 items in stock are sold; and
   ``flask check-stock`` finds the ledger and the stock in agreement.

Customers and carts are made in-process beforehand (bcrypt at 4 rounds, so that
logging in is not what is measured). Prints orders per second and latency, and
the rush's tally.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

from bench.web import BIN, DEFAULT_PG, ROOT, PostgresDatabase, Server, migrate, store_env

PASSWORD = "bench-password-1"


def call(server: Server, method: str, path: str, token: str, body=None) -> tuple[int, float]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (localhost)
        server.url(path),
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    return status, time.perf_counter() - start


def make_shop(
    env: dict, buyers: int, rush: int
) -> tuple[list[tuple[str, int]], list[str], list[int]]:
    """Customers with a product each, rush customers and the 5 rushed products."""
    os.environ.update(env)
    from storefront import create_app
    from storefront.extensions import db
    from storefront.services import accounts, catalog, categories

    app = create_app({"BCRYPT_LOG_ROUNDS": 4, "RATELIMIT_ENABLED": False})
    with app.app_context():
        category = categories.ensure_category("Bench").id

        def product(name: str, stock: int) -> int:
            return catalog.create_product(
                name=name, price=Decimal("12.50"), stock_quantity=stock, category_id=category
            ).id

        own = [
            (
                accounts.register(f"buyer{n}@example.com", PASSWORD).email,
                product(f"Own {n}", 10_000),
            )
            for n in range(buyers)
        ]
        rushers = [accounts.register(f"rush{n}@example.com", PASSWORD).email for n in range(rush)]
        rushed = [product(f"Rushed {n}", 10) for n in range(5)]
        db.session.remove()
        db.engine.dispose()
    return own, rushers, rushed


def log_in(server: Server, emails: list[str]) -> list[str]:
    def one(email: str) -> str:
        request = urllib.request.Request(  # noqa: S310 (localhost)
            server.url("/api/auth/login"),
            data=json.dumps({"email": email, "password": PASSWORD}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return json.load(response)["access_token"]

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, emails))


def all_at_once(calls) -> list[tuple[int, float]]:
    """Run every call in its own thread, released together; their (status, seconds)."""
    gate = threading.Barrier(len(calls) + 1)
    results: list = [None] * len(calls)

    def run(i, fn):
        gate.wait()
        results[i] = fn()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    gate.wait()
    for t in threads:
        t.join()
    return results


def order(server: Server, token: str):
    return lambda: call(server, "POST", "/api/orders", token, {"shipping_address": "1 Bench Road"})


def _process_cpu(pid: str) -> float:
    """Seconds of CPU (user and system) a process has used; 0 if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after the command, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_used(server: Server) -> dict[str, float]:
    """CPU seconds used so far by the store's processes, PostgreSQL's (every process of
    the local server) and this load generator."""
    database = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    database += _process_cpu(entry.name)
            except OSError:
                continue
    own = os.times()
    return {
        "store": sum(_process_cpu(pid) for pid in [str(server.proc.pid), *server.workers()]),
        "database": database,
        "load generator": own.user + own.system,
    }


def throughput(server: Server, tokens: list[str], products: list[int], rounds: int) -> dict:
    checkout_seconds, total_seconds, latencies = 0.0, 0.0, []
    cpu = dict.fromkeys(("store", "database", "load generator"), 0.0)
    for _ in range(rounds):
        started = time.perf_counter()
        added = all_at_once(
            [
                (
                    lambda t=t, p=p: call(
                        server, "POST", "/api/cart/items", t, {"product_id": p, "quantity": 1}
                    )
                )
                for t, p in zip(tokens, products, strict=True)
            ]
        )
        assert all(status == 201 for status, _ in added), added
        checkout_started = time.perf_counter()
        cpu_before = cpu_used(server)
        placed = all_at_once([order(server, t) for t in tokens])
        for part, seconds in cpu_used(server).items():
            cpu[part] += seconds - cpu_before[part]
        assert all(status == 201 for status, _ in placed), placed
        checkout_seconds += time.perf_counter() - checkout_started
        total_seconds += time.perf_counter() - started
        latencies += [seconds for _, seconds in placed]
    orders = rounds * len(tokens)
    latencies.sort()
    return {
        "orders": orders,
        "orders_per_s": orders / checkout_seconds,
        "with_cart_per_s": orders / total_seconds,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
        "cpu_ms": {part: seconds * 1000 / orders for part, seconds in cpu.items()},
    }


def the_rush(server: Server, tokens: list[str], rushed: list[int]) -> dict:
    for n, token in enumerate(tokens):
        status, _ = call(
            server, "POST", "/api/cart/items", token, {"product_id": rushed[n % 5], "quantity": 1}
        )
        assert status == 201, status
    answers = all_at_once([order(server, t) for t in tokens])
    tally: dict[int, int] = {}
    for status, _ in answers:
        tally[status] = tally.get(status, 0) + 1
    return tally


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rush", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    sys.path.insert(0, os.getcwd())
    folder = Path(tempfile.mkdtemp(prefix="storefront-bench-rush-"))
    database = PostgresDatabase(os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_PG)
    url = database.__enter__()
    server = None
    try:
        env = store_env(url, folder)
        env["RATELIMIT_ENABLED"] = "false"
        migrate(env)
        own, rushers, rushed = make_shop(env, args.buyers, args.rush)
        server = Server("wsgi:app", env, folder, "store", args.workers)
        server.wait("/healthz")
        tokens = log_in(server, [email for email, _ in own])
        result = throughput(server, tokens, [p for _, p in own], args.rounds)
        tally = the_rush(server, log_in(server, rushers), rushed)
        rss = server.worker_rss_mb()
        server.stop()
        server = None
        check = subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", "check-stock"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        print(
            f"PostgreSQL, gunicorn {args.workers} sync workers, {args.buyers} buyers on products "
            f"of their own, {args.rounds} rounds ({result['orders']} orders)\n"
            f"  orders only:       {result['orders_per_s']:7.1f} orders/s "
            f"(p50 {result['p50_ms']:.0f} ms, p99 {result['p99_ms']:.0f} ms)\n"
            f"  with add-to-cart:  {result['with_cart_per_s']:7.1f} orders/s\n"
            f"  CPU per order while checking out: "
            f"{', '.join(f'{part} {ms:.1f} ms' for part, ms in result['cpu_ms'].items())} "
            f"({sum(result['cpu_ms'].values()):.1f} ms in all, on {os.cpu_count()} cores)\n"
            f"rush: {args.rush} buyers, 5 products x 10 in stock: "
            f"answers {dict(sorted(tally.items()))}\n"
            f"  check-stock: {'ok' if check.returncode == 0 else 'FAILED'} "
            f"{(check.stdout + check.stderr).strip().splitlines()[-1:]}\n"
            f"  worker RSS after: {', '.join(f'{mb:.0f} MB' for mb in rss)}"
        )
        sold = tally.get(201, 0)
        failed = sum(n for status, n in tally.items() if status >= 500)
        ok = check.returncode == 0 and failed == 0 and sold == 50
        return 0 if ok else 1
    finally:
        if server is not None:
            server.stop()
        database.__exit__(None, None, None)


if __name__ == "__main__":
    sys.exit(main())
