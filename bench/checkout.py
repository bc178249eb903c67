"""Checkout throughput: N sequential, then N parallel checkouts, in orders per second.

    .venv/bin/python -m bench.checkout [--orders N] [--threads T] [--lines L] [--products P]

Runs on a throw-away SQLite file, then, when ``TEST_DATABASE_URL`` names a
PostgreSQL server, on a fresh database created there and dropped afterwards.
Each customer's cart holds ``L`` lines drawn from ``P`` shared products, so
parallel checkouts really contend for the same rows (few products, more
contention). Only ``place_order`` is timed; building users and carts is not.
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal

# Like the tests: never read or write the developer's instance folder or .env values.
os.environ["STOREFRONT_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="storefront-bench-")
for _name in ("DATABASE_URL", "SECRET_KEY"):
    os.environ.pop(_name, None)

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from storefront import create_app  # noqa: E402
from storefront.extensions import db  # noqa: E402
from storefront.models import Order  # noqa: E402
from storefront.services import accounts, cart, catalog, categories, inventory, orders  # noqa: E402


def _app(url: str):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-for-hs256",
            "SQLALCHEMY_DATABASE_URI": url,
            "BCRYPT_LOG_ROUNDS": 4,
            "RATELIMIT_ENABLED": False,
            # Enough connections for every thread, so the pool is not what we measure.
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 20, "max_overflow": 20},
        }
    )


def _prepare(app, customers: int, lines: int, product_count: int, seed: int) -> list[int]:
    """Products with stock for everyone, and one filled cart per customer."""
    rng = random.Random(seed)
    with app.app_context():
        bench_category = categories.ensure_category("Bench").id
        products = [
            catalog.create_product(
                name=f"Bench product {seed}-{i}",
                price=Decimal(rng.randrange(100, 10000)) / 100,
                stock_quantity=customers * lines * 10,
                category_id=bench_category,
            ).id
            for i in range(product_count)
        ]
        user_ids = []
        for n in range(customers):
            user = accounts.register(f"bench-{seed}-{n}@example.com", "bench-password")
            for product_id in rng.sample(products, min(lines, len(products))):
                cart.add_to_cart(user.id, product_id, rng.randint(1, 3))
            user_ids.append(user.id)
        db.session.remove()
    return user_ids


def _sequential(app, user_ids: list[int]) -> float:
    with app.app_context():
        start = time.perf_counter()
        for user_id in user_ids:
            orders.place_order(user_id, "1 Bench Road")
        elapsed = time.perf_counter() - start
        db.session.remove()
    return elapsed


def _parallel(app, user_ids: list[int], threads: int) -> float:
    work: queue.Queue[int] = queue.Queue()
    for user_id in user_ids:
        work.put(user_id)
    failures: list[BaseException] = []
    ready = threading.Barrier(threads + 1)

    def worker():
        with app.app_context():
            ready.wait()
            while True:
                try:
                    user_id = work.get_nowait()
                except queue.Empty:
                    break
                try:
                    orders.place_order(user_id, "1 Bench Road")
                except BaseException as exc:
                    failures.append(exc)
            db.session.remove()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    ready.wait()
    start = time.perf_counter()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    if failures:
        raise RuntimeError(f"{len(failures)} checkouts failed; first: {failures[0]!r}")
    return elapsed


def run(label: str, url: str, args) -> None:
    app = _app(url)
    with app.app_context():
        upgrade()
    sequential_users = _prepare(app, args.orders, args.lines, args.products, seed=1)
    parallel_users = _prepare(app, args.orders, args.lines, args.products, seed=2)

    seq = _sequential(app, sequential_users)
    par = _parallel(app, parallel_users, args.threads)

    with app.app_context():
        placed = db.session.scalar(select(func.count(Order.id)))
        problems = inventory.stock_discrepancies()
        db.session.remove()
        db.engine.dispose()
    assert placed == 2 * args.orders, placed
    assert problems == [], problems
    print(
        f"{label:<10} {args.orders} orders of {args.lines} lines over {args.products} products\n"
        f"{'':<10} sequential:            {args.orders / seq:8.1f} orders/s ({seq:.2f} s)\n"
        f"{'':<10} parallel, {args.threads:>2} threads:  {args.orders / par:8.1f} orders/s "
        f"({par:.2f} s)"
    )


def _with_postgres(url: str):
    base = make_url(url)
    name = f"storefront_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return admin, name, base.set(database=name).render_as_string(hide_password=False)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200, help="checkouts per mode")
    parser.add_argument("--threads", type=int, default=8, help="threads for the parallel mode")
    parser.add_argument("--lines", type=int, default=3, help="lines in each cart")
    parser.add_argument("--products", type=int, default=10, help="products the carts share")
    args = parser.parse_args(argv)

    on_each_database(lambda label, url: run(label, url, args))
    return 0


def on_each_database(run) -> None:
    """``run(label, url)`` on a throw-away SQLite file, then on a fresh PostgreSQL
    database (dropped afterwards) when ``TEST_DATABASE_URL`` names a server."""
    with tempfile.TemporaryDirectory(prefix="storefront-bench-db-") as folder:
        run("SQLite", f"sqlite:///{folder}/bench.db")
    requested = os.environ.get("TEST_DATABASE_URL", "").strip()
    if requested.startswith("postgresql"):
        admin, name, url = _with_postgres(requested)
        try:
            run("PostgreSQL", url)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    else:
        print("PostgreSQL: skipped (set TEST_DATABASE_URL=postgresql+psycopg://...)")


if __name__ == "__main__":
    sys.exit(main())
