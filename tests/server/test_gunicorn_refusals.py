"""What gunicorn refuses before the app sees it is answered in the store's format.

An oversized header (431) and an invalid header byte (400) used to get
gunicorn's own HTML page (``<h1><p>Bad Request</p></h1>``) even under /api.
With the repository's gunicorn.conf.py they are problem JSON under /api and
the store's error page elsewhere, on the sync and the threaded worker alike.
"""

from __future__ import annotations

import json

import pytest

WORKERS = {"sync": ("--workers", "1"), "gthread": ("--workers", "1", "--threads", "2")}


def request(path: str, *headers: bytes) -> bytes:
    return b"GET " + path.encode() + b" HTTP/1.1\r\nHost: shop\r\n" + b"".join(headers) + b"\r\n"


BIG_COOKIE = b"Cookie: session=" + b"a" * 9000 + b"\r\n"  # over limit_request_field_size (8190)
MANY_HEADERS = b"".join(b"X-Extra-%d: 1\r\n" % n for n in range(120))  # over limit_request_fields
NUL_IN_HEADER = b"X-Note: a\x00b\r\n"
CONTROL_IN_HEADER = b"X-Note: a\x01b\r\n"

REFUSALS = {
    "header too large": (BIG_COOKIE, 431),
    "too many headers": (MANY_HEADERS, 431),
    "NUL in a header": (NUL_IN_HEADER, 400),
    "control byte in a header": (CONTROL_IN_HEADER, 400),
}


@pytest.fixture(params=WORKERS)
def worker_args(request):
    return WORKERS[request.param]


@pytest.mark.parametrize(("header", "status"), REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refusal_under_the_api_is_problem_json(gunicorn, worker_args, header, status):
    server = gunicorn(*worker_args)
    code, headers, body = server.exchange(request("/api/products", header))
    assert code == status
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == status and problem["type"] == "about:blank"
    assert problem["request_id"] == headers["x-request-id"]
    assert headers["connection"] == "close"


@pytest.mark.parametrize(("header", "status"), REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refusal_of_a_page_is_the_stores_error_page(gunicorn, worker_args, header, status):
    server = gunicorn(*worker_args)
    code, headers, body = server.exchange(request("/products", header))
    assert code == status
    assert headers["content-type"].startswith("text/html")
    page = body.decode()
    assert "Back to the shop" in page and "/static/css/store.css" in page
    assert "<h1><p>" not in page  # gunicorn's own page


def test_a_request_line_too_long_still_gets_the_stores_page(gunicorn):
    # gunicorn cannot read the path of a request line it refuses: the page is /'s.
    code, headers, body = gunicorn(*WORKERS["sync"]).exchange(request("/api/" + "a" * 5000))
    assert code == 414
    assert headers["content-type"].startswith("text/html")
    assert "Back to the shop" in body.decode()


def test_the_app_still_answers_ordinary_requests(gunicorn):
    code, headers, body = gunicorn(*WORKERS["sync"]).exchange(request("/api/products"))
    assert code == 200 and json.loads(body)["items"] == []
