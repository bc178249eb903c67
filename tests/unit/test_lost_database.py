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
    app = make_app(DATABASE_STATEMENT_TIMEOUT=0.5, new_app=True)  # a route of its own

    @app.get("/slow-report")
    def slow_report():
        from sqlalchemy import text

        from storefront.extensions import db

        db.session.execute(text("SELECT pg_sleep(30)"))
        return "done"

    response = app.test_client().get("/slow-report")
    assert response.status_code == 503
    assert "The shop cannot answer right now" in response.get_data(as_text=True)


@pytest.mark.postgres_only
def test_a_pooled_connection_the_server_closed_is_replaced_without_a_ping(make_app, make_product):
    """No ``SELECT 1`` before each request; a connection the server ended while it sat
    in the pool (a restart, a terminated backend) is dropped at checkout, not used."""
    from sqlalchemy import create_engine, event, text

    from storefront.extensions import db

    mug = make_product(name="Mug")
    app = make_app()
    client = app.test_client()
    assert client.get(f"/api/products/{mug.id}").status_code == 200
    with app.app_context():
        engine = db.engine
        assert engine.pool._pre_ping is False
        with engine.connect() as conn:  # the pooled connection the next request would take
            pid = conn.scalar(text("SELECT pg_backend_pid()"))
    killer = create_engine(engine.url, isolation_level="AUTOCOMMIT")
    with killer.connect() as conn:
        # With a timeout it returns once the backend is gone (its socket closed).
        assert conn.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    killer.dispose()

    statements = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for _ in range(3):
        assert client.get(f"/api/products/{mug.id}").status_code == 200
    assert not any(s.strip().upper() == "SELECT 1" for s in statements)
    with app.app_context(), db.engine.connect() as conn:
        assert conn.scalar(text("SELECT pg_backend_pid()")) != pid


@pytest.mark.postgres_only
def test_a_database_lost_after_answers_were_kept_is_503_on_both_faces(
    make_app, make_product, monkeypatch
):
    """A kept answer still begins with the version's read: with the database gone
    that read fails, and the API and the shop answer their 503s, not a 500."""
    import psycopg

    from storefront.extensions import db

    lamp = make_product(name="Lamp")
    app = make_app()
    client = app.test_client()
    urls = [f"/api/products/{lamp.id}", f"/products/{lamp.id}-{lamp.slug}"]
    for url in urls * 2:  # kept, then served from the cache
        assert client.get(url).status_code == 200

    def refuse(*_args, **_kwargs):
        raise psycopg.OperationalError("connection refused (the test's lost database)")

    with app.app_context():
        db.engine.dispose()  # the pooled connections are gone; new ones are refused
    monkeypatch.setattr(psycopg.Connection, "connect", classmethod(refuse))
    api, page = (client.get(url) for url in urls)
    monkeypatch.undo()
    assert (api.status_code, page.status_code) == (503, 503)
    assert api.get_json()["code"] == "database_unavailable"
    assert "The shop cannot answer right now" in page.get_data(as_text=True)
    assert api.headers["Retry-After"] == page.headers["Retry-After"] == "5"
    assert not _leaks(api.get_data(as_text=True) + page.get_data(as_text=True))


@pytest.mark.postgres_only
def test_a_failed_version_read_puts_no_connection_back_in_autocommit(
    make_app, make_product, monkeypatch
):
    """The version is read in autocommit; a connection that went back to the pool so
    would run the next request's writes without a transaction."""
    from storefront.extensions import db
    from storefront.services import catalog_version

    lamp = make_product(name="Lamp")
    app = make_app()
    client = app.test_client()
    for _ in range(2):
        assert client.get(f"/api/products/{lamp.id}").status_code == 200
    monkeypatch.setattr(catalog_version, "_READ_SQL", "SELECT 1 / 0")
    assert client.get(f"/api/products/{lamp.id}").status_code == 500
    monkeypatch.undo()
    with app.app_context():
        engine = db.engine
        pooled = [engine.raw_connection() for _ in range(max(1, engine.pool.checkedin()))]
        try:
            assert [p.driver_connection.autocommit for p in pooled] == [False] * len(pooled)
        finally:
            for p in pooled:
                p.close()


@pytest.mark.postgres_only
def test_a_version_read_that_loses_its_connection_retires_the_older_pooled_ones(
    make_app, make_product
):
    """A kept answer's version read is the commonest statement: when its connection is
    lost mid-read (a server restarted, a host gone), the pooled connections opened
    before it are replaced at their next checkout, as on SQLAlchemy's own path,
    rather than each costing a request the wait that found it dead."""
    import threading

    from sqlalchemy import create_engine, text

    from storefront.extensions import db
    from tests.processes import wait_until

    lamp = make_product(name="Lamp")
    app = make_app(new_app=True)  # a pool of the test's own
    client = app.test_client()
    url = f"/api/products/{lamp.id}"
    for _ in range(2):  # kept, then answered from the cache
        assert client.get(url).status_code == 200

    def backend_pid(pooled) -> int:
        with pooled.driver_connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return cursor.fetchone()[0]

    with app.app_context():
        engine = db.engine
        pooled = [engine.raw_connection() for _ in range(2)]
        older = {backend_pid(p) for p in pooled}
        for p in pooled:
            p.rollback()
            p.close()

    other = create_engine(engine.url)
    try:
        with other.connect() as locker, other.connect() as killer:
            # The version's row cannot be read while this lock is held.
            locker.execute(text("LOCK TABLE catalog_version IN ACCESS EXCLUSIVE MODE"))
            answers = []
            request = threading.Thread(target=lambda: answers.append(client.get(url)))
            request.start()

            def reader() -> int | None:
                return killer.scalar(
                    text(
                        "SELECT pid FROM pg_stat_activity WHERE pid = ANY(:pids) "
                        "AND wait_event_type = 'Lock'"
                    ),
                    {"pids": sorted(older)},
                )

            pid = wait_until(reader, 30, "the version read to wait for the lock")
            assert killer.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
            killer.rollback()
            request.join(60)
            locker.rollback()
    finally:
        other.dispose()
    assert [a.status_code for a in answers] == [503]

    with app.app_context():
        taken = [engine.raw_connection() for _ in range(2)]
        try:
            assert not {backend_pid(p) for p in taken} & older
        finally:
            for p in taken:
                p.rollback()
                p.close()
