"""How long the catalog's search and listing statements take as the catalog grows.

For each size, a scratch PostgreSQL database (or a SQLite file) is migrated and
filled by ``bench/web.py``'s seed (the demo catalog, repeated), then every case
below is run through ``catalog.search_products`` as the pages and the API call
it. On PostgreSQL each statement the call sends is then run under
``EXPLAIN (ANALYZE)`` and its server-side execution time kept; on SQLite, which
has no such timing, the wall time of the whole call is kept. The median of
``--reps`` runs is printed, in milliseconds, one row per case and a column per
size. These timings barely move with the load of a shared machine, unlike req/s.

    .venv/bin/python -m bench.search                      # PostgreSQL, 1k/10k/100k
    .venv/bin/python -m bench.search --database sqlite --sizes 1000,100000
    .venv/bin/python -m bench.search --plans              # also print each plan (largest size)
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

# name: keyword arguments of catalog.search_products
CASES = {
    "default listing (newest)": {},
    "sort=name": {"sort": "name"},
    "sort=price_asc": {"sort": "price_asc"},
    "in_stock": {"in_stock": True},
    "category=books": {"category": "books"},
    "q=mat (27) (selective)": {"q": "mat (27)"},
    "q=keyboard (one product in 30)": {"q": "keyboard"},
    "q=with (common)": {"q": "with"},
    "q=ug (short)": {"q": "ug"},
}


def _execution_ms(plan: list[str]) -> float:
    for line in reversed(plan):
        found = re.search(r"Execution Time: ([\d.]+) ms", line)
        if found:
            return float(found.group(1))
    raise RuntimeError("no execution time in the plan")


def measure(app, reps: int, show_plans: bool) -> dict[str, float]:
    from sqlalchemy import event

    from storefront.extensions import db
    from storefront.services import catalog

    results = {}
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        for name, kwargs in CASES.items():
            sent: list = []

            def record(conn, cursor, statement, parameters, context, executemany, sent=sent):
                if "FROM products" in statement:
                    sent.append((statement, parameters))

            timings = []
            for _ in range(reps):
                sent.clear()
                event.listen(db.engine, "before_cursor_execute", record)
                started = time.perf_counter()
                try:
                    page = catalog.search_products(**kwargs)
                finally:
                    event.remove(db.engine, "before_cursor_execute", record)
                elapsed = (time.perf_counter() - started) * 1000
                db.session.rollback()
                if not postgres:
                    timings.append(elapsed)
                    continue
                total = 0.0
                with db.engine.connect() as conn:
                    for statement, parameters in sent:
                        plan = list(
                            conn.exec_driver_sql(
                                "EXPLAIN (ANALYZE) " + statement, parameters
                            ).scalars()
                        )
                        total += _execution_ms(plan)
                timings.append(total)
            results[name] = statistics.median(timings)
            if show_plans and postgres:
                print(f"\n## {name} (total {page.total})")
                print("\n".join(plan))
    return results


def prepare(kind: str, size: int, folder: Path):
    from bench.web import PostgresDatabase, migrate, seed, store_env
    from storefront import create_app

    if kind == "postgresql":
        holder = PostgresDatabase(os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_PG)
        url = holder.__enter__()
    else:
        holder = None
        url = f"sqlite:///{folder}/search-{size}.db"
    instance = folder / f"instance-{size}"
    os.environ["STOREFRONT_INSTANCE_PATH"] = str(instance)
    try:
        migrate(store_env(url, instance))
        seed(url, size)
    except BaseException:
        if holder is not None:  # no scratch database left behind
            holder.__exit__(None, None, None)
        raise
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "x" * 40, "TESTING": True}
    )
    return app, holder


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--plans", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    sizes = [int(s) for s in args.sizes.split(",")]
    columns = {}
    with tempfile.TemporaryDirectory(prefix="storefront-bench-search-") as folder:
        for size in sizes:
            app, holder = prepare(args.database, size, Path(folder))
            try:
                started = time.monotonic()
                columns[size] = measure(app, args.reps, args.plans and size == sizes[-1])
                print(f"{size:,} products measured in {time.monotonic() - started:.0f} s")
            finally:
                from storefront.extensions import db

                with app.app_context():
                    db.engine.dispose()
                if holder is not None:
                    holder.__exit__(None, None, None)
    print(f"\n{args.database}, median of {args.reps}, ms")
    print("| case | " + " | ".join(f"{s:,}" for s in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for name in CASES:
        print(f"| {name} | " + " | ".join(f"{columns[s][name]:.1f}" for s in sizes) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
