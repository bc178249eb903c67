"""Every error under /api is problem JSON: unknown routes, methods, bodies, media types, 500s."""

from __future__ import annotations

import logging

from storefront.services import catalog
from tests.api.conftest import assert_problem


def test_unknown_route_is_a_problem_not_an_html_page(client):
    for url in ("/api/nope", "/api/products/1/nope", "/api"):
        response = client.get(url)
        assert_problem(response, 404, "not_found")
        assert b"<html" not in response.data


def test_pages_outside_the_api_keep_their_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_wrong_method_is_405_with_allow(client):
    response = client.patch("/api/products")
    assert_problem(response, 405, "method_not_allowed")
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_malformed_json_is_400(client, as_admin):
    response = client.post(
        "/api/products", data='{"name": ', content_type="application/json", headers=as_admin
    )
    body = assert_problem(response, 400, "malformed_body")
    assert "JSON" in body["detail"]


def test_a_json_body_that_is_not_an_object_is_422_on_body(client):
    response = client.post("/api/auth/login", json=["a", "b"])
    body = assert_problem(response, 422)
    assert body["errors"][0]["field"] == "body"


def test_wrong_media_type_is_415(client, as_admin):
    response = client.post(
        "/api/products", data="name=x", content_type="text/plain", headers=as_admin
    )
    assert_problem(response, 415, "unsupported_media_type")
    assert response.headers["Accept"] == "application/json"
    form = client.post("/api/auth/register", data={"email": "a@b.cd", "password": "x" * 9})
    assert_problem(form, 415)


def test_a_body_over_the_request_limit_is_413(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1000)
    response = app.test_client().post(
        "/api/auth/login", data="x" * 5000, content_type="application/json"
    )
    assert_problem(response, 413)


def test_validation_errors_list_each_field(client):
    response = client.post("/api/auth/register", json={"email": 5, "password": None, "x": 1})
    body = assert_problem(response, 422, "validation_failed")
    assert {e["field"] for e in body["errors"]} == {"email", "password", "x"}
    assert all(isinstance(e["message"], str) and e["message"] for e in body["errors"])


def test_unexpected_failure_is_a_500_that_says_nothing_internal(client, monkeypatch, caplog):
    def broken():
        raise RuntimeError("SELECT secret FROM users -- internal detail")

    monkeypatch.setattr(catalog, "list_categories", broken)
    # Alembic's logging set-up (run by the migrated_database fixture) disables
    # loggers that existed before it; the app's own logger is meant to be on.
    monkeypatch.setattr(logging.getLogger("storefront.errors"), "disabled", False)
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/categories", headers={"X-Request-ID": "req-123"})
    body = assert_problem(response, 500, "internal_error")
    assert body["request_id"] == "req-123" == response.headers["X-Request-ID"]
    assert b"SELECT" not in response.data and b"RuntimeError" not in response.data
    assert b"Traceback" not in response.data
    assert "req-123" in caplog.text


def test_request_id_is_generated_when_not_sent(client):
    body = assert_problem(client.get("/api/nope"), 404)
    assert len(body["request_id"]) >= 16
