"""CPU milliseconds one request costs the store, measured in one process: ``make bench-cpu``.

    .venv/bin/python -m bench.cpu [--products N] [--requests R] [--database sqlite|postgresql]

The HTTP bench (bench/web.py) shares two cores with whatever else the machine
runs, so its figures move with the load. This one counts the process's own CPU
time (``time.process_time``) around each request made through Flask's test
client, on a database seeded like bench/web.py's, and prints the median and the
90th percentile per path: a change to the code shows here even on a busy
machine. On PostgreSQL the server's own work is not counted (it runs in another
process); on SQLite it is.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    sys.path.insert(0, os.getcwd())

    from bench.web import DEFAULT_PG, PostgresDatabase, a_product, migrate, seed, store_env

    folder = Path(tempfile.mkdtemp(prefix="storefront-bench-cpu-"))
    if args.database == "postgresql":
        database = PostgresDatabase(os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_PG)
        url = database.__enter__()
    else:
        database, url = None, f"sqlite:///{folder}/bench.db"
    try:
        env = store_env(url, folder)
        migrate(env)
        seed(url, args.products)
        os.environ.update(env)
        from storefront import create_app

        app = create_app()
        client = app.test_client()
        pid, slug = a_product(url)
        paths = {
            "GET /api/products?per_page=100": "/api/products?per_page=100",
            "GET /api/products/{id}": f"/api/products/{pid}",
            "catalog page /products": "/products",
            "product page": f"/products/{pid}-{slug}",
            "home /": "/",
            "GET /api/products?q=with": "/api/products?q=with",
            "search page /products?q=with": "/products?q=with",
        }
        print(f"{args.database}, {args.products:,} products, {args.requests} requests per path")
        print("| path | CPU ms per request: fastest | median | p90 |\n|---|---|---|---|")
        for label, path in paths.items():
            for _ in range(10):
                assert client.get(path).status_code == 200, path
            costs = []
            for _ in range(args.requests):
                start = time.process_time()
                client.get(path)
                costs.append((time.process_time() - start) * 1000)
            costs.sort()
            p90 = costs[int(len(costs) * 0.9) - 1]
            print(f"| {label} | {costs[0]:.2f} | {statistics.median(costs):.2f} | {p90:.2f} |")
        with app.app_context():
            from storefront.extensions import db

            db.engine.dispose()
    finally:
        if database is not None:
            database.__exit__(None, None, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
