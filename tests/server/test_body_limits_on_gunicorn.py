"""A 100 MB body against a real gunicorn worker: 413 problem JSON, and the worker never holds it.

Before the cap, one anonymous 100 MB JSON body to POST /api/auth/register
raised a worker's peak memory from about 81 MB to 388 MB (593 MB chunked)
before answering 422.
"""

from __future__ import annotations

import json
import socket
import threading

import pytest

from tests.server.conftest import peak_rss_kib, read_response

MB = 1024 * 1024
TOTAL = 100 * MB


def _send_huge_body(port: int, *, chunked: bool) -> tuple[int, dict, bytes, int]:
    """POST 100 MB of JSON, reading the answer while sending: (status, headers, body, sent)."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        framing = b"Transfer-Encoding: chunked" if chunked else b"Content-Length: %d" % TOTAL
        sock.sendall(
            b"POST /api/auth/register HTTP/1.1\r\nHost: shop\r\n"
            b"Content-Type: application/json\r\n" + framing + b"\r\n\r\n"
        )
        answer = []
        reader = threading.Thread(target=lambda: answer.append(read_response(sock)))
        reader.start()
        sent = 0
        piece = b'{"email": "' + b"a" * (MB - 11)
        try:
            while sent < TOTAL:
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                sent += len(piece)
                piece = b"a" * MB
        except OSError:
            pass  # the server answered and closed: the rest was never wanted
        reader.join(60)
    status, headers, body = answer[0]
    return status, headers, body, sent


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_100_mb_body_is_refused_without_the_worker_holding_it(gunicorn, chunked):
    server = gunicorn("--workers", "1")
    worker = server.worker_pids()[0]
    before = peak_rss_kib(worker)

    status, headers, body, sent = _send_huge_body(server.port, chunked=chunked)

    assert status == 413
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["code"] == "payload_too_large"
    assert sent < TOTAL  # the server stopped reading long before the end
    assert peak_rss_kib(worker) - before < 30 * 1024  # far below the body's 100 MB
