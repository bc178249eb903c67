"""Request bodies are capped and read cheaply: 413 before an oversized body is read,
400 for JSON no parser should follow, never a 500.

The bodies here are streams that count what the app reads from them, so a
test shows how much of a 100 MB body was read, not only what was answered.
"""

from __future__ import annotations

import io

import pytest

from storefront.config import from_environment
from tests.api.conftest import assert_problem

MB = 1024 * 1024


class CountingStream(io.RawIOBase):
    """``total`` bytes of ``fill`` (endless if None), counting what is read."""

    def __init__(self, total: int | None, fill: bytes = b"x"):
        self.total = total
        self.fill = fill
        self.served = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        left = len(buffer) if self.total is None else min(len(buffer), self.total - self.served)
        buffer[:left] = self.fill * left
        self.served += left
        return left


def send(client, path: str, stream: CountingStream, content_type: str, *, declared: bool):
    """POST ``stream`` with a Content-Length, or chunked as gunicorn hands it over."""
    environ = {"wsgi.input": stream}
    headers = {"Content-Type": content_type}
    if declared:
        environ["CONTENT_LENGTH"] = str(stream.total)
    else:
        headers["Transfer-Encoding"] = "chunked"
        # gunicorn de-chunks the body and says the stream ends by itself.
        environ["wsgi.input_terminated"] = True
    return client.post(path, headers=headers, environ_overrides=environ)


def test_the_body_limits_are_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MAX_REQUEST_BYTES", "4096")
    monkeypatch.setenv("MAX_IMAGE_BYTES", "100000")
    config = from_environment(str(tmp_path))
    assert (config["MAX_REQUEST_BYTES"], config["MAX_IMAGE_BYTES"]) == (4096, 100000)


def test_the_upload_cap_is_set_though_flask_holds_the_key(app):
    # Flask's defaults hold MAX_CONTENT_LENGTH = None: a setdefault never took.
    # An upload body holds up to four images of MAX_IMAGE_BYTES (a gallery's batch).
    assert app.config["MAX_CONTENT_LENGTH"] == 4 * app.config["MAX_IMAGE_BYTES"] + 256 * 1024


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_100_mb_json_body_is_413_problem_json_and_never_read_whole(client, declared):
    stream = CountingStream(100 * MB)
    response = send(client, "/api/auth/register", stream, "application/json", declared=declared)
    body = assert_problem(response, 413, "payload_too_large")
    assert "too large" in body["detail"]
    if declared:
        assert stream.served == 0  # refused on its Content-Length alone
    else:
        assert stream.served <= 1 * MB + 64 * 1024  # read up to the cap, not a byte far past it


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_an_endless_or_huge_form_to_a_page_is_the_stores_413_page(client, declared):
    stream = CountingStream(100 * MB if declared else None, fill=b"a")
    response = send(
        client, "/login", stream, "application/x-www-form-urlencoded", declared=declared
    )
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "too large" in response.get_data(as_text=True)
    assert stream.served <= 1 * MB + 64 * 1024


def test_other_bodies_are_capped_far_below_uploads(make_app):
    app = make_app(MAX_REQUEST_BYTES=10_000, MAX_IMAGE_BYTES=100_000)
    client = app.test_client()
    json_body = CountingStream(20_000, fill=b" ")
    response = send(client, "/api/auth/login", json_body, "application/json", declared=True)
    assert_problem(response, 413)
    # A multipart body of the same size is within an upload's cap: it reaches
    # the view, which answers for itself (here: a guest may not upload, 401).
    upload = CountingStream(20_000)
    response = send(
        client, "/api/products/1/image", upload, "multipart/form-data; boundary=b", declared=True
    )
    assert response.status_code == 401
    too_big = CountingStream(4 * 100_000 + 256 * 1024 + 1)
    response = send(
        client, "/api/products/1/image", too_big, "multipart/form-data; boundary=b", declared=True
    )
    assert_problem(response, 413)
    assert too_big.served == 0


# --- JSON no parser should follow ---------------------------------------------------

PATHOLOGICAL = {
    "deep": b"[" * 100_000,
    "deep object": b'{"a":' * 50_000,
    "5000-digit integer": b'{"email": ' + b"9" * 5000 + b', "password": "x"}',
    "5000-digit fraction": b'{"email": 0.' + b"1" * 5000 + b', "password": "x"}',
}


@pytest.mark.parametrize("body", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
@pytest.mark.parametrize("path", ["/api/auth/register", "/api/auth/login", "/api/products"])
def test_pathological_json_is_a_400_problem(client, as_admin, path, body):
    response = client.post(path, data=body, content_type="application/json", headers=as_admin)
    problem = assert_problem(response, 400, "malformed_body")
    assert "Traceback" not in problem["detail"] and "digits" not in problem["detail"]


def test_pathological_json_to_a_page_is_refused_without_a_500(client):
    # Pages take forms only; Flask-WTF would otherwise parse the JSON into the form.
    for body in [*PATHOLOGICAL.values(), b"[1]", b'"x"', b'{"email": ["a"]}']:
        response = client.post("/login", data=body, content_type="application/json")
        assert response.status_code == 415, body[:20]
        assert response.mimetype == "text/html"


def test_a_page_still_takes_its_form_and_an_empty_post(client, customer):
    from tests.conftest import CUSTOMER_PASSWORD

    response = client.post("/login", data={"email": customer.email, "password": CUSTOMER_PASSWORD})
    assert response.status_code == 303
    assert client.post("/logout").status_code == 303
