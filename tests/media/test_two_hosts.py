"""Two store processes, as two hosts behind a load balancer would run.

Each runs gunicorn (one sync worker) on a port of its own with its own instance
folder and ``MEDIA_ROOT``; they share one PostgreSQL database (created for this
module on the test server and dropped after it), one ``redis-server`` of the
test's own for the login counters, and one bucket on moto's S3 server. What one
does, the other sees: an uploaded image, failed logins, a logout, a new price
behind the other's catalog cache.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.gallery_helpers import COLOURS, picture
from tests.processes import (
    HOST,
    free_port,
    redis_server,
    s3_server,
    start_gunicorn,
    stop_process,
    wait_until,
)

pytestmark = pytest.mark.postgres_only

ROOT = Path(__file__).resolve().parent.parent.parent
ADMIN_EMAIL = "two-hosts-admin@example.com"
PASSWORD = "two-hosts-pass-123"
FAILED_LOGINS = 3  # RATELIMIT_FAILED_LOGINS_PER_ACCOUNT here


@dataclass
class Host:
    url: str
    media_root: Path

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 60)
        return requests.get(self.url + path, **kwargs)

    def post(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 60)
        return requests.post(self.url + path, **kwargs)

    def put(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 60)
        return requests.put(self.url + path, **kwargs)

    def login(self, email: str, password: str = PASSWORD) -> requests.Response:
        return self.post("/api/auth/login", json={"email": email, "password": password})

    def register(self) -> str:
        email = f"shopper-{uuid.uuid4().hex[:12]}@example.com"
        response = self.post(
            "/api/auth/register",
            json={"email": email, "password": PASSWORD, "full_name": "Two Hosts"},
        )
        assert response.status_code == 201, response.text
        return email


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _server_url() -> str:
    """The PostgreSQL server of this run (its own database is made on it)."""
    return os.environ.get("TEST_DATABASE_URL", "").strip()


def _admin(url: str):
    return create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    server = _server_url()
    name = f"storefront_two_hosts_{uuid.uuid4().hex[:10]}"
    engine = _admin(server)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="module")
def hosts(database, tmp_path_factory) -> Iterator[tuple[Host, Host]]:
    """Two gunicorn processes on one database, one Redis and one bucket."""
    folder = tmp_path_factory.mktemp("two-hosts")
    with redis_server() as redis, s3_server() as s3:
        bucket = s3.create_bucket(f"shop-media-{uuid.uuid4().hex[:12]}")
        shared = {
            **os.environ,
            **s3.env,
            "DATABASE_URL": database,
            "SECRET_KEY": "two-hosts-secret-key-0123456789abcdef",
            "JWT_SECRET_KEY": "two-hosts-jwt-key-0123456789abcdef-jwt",
            "MEDIA_STORAGE": f"s3://{bucket}/media",
            "RATELIMIT_ENABLED": "true",
            "RATELIMIT_STORAGE_URI": redis.url,
            "RATELIMIT_AUTH_PER_ADDRESS": "1000 per minute",  # one address sends it all
            "RATELIMIT_FAILED_LOGINS_PER_ACCOUNT": f"{FAILED_LOGINS} per 15 minutes",
        }
        shared.pop("TEST_DATABASE_URL", None)
        flask = [str(Path(sys.executable).with_name("flask")), "--app", "wsgi"]
        for command in (["db", "upgrade"], ["create-admin", "--email", ADMIN_EMAIL]):
            if command[0] == "create-admin":
                command += ["--password", PASSWORD]
            env = {**shared, "STOREFRONT_INSTANCE_PATH": str(folder / "cli")}
            done = subprocess.run(  # noqa: S603
                flask + command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
            )
            assert done.returncode == 0, done.stdout + done.stderr

        started: list[tuple[Host, subprocess.Popen]] = []
        try:
            for name in ("a", "b"):
                port = free_port()
                own = folder / name
                env = {
                    **shared,
                    "STOREFRONT_INSTANCE_PATH": str(own / "instance"),
                    "MEDIA_ROOT": str(own / "media"),
                }
                log = folder / f"gunicorn-{name}.log"
                process = start_gunicorn("--workers", "1", port=port, env=env, log=log)
                host = Host(f"http://{HOST}:{port}", own / "media")
                started.append((host, process))

                def ready(host=host, process=process, log=log) -> bool:
                    assert process.poll() is None, log.read_text()
                    try:
                        body = host.get("/readyz", timeout=5).json()
                    except (requests.RequestException, ValueError):
                        return False
                    return body == {"status": "ok", "database": "ok", "rate_limits": "ok"}

                wait_until(ready, 60, f"store {name} to be ready with Redis")
            yield started[0][0], started[1][0]
        finally:
            for _, process in started:
                stop_process(process)


@pytest.fixture(scope="module")
def admin(hosts) -> dict[str, str]:
    a, _ = hosts
    response = a.login(ADMIN_EMAIL)
    assert response.status_code == 200, response.text
    return bearer(response.json())


def new_product(host: Host, admin: dict[str, str], price: str = "10.00") -> int:
    response = host.post(
        "/api/products",
        headers=admin,
        json={"name": f"Lamp {uuid.uuid4().hex[:8]}", "price": price, "stock_quantity": 5},
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_an_image_uploaded_through_one_is_served_by_the_other(hosts, admin):
    a, b = hosts
    product = new_product(a, admin)
    content = picture(COLOURS[4], (900, 600))
    response = a.post(
        f"/api/products/{product}/images",
        headers=admin,
        files={"image": ("lamp.png", content, "image/png")},
    )
    assert response.status_code == 201, response.text
    (image,) = response.json()["images"]

    for url in (image["url"], image["thumbnail_url"]):
        from_a, from_b = a.get(url), b.get(url)
        assert from_b.status_code == 200, url
        assert from_b.headers["Content-Type"] == "image/png"
        assert "immutable" in from_b.headers["Cache-Control"]
        assert from_b.content == from_a.content
    assert b.get(f"/api/products/{product}").json()["images"] == [image]
    # Neither host kept a file of its own.
    assert not a.media_root.exists() and not b.media_root.exists()


def test_failed_logins_on_one_count_on_the_other(hosts):
    a, b = hosts
    email = a.register()
    # Wrong passwords, taking turns: each host alone has seen fewer than the limit.
    for host in [a, b, a][:FAILED_LOGINS]:
        assert host.login(email, "wrong-password-1").status_code == 401
    # Over the limit on both, even with the right password.
    for host in (b, a):
        refused = host.login(email)
        assert refused.status_code == 429, refused.text
        assert int(refused.headers["Retry-After"]) > 0


def test_a_logout_on_one_is_refused_by_the_other(hosts):
    a, b = hosts
    email = a.register()
    tokens = a.login(email).json()
    assert b.get("/api/users/me", headers=bearer(tokens)).status_code == 200

    assert a.post("/api/auth/logout", headers=bearer(tokens)).status_code == 204

    assert b.get("/api/users/me", headers=bearer(tokens)).status_code == 401
    refreshed = b.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 401


def test_a_price_changed_through_one_is_the_next_answer_of_the_others_cache(hosts, admin):
    a, b = hosts
    product = new_product(a, admin, price="10.00")
    for _ in range(2):  # the second answer comes from b's cache
        assert b.get(f"/api/products/{product}").json()["price"] == "10.00"

    changed = a.put(f"/api/products/{product}", headers=admin, json={"price": "12.34"})
    assert changed.status_code == 200, changed.text

    assert b.get(f"/api/products/{product}").json()["price"] == "12.34"
    listed = b.get("/api/products", params={"per_page": 100}).json()["items"]
    assert next(item["price"] for item in listed if item["id"] == product) == "12.34"
