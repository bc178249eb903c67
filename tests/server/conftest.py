"""The store served by gunicorn as in production (its gunicorn.conf.py), on a free loopback port.

Requests go over raw sockets: these tests are about what gunicorn does with
bytes no HTTP library would send (oversized or invalid headers, endless
chunked bodies).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.processes import start_gunicorn, stop_process


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, process: subprocess.Popen, port: int, log: Path):
        self.process, self.port, self.log = process, port, log

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def exchange(self, raw: bytes, *, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
        """Send ``raw``, read until the server closes: (status, headers, body)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(raw)
            return read_response(sock)


def read_response(sock) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM")


@pytest.fixture(scope="module")
def gunicorn(migrated_database, tmp_path_factory):
    """Start ``gunicorn wsgi:app`` from the repository root with extra arguments.

    Module-scoped (starting gunicorn is the slow part): one server per set of
    arguments, shared by the module's tests, stopped at its end.
    """
    started: dict[tuple[str, ...], Server] = {}
    tmp_path = tmp_path_factory.mktemp("gunicorn")

    def start(*args: str) -> Server:
        if args in started:
            return started[args]
        port = free_port()
        log = tmp_path / f"gunicorn-{port}.log"
        env = {
            **os.environ,
            "STOREFRONT_INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": migrated_database,
            "SECRET_KEY": "gunicorn-test-secret-key-0123456789abcdef",
            "RATELIMIT_ENABLED": "false",
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
        process = start_gunicorn(*args, port=port, env=env, log=log)
        server = started[args] = Server(process, port, log)
        for _ in range(600):
            try:
                status, _, _ = server.exchange(b"GET /healthz HTTP/1.0\r\n\r\n", timeout=5)
            except OSError:
                status = None
            if status == 200:
                return server
            assert process.poll() is None, log.read_text()
            time.sleep(0.1)
        raise AssertionError(f"gunicorn did not answer: {log.read_text()}")

    yield start
    for server in started.values():
        stop_process(server.process)
