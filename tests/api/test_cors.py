"""CORS: only /api, only the configured origins, with Authorization and Idempotency-Key."""

from __future__ import annotations

ORIGIN = "https://app.example.com"


def preflight(client, url, origin=ORIGIN, headers="Authorization, Idempotency-Key"):
    return client.options(
        url,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": headers,
        },
    )


def test_allowed_origin_may_call_the_api_with_its_headers(make_app):
    client = make_app(CORS_ORIGINS=[ORIGIN]).test_client()
    response = preflight(client, "/api/orders")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    allowed = {
        h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")
    }
    assert {"authorization", "idempotency-key"} <= allowed
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response.headers
    simple = client.get("/api/categories", headers={"Origin": ORIGIN})
    assert simple.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Location" in simple.headers["Access-Control-Expose-Headers"]
    # Errors carry the headers too, so the browser lets the client read them.
    missing = client.get("/api/nope", headers={"Origin": ORIGIN})
    assert missing.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_other_origins_get_no_cors_headers(make_app):
    client = make_app(CORS_ORIGINS=[ORIGIN]).test_client()
    response = preflight(client, "/api/orders", origin="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in response.headers
    response = client.get("/api/categories", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_pages_outside_the_api_send_no_cors_headers(make_app):
    client = make_app(CORS_ORIGINS=[ORIGIN]).test_client()
    for url in ("/", "/healthz"):
        response = client.get(url, headers={"Origin": ORIGIN})
        assert "Access-Control-Allow-Origin" not in response.headers, url


def test_no_origins_by_default(client):
    response = preflight(client, "/api/orders")
    assert "Access-Control-Allow-Origin" not in response.headers
    response = client.get("/api/categories", headers={"Origin": ORIGIN})
    assert "Access-Control-Allow-Origin" not in response.headers
