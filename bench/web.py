"""The store under HTTP load, beside a bare Flask ceiling: ``make bench``.

    .venv/bin/python -m bench.web [--label TEXT] [--out FILE]

For each database (PostgreSQL: a database of its own on ``BENCH_POSTGRES_URL``,
created and dropped here; SQLite: a throw-away file) it migrates the schema,
seeds 1,000, then 10,000, then 100,000 products (written in bulk, with their
``initial`` stock movements; the first thousand have an image path), and
starts the store with gunicorn (``gunicorn.conf.py``, 2 sync workers). Beside
it runs ``bench/ceiling.py`` on the same server and workers, answering the
store's own 100-product JSON page, precomputed.

Every repetition loads the ceiling and then each path with ``wrk`` (2 threads,
16 connections), one after the other (interleaved, so a busy moment on the
machine hits both). Each figure's ratio is taken to the ceiling of the same
repetition; the table shows medians with the range over the repetitions.
The first size runs every path; the larger ones the paths whose cost could
grow with the catalog (lists and search).

Environment (all optional):

- ``BENCH_QUICK=1``: PostgreSQL only, 1,000 products, 3 s per load;
- ``BENCH_DATABASES=postgresql,sqlite``, ``BENCH_SIZES=1000,10000,100000``,
  ``BENCH_REPS=3``, ``BENCH_DURATION=5`` (seconds per load);
- ``BENCH_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``;
  only a database named ``storefront_bench_*`` is ever created or dropped).

Not part of the tests or CI: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WRK = shutil.which("wrk") or "/usr/bin/wrk"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SECRET = "bench-secret-key-that-is-long-enough-for-hs256-signing"


# --- settings -------------------------------------------------------------------


@dataclass
class Settings:
    databases: list[str]
    sizes: list[int]
    reps: int
    duration: int
    threads: int = 2
    connections: int = 16
    workers: int = 2

    @classmethod
    def from_environment(cls) -> Settings:
        quick = os.environ.get("BENCH_QUICK") == "1"
        dbs = os.environ.get("BENCH_DATABASES") or ("postgresql" if quick else "postgresql,sqlite")
        sizes = os.environ.get("BENCH_SIZES") or ("1000" if quick else "1000,10000,100000")
        return cls(
            databases=[d.strip() for d in dbs.split(",") if d.strip()],
            sizes=sorted(int(s) for s in sizes.split(",") if s.strip()),
            reps=int(os.environ.get("BENCH_REPS") or 3),
            duration=int(os.environ.get("BENCH_DURATION") or (3 if quick else 5)),
        )


# --- processes ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (localhost)
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# The servers a bench can run the store (and the ceiling) on: BENCH_SERVER.
SERVERS = {
    "sync": lambda port, workers: [
        str(BIN / "gunicorn"), "--no-control-socket", "--workers", str(workers),
        "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
    ],
    "gthread": lambda port, workers: [
        str(BIN / "gunicorn"), "--no-control-socket", "--workers", str(workers),
        "--worker-class", "gthread", "--threads", "4", "--bind", f"127.0.0.1:{port}",
    ],
    # Not a dependency of the store: `pip install granian` to measure it.
    "granian": lambda port, workers: [
        str(BIN / "granian"), "--interface", "wsgi", "--workers", str(workers),
        "--blocking-threads", "1", "--host", "127.0.0.1", "--port", str(port), "--no-ws",
    ],
}  # fmt: skip


class Server:
    """The app on ``BENCH_SERVER`` (gunicorn sync by default) on a free port; ``stop``."""

    def __init__(self, app: str, env: dict, log_dir: Path, name: str, workers: int, port: int = 0):
        self.port = port or free_port()
        self.log = open(log_dir / f"{name}.log", "wb")  # noqa: SIM115 (closed in stop)
        server = os.environ.get("BENCH_SERVER") or "sync"
        self.proc = subprocess.Popen(
            [*SERVERS[server](self.port, workers), app],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.name = name

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log.name}")
            try:
                status, _ = get(self.url(path), timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer {path} within {timeout} s")

    def workers(self) -> list[str]:
        """The worker processes' pids (the server's children)."""
        try:
            return Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return []

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            if match:
                sizes.append(int(match.group(1)) / 1024)
        return sizes

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# --- databases and data ---------------------------------------------------------


def store_env(database_url: str, instance: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BENCH_", "DATABASE_"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "JWT_SECRET_KEY": SECRET + "-jwt",
            "STOREFRONT_INSTANCE_PATH": str(instance),
            "MEDIA_ROOT": str(instance / "media"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def migrate(env: dict) -> None:
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


SIZES = ("S", "M", "L")


def seed(database_url: str, upto: int) -> None:
    """Products up to ``upto`` in all, written in bulk as the services would write them:
    a variant each (every tenth product three, by size, with an option), a gallery
    image for the first thousand, and the ledger's first line per variant."""
    from sqlalchemy import create_engine, func, insert, select, text

    from storefront.cli import _demo_items
    from storefront.models import (
        Category,
        Product,
        ProductImage,
        ProductOption,
        ProductVariant,
    )
    from storefront.services.catalog import slugify

    engine = create_engine(database_url)
    products, categories = Product.__table__, Category.__table__
    epoch = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    try:
        with engine.begin() as conn:
            have = conn.scalar(select(func.count()).select_from(products))
            if have >= upto:
                return
            before = conn.scalar(select(func.coalesce(func.max(products.c.id), 0)))
            known = dict(conn.execute(select(categories.c.name, categories.c.id)).all())
            items = list(_demo_items(upto))[have:]
            for name in sorted({c for c, _, _ in items} - set(known)):
                conn.execute(
                    insert(categories).values(
                        name=name, slug=slugify(name), created_at=epoch, updated_at=epoch
                    )
                )
            known = dict(conn.execute(select(categories.c.name, categories.c.id)).all())
            rows = []
            for index, (category, name, description) in enumerate(items, start=have):
                stamp = epoch + dt.timedelta(seconds=index)
                price = f"{(index * 7919) % 249_850 / 100 + 1.5:.2f}"
                stock = (0, 2, 4, 8, 15, 25, 40, 60)[index % 8]
                rows.append(
                    {
                        "name": name,
                        "slug": slugify(name),
                        "description": description,
                        "price": price,
                        "min_price": price,
                        # A sized product holds three times a variant's stock.
                        "stock_quantity": stock * (3 if index % 10 == 0 else 1),
                        "category_id": known[category],
                        "image_path": f"bench/{index:06d}.jpg" if index < 1000 else None,
                        "is_active": True,
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                )
            for start in range(0, len(rows), 5000):
                conn.execute(insert(products), rows[start : start + 5000])
            made = conn.execute(
                select(
                    products.c.id,
                    products.c.stock_quantity,
                    products.c.image_path,
                    products.c.created_at,
                )
                .where(products.c.id > before)
                .order_by(products.c.id)
            ).all()
            options, variants, images = [], [], []
            for index, (pid, stock, image, stamp) in enumerate(made, start=have):
                times = {"created_at": stamp, "updated_at": stamp}
                one = {"price": None, "is_active": True, **times}
                if index % 10 == 0:
                    options.append(
                        {"product_id": pid, "name": "Size", "position": 0, "values": list(SIZES)}
                    )
                    for position, size in enumerate(SIZES):
                        variants.append(
                            {
                                **one,
                                "product_id": pid,
                                "sku": f"P{pid}-{size}",
                                "stock_quantity": stock // 3,
                                "option_values": [size],
                                "option_key": size,
                                "position": position,
                            }
                        )
                else:
                    variants.append(
                        {
                            **one,
                            "product_id": pid,
                            "sku": f"P{pid}",
                            "stock_quantity": stock,
                            "option_values": [],
                            "option_key": "",
                            "position": 0,
                        }
                    )
                if image:
                    images.append(
                        {"product_id": pid, "path": image, "alt": "", "position": 0, **times}
                    )
            for table, batch in (
                (ProductOption.__table__, options),
                (ProductVariant.__table__, variants),
                (ProductImage.__table__, images),
            ):
                for start in range(0, len(batch), 5000):
                    conn.execute(insert(table), batch[start : start + 5000])
            conn.execute(
                text(
                    "INSERT INTO stock_movements (product_id, variant_id, delta, reason,"
                    " stock_after, note, created_at, updated_at)"
                    " SELECT product_id, id, stock_quantity, 'initial', stock_quantity, '',"
                    " created_at, updated_at FROM product_variants"
                    " WHERE product_id > :before AND stock_quantity > 0"
                ),
                {"before": before},
            )
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
    finally:
        engine.dispose()


class PostgresDatabase:
    def __init__(self, server_url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        base = make_url(server_url)
        self.name = f"storefront_bench_{uuid.uuid4().hex[:10]}"
        self.admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        self.url = base.set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> str:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        return self.url

    def __exit__(self, *exc) -> None:
        from sqlalchemy import text

        assert self.name.startswith("storefront_bench_")
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        self.admin.dispose()


# --- load -----------------------------------------------------------------------


@dataclass
class Load:
    rps: float
    p50: float  # ms
    p99: float  # ms
    errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(text)
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(url: str, s: Settings) -> Load:
    out = subprocess.run(
        [
            WRK,
            f"-t{s.threads}",
            f"-c{s.connections}",
            f"-d{s.duration}s",
            "--timeout",
            "10s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    done = int(re.search(r"(\d+) requests in", out).group(1))
    if done:
        p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))
        p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    else:  # no answer within the load: its latency is at least the load's length
        p50 = p99 = float("inf")
    errors = 0
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += int(m.group(1)) + int(m.group(3)) + int(m.group(4))
    return Load(rps, p50, p99, errors)


@dataclass
class Result:
    database: str
    size: int
    path: str
    url: str
    loads: list[Load] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)


def paths_for(size: int, first: bool, product: tuple[int, str]) -> dict[str, str]:
    pid, slug = product
    grows = {
        "GET /api/products?per_page=100": "/api/products?per_page=100",
        "catalog page /products": "/products",
        "GET /api/products?q=with": "/api/products?q=with",
        # One product at every size ("Yoga Mat (27)"): what an index can make flat.
        "GET /api/products?q=mat+(27)": "/api/products?q=mat+%2827%29",
        "search page /products?q=with": "/products?q=with",
    }
    if not first:
        return grows
    return {
        "GET /api/products?per_page=100": "/api/products?per_page=100",
        "GET /api/products/{id}": f"/api/products/{pid}",
        "catalog page /products": "/products",
        "product page": f"/products/{pid}-{slug}",
        "home /": "/",
        **grows,
    }


def a_product(database_url: str) -> tuple[int, str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT id, slug FROM products ORDER BY id LIMIT 1 OFFSET 500")
            ).one()
    finally:
        engine.dispose()
    return row.id, row.slug


# --- the run --------------------------------------------------------------------


@dataclass
class Run:
    settings: Settings
    workdir: Path
    results: list[Result] = field(default_factory=list)
    ceilings: list[Result] = field(default_factory=list)
    rss: dict[str, list[float]] = field(default_factory=dict)
    ceiling: Server | None = None
    body_bytes: int = 0

    def start_ceiling(self, body: bytes) -> None:
        path = self.workdir / "ceiling.json"
        path.write_bytes(body)
        self.body_bytes = len(body)
        env = dict(os.environ, BENCH_CEILING_BODY=str(path))
        self.ceiling = Server(
            "bench.ceiling:app", env, self.workdir, "ceiling", self.settings.workers
        )
        self.ceiling.wait("/")

    def database(self, kind: str, url: str) -> None:
        s = self.settings
        instance = self.workdir / f"instance-{kind}"
        instance.mkdir()
        env = store_env(url, instance)
        migrate(env)
        store = None
        try:
            for n, size in enumerate(s.sizes):
                t0 = time.monotonic()
                seed(url, size)
                print(f"{kind}: seeded {size:,} products in {time.monotonic() - t0:.1f} s")
                if store is None:
                    store = Server("wsgi:app", env, self.workdir, f"store-{kind}", s.workers)
                    store.wait("/api/products?per_page=1")
                if self.ceiling is None:
                    status, body = get(store.url("/api/products?per_page=100"))
                    assert status == 200, status
                    self.start_ceiling(body)
                paths = paths_for(size, n == 0, a_product(url))
                results = [Result(kind, size, label, url) for label, url in paths.items()]
                for r in results:
                    status, _ = get(store.url(r.url))
                    if status != 200:
                        raise RuntimeError(f"{r.url} answered {status}")
                ceiling = Result(kind, size, "ceiling", "/")
                for rep in range(s.reps):
                    c = wrk(self.ceiling.url("/"), s)
                    ceiling.loads.append(c)
                    for r in results:
                        load = wrk(store.url(r.url), s)
                        r.loads.append(load)
                        r.ratios.append(load.rps / c.rps if c.rps else 0.0)
                    print(f"{kind} {size:,}: repetition {rep + 1}/{s.reps} done")
                self.ceilings.append(ceiling)
                self.results.extend(results)
                self.report_block(ceiling, results, sys.stdout)
            if store is not None:
                self.rss[kind] = store.worker_rss_mb()
        finally:
            if store is not None:
                store.stop()

    @staticmethod
    def _med(values: list[float], fmt: str) -> str:
        if not values:
            return "-"
        med = statistics.median(values)
        return f"{med:{fmt}} ({min(values):{fmt}}–{max(values):{fmt}})"

    def report_block(self, ceiling: Result, results: list[Result], out) -> None:
        out.write(
            "\n| path | req/s median (range) | p50 ms | p99 ms | "
            "ratio to ceiling median (range) | errors |\n|---|---|---|---|---|---|\n"
        )
        rows = [(ceiling, None)] + [(r, r.ratios) for r in results]
        for r, ratios in rows:
            rps = [x.rps for x in r.loads]
            out.write(
                f"| {r.path if ratios is not None else 'ceiling (bare Flask)'} "
                f"| {self._med(rps, ',.0f')} "
                f"| {_latency(statistics.median(x.p50 for x in r.loads))} "
                f"| {_latency(statistics.median(x.p99 for x in r.loads))} "
                f"| {self._med(ratios, '.3f') if ratios is not None else '1'} "
                f"| {sum(x.errors for x in r.loads)} |\n"
            )
        out.write("\n")


def _bench_env() -> str:
    names = [f"{k}={v}" for k, v in sorted(os.environ.items()) if k.startswith("BENCH_")]
    return f" ({', '.join(names)})" if names else ""


def _latency(ms: float) -> str:
    return "none answered" if ms == float("inf") else f"{ms:.1f}"


def commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "?"


def write_markdown(run: Run, label: str, started: dt.datetime, loads: tuple, path: Path) -> None:
    s = run.settings
    lines = [
        f"\n## {label}\n",
        f"Run {started:%Y-%m-%d %H:%M} UTC on commit `{commit()}` with "
        f"`make bench`{_bench_env()}. "
        f"{os.cpu_count()} cores; load average (1, 5, 15 min) "
        f"{loads[0][0]:.2f}/{loads[0][1]:.2f}/{loads[0][2]:.2f} before, "
        f"{loads[1][0]:.2f}/{loads[1][1]:.2f}/{loads[1][2]:.2f} after. "
        f"wrk {s.threads} threads, {s.connections} connections, {s.duration} s per load, "
        f"{s.reps} interleaved repetitions; gunicorn {s.workers} sync workers; "
        f"ceiling body {run.body_bytes:,} bytes.\n",
    ]
    by_key: dict[tuple[str, int], list[Result]] = {}
    for r in run.results:
        by_key.setdefault((r.database, r.size), []).append(r)
    ceilings = {(c.database, c.size): c for c in run.ceilings}

    class Buffer:
        def __init__(self):
            self.text = ""

        def write(self, text):
            self.text += text

    for (database, size), results in by_key.items():
        lines.append(f"\n### {database}, {size:,} products\n")
        buf = Buffer()
        run.report_block(ceilings[(database, size)], results, buf)
        lines.append(buf.text)
    for database, sizes in run.rss.items():
        lines.append(
            f"Worker RSS after the {database} run: "
            + ", ".join(f"{x:.0f} MB" for x in sizes)
            + ".\n"
        )
    with path.open("a") as out:
        out.write("".join(lines))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", default="Run", help="the heading of this run's section")
    parser.add_argument(
        "--out", default=str(ROOT / "docs" / "performance.md"), help="Markdown file to append to"
    )
    args = parser.parse_args(argv)
    if not Path(WRK).exists():
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    settings = Settings.from_environment()
    started = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()
    clock = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="storefront-bench-") as folder:
        run = Run(settings, Path(folder))
        try:
            for kind in settings.databases:
                if kind == "postgresql":
                    server = os.environ.get("BENCH_POSTGRES_URL") or DEFAULT_PG
                    with PostgresDatabase(server) as url:
                        run.database(kind, url)
                elif kind == "sqlite":
                    run.database(kind, f"sqlite:///{folder}/bench.db")
                else:
                    raise SystemExit(f"unknown database {kind!r}")
        finally:
            if run.ceiling is not None:
                run.ceiling.stop()
    load_after = os.getloadavg()
    write_markdown(run, args.label, started, (load_before, load_after), Path(args.out))
    print(f"Done in {time.monotonic() - clock:.0f} s; appended to {args.out}")
    print(json.dumps({"rss_mb": run.rss}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
