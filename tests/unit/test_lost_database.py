"""With the database gone, every face answers plainly and leaks nothing."""

import pytest

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"


@pytest.fixture
def lost(make_app):
    return make_app(SQLALCHEMY_DATABASE_URI=UNREACHABLE).test_client()


def _leaks(text: str) -> bool:
    return any(word in text for word in ("psycopg", "Traceback", "127.0.0.1:1", "OperationalError"))


@pytest.mark.parametrize("path", ["/", "/products", "/products/1-lamp"])
def test_a_page_answers_with_the_friendly_503_page(lost, path):
    response = lost.get(path)
    text = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.mimetype == "text/html"
    assert "The shop cannot answer right now" in text
    assert "your cart is safe" in text
    assert response.headers["X-Request-ID"] in text
    assert not _leaks(text)


@pytest.mark.parametrize("path", ["/login", "/cart"])
def test_pages_that_need_no_database_still_work(lost, path):
    # The login form and a guest's empty cart make no query.
    assert lost.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/api/products", "/api/categories", "/api/products/1"])
def test_the_api_answers_problem_json_503(lost, path):
    response = lost.get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 503
    assert body["code"] == "database_unavailable"
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert not _leaks(response.get_data(as_text=True))


def test_a_login_attempt_keeps_nothing_half_done(lost):
    response = lost.post("/api/auth/login", json={"email": "a@example.com", "password": "x" * 9})
    assert response.status_code == 503
    assert not _leaks(response.get_data(as_text=True))


@pytest.mark.postgres_only
def test_a_statement_past_the_statement_timeout_is_503_not_a_wait(make_app):
    app = make_app(DATABASE_STATEMENT_TIMEOUT=0.5)

    @app.get("/slow-report")
    def slow_report():
        from sqlalchemy import text

        from storefront.extensions import db

        db.session.execute(text("SELECT pg_sleep(30)"))
        return "done"

    response = app.test_client().get("/slow-report")
    assert response.status_code == 503
    assert "The shop cannot answer right now" in response.get_data(as_text=True)
