"""CSV import speed: a 10,000-row file of new products, then the same file as updates.

    .venv/bin/python -m bench.import_csv [--rows N]

The issue's target: 10,000 rows import in under a minute on this machine.
Runs on a throw-away SQLite file, then, when ``TEST_DATABASE_URL`` names a
PostgreSQL server, on a fresh database created there and dropped afterwards.
Rows come in products of one variant and of six (Size x Colour); each import
is timed whole (reading, checking, writing, commit), after a dry run of it.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time

os.environ["STOREFRONT_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="storefront-bench-")
for _name in ("DATABASE_URL", "SECRET_KEY"):
    os.environ.pop(_name, None)

from flask_migrate import upgrade  # noqa: E402

from bench.checkout import _app, on_each_database  # noqa: E402
from storefront.extensions import db  # noqa: E402
from storefront.services import catalog_csv, inventory  # noqa: E402


def _file(rows: int, stock_shift: int = 0) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=catalog_csv.COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    n = 0
    product = 0
    while n < rows:
        product += 1
        combos = [("", "")] if product % 2 else [(s, c) for s in "SML" for c in ("Red", "Blue")]
        for size, colour in combos[: rows - n]:
            row = {
                "name": f"Bench item {product}",
                "description": "Imported for the benchmark.",
                "price": f"{product % 500 + 1}.50",
                "sku": f"BENCH-{product}-{size}-{colour}".rstrip("-"),
                "stock": str((n % 20) + stock_shift),
            }
            if size:
                row.update(
                    option1_name="Size", option1_value=size,
                    option2_name="Colour", option2_value=colour,
                )  # fmt: skip
            writer.writerow(row)
            n += 1
    return out.getvalue().encode()


def _export_with_new_stock(shift: int) -> bytes:
    rows = list(csv.DictReader(io.StringIO("".join(catalog_csv.export_csv()))))
    for row in rows:
        row["stock"] = str(int(row["stock"]) + shift)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=catalog_csv.COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _timed(label: str, data: bytes, dry_run: bool) -> None:
    started = time.perf_counter()
    report = catalog_csv.import_products(io.BytesIO(data), dry_run=dry_run)
    elapsed = time.perf_counter() - started
    counts = ", ".join(f"{v} {k}" for k, v in report.summary.items())
    print(f"  {label:<32} {elapsed:6.1f} s  ({counts})", flush=True)
    assert not report.refused, report.refused[:3]


def run(label: str, url: str, rows: int) -> None:
    app = _app(url)
    with app.app_context():
        upgrade(directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
        print(f"{label}: {rows:,} rows", flush=True)
        new = _file(rows)
        _timed("dry run, new products", new, True)
        _timed("import, new products", new, False)
        updates = _export_with_new_stock(3)
        _timed("dry run, every stock changed", updates, True)
        _timed("import, every stock changed", updates, False)
        assert inventory.stock_discrepancies() == []
        db.session.remove()
        db.engine.dispose()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args(argv)
    on_each_database(lambda label, url: run(label, url, args.rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
