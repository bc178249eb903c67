"""Servers a test starts for itself, on 127.0.0.1 and a free port, and removes at the end.

Never the shared PostgreSQL on 5432 or the shared Redis on 6379: a test that
stops, pauses or restarts a server does it to one of these.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_until(condition: Callable[[], object], seconds: float, what: str) -> object:
    """Poll ``condition`` until it is truthy; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {seconds} s waiting for {what}")
        time.sleep(0.05)


def port_answers(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((HOST, port)) == 0


def start_gunicorn(*args: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    """``gunicorn wsgi:app`` from the repository root, as in production (its gunicorn.conf.py).

    ``--no-control-socket``: gunicorn's default control socket is shared machine-wide.
    """
    import sys

    root = Path(__file__).resolve().parent.parent
    return subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).with_name("gunicorn")), "--no-control-socket"]
        + ["--bind", f"{HOST}:{port}", "--error-logfile", str(log), *args, "wsgi:app"],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_process(process: subprocess.Popen, seconds: float = 30) -> None:
    """SIGTERM, then SIGKILL if it has not gone after ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def need(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        # Outside CI only: under CI=true a skip fails the run (tests/conftest.py).
        pytest.skip(f"{program} is not installed")
    return path


class RedisServer:
    """A ``redis-server`` of the test's own, without persistence."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.url = f"redis://{HOST}:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> RedisServer:
        command = [need("redis-server"), "--bind", HOST, "--port", str(self.port)]
        command += ["--save", "", "--appendonly", "no", "--protected-mode", "yes"]
        self.process = subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_until(lambda: port_answers(self.port), 10, f"redis-server on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def pause(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


@contextlib.contextmanager
def redis_server(port: int | None = None) -> Iterator[RedisServer]:
    server = RedisServer(port).start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.resume()
        server.stop()


def _postgres_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        pytest.skip(f"PostgreSQL's {name} is not installed")
    return str(candidates[-1])


def _as_postgres_user() -> dict:
    """PostgreSQL refuses to run as root: run its programs as the ``postgres`` user."""
    if os.geteuid() != 0:
        return {}
    import pwd

    entry = pwd.getpwnam("postgres")
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


class PostgresCluster:
    """A PostgreSQL cluster in a temporary folder, on its own port, trust auth on 127.0.0.1."""

    def __init__(self):
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="storefront-faults-pg-"))
        self.data = self.root / "data"
        self.url = f"postgresql+psycopg://postgres@{HOST}:{self.port}/postgres"
        os.chmod(self.root, 0o777)  # noqa: S103 (the postgres user writes here; removed at the end)

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(  # noqa: S603
            list(args),
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self.root,
            **_as_postgres_user(),
        )

    def init(self) -> PostgresCluster:
        self._run(
            _postgres_bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        )
        return self

    def start(self) -> None:
        options = (
            f"-c listen_addresses={HOST} -c port={self.port}"
            f" -c unix_socket_directories='{self.root}' -c fsync=off -c max_connections=100"
        )
        self._run(
            _postgres_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(_postgres_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def pids(self) -> list[int]:
        """The postmaster and every process it started."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = subprocess.run(  # noqa: S603
            ["pgrep", "-P", str(postmaster)], capture_output=True, text=True, check=False
        ).stdout.split()
        return [postmaster, *map(int, children)]

    def signal_all(self, signum: int) -> None:
        for pid in self.pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    def remove(self) -> None:
        with contextlib.suppress(Exception):
            self.signal_all(signal.SIGCONT)
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def postgres_cluster() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    try:
        cluster.init().start()
        yield cluster
    finally:
        cluster.remove()


class S3Server:
    """moto's standalone S3-compatible server (moto[s3], flask-cors), in memory, on a free port.

    Any key pair is accepted; objects are private unless a bucket policy says
    otherwise, as on a real store.
    """

    ACCESS_KEY = "storefront-test"
    SECRET_KEY = "storefront-test-secret"  # noqa: S105 (moto accepts any pair)
    REGION = "us-east-1"

    def __init__(self):
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.process: subprocess.Popen | None = None

    @property
    def env(self) -> dict[str, str]:
        """What a store process needs in its environment to reach the server (boto3's names)."""
        return {
            "S3_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": self.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": self.SECRET_KEY,
            "AWS_DEFAULT_REGION": self.REGION,
        }

    def start(self) -> S3Server:
        import sys

        command = [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(self.port)]
        self.process = subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

        def answers() -> bool:
            assert self.process.poll() is None, "moto's server exited"
            return port_answers(self.port)

        wait_until(answers, 30, f"moto's S3 server on port {self.port}")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process(self.process, 10)
        self.process = None

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=self.SECRET_KEY,
            region_name=self.REGION,
        )

    def create_bucket(self, name: str, *, public_prefix: str | None = None) -> str:
        """A new bucket; with ``public_prefix``, anyone may GET the objects under it."""
        import json

        client = self.client()
        client.create_bucket(Bucket=name)
        if public_prefix is not None:
            statement = {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{name}/{public_prefix}*",
            }
            policy = {"Version": "2012-10-17", "Statement": [statement]}
            client.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
        return name

    def keys(self, bucket: str) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))


@contextlib.contextmanager
def s3_server() -> Iterator[S3Server]:
    server = S3Server().start()
    try:
        yield server
    finally:
        server.stop()
