"""Probes and start-up settings."""

import os

import pytest

from storefront import create_app
from storefront.config import ConfigError


def test_healthz_answers_while_the_process_runs(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_readyz_answers_when_the_database_does(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["database"] == "ok"


def test_readyz_answers_503_when_the_database_is_unreachable(make_app):
    # Port 1 on loopback: nothing listens, so the connection is refused at once.
    app = make_app(
        SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"
    )
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"
    assert "psycopg" not in response.get_data(as_text=True)


def test_production_refuses_to_start_without_a_long_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("STOREFRONT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("STOREFRONT_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_development_keeps_its_generated_secret_key_across_restarts(monkeypatch, tmp_path):
    monkeypatch.delenv("STOREFRONT_ENV", raising=False)
    monkeypatch.delenv("FLASK_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("STOREFRONT_INSTANCE_PATH", str(tmp_path))
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SECRET_KEY"]
    assert len(first) >= 32
    assert first == second
    assert (tmp_path / "secret_key").read_text().strip() == first


def test_pages_carry_a_content_security_policy_without_unsafe_inline(client):
    response = client.get("/healthz")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_an_unknown_shop_time_zone_stops_start_up_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv("SHOP_TIMEZONE", "Mars/Olympus_Mons")
    monkeypatch.setenv("STOREFRONT_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="SHOP_TIMEZONE"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def _address_seen_by_the_app(app, forwarded_for: str) -> str:
    seen = {}

    @app.get("/_whoami")
    def whoami():
        from flask import request

        seen["addr"] = request.remote_addr
        return ""

    app.test_client().get("/_whoami", headers={"X-Forwarded-For": forwarded_for})
    return seen["addr"]


def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(make_app):
    app = make_app(PROXY_FIX_HOPS=1, new_app=True)  # a route of its own
    assert _address_seen_by_the_app(app, "203.0.113.9") == "203.0.113.9"


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(make_app):
    assert _address_seen_by_the_app(make_app(new_app=True), "203.0.113.9") == "127.0.0.1"


def test_production_cookies_are_secure_and_https_is_pinned(monkeypatch, tmp_path):
    monkeypatch.setenv("STOREFRONT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("JWT_SECRET_KEY", "j" * 40)
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    monkeypatch.setenv("STOREFRONT_INSTANCE_PATH", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_development_over_plain_http_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


def _currency_seen_from(tmp_path, code: str) -> str:
    """Run ``code`` in a copy of the project whose ``.env`` says CURRENCY=USD."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    shutil.copytree(
        root / "storefront", tmp_path / "storefront", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(root / "wsgi.py", tmp_path / "wsgi.py")
    (tmp_path / ".env").write_text("CURRENCY=USD\nDATABASE_URL=sqlite://\n")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(tmp_path),
        "STOREFRONT_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_the_application_factory_never_reads_a_dotenv_file(tmp_path):
    seen = _currency_seen_from(
        tmp_path,
        "from storefront import create_app; "
        "print(create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://'}).config['CURRENCY'])",
    )
    assert seen == "BDT"


def test_the_entry_point_reads_the_dotenv_file(tmp_path):
    assert _currency_seen_from(tmp_path, "import wsgi; print(wsgi.app.config['CURRENCY'])") == "USD"


def test_production_refuses_to_start_without_a_separate_jwt_key(monkeypatch, tmp_path):
    monkeypatch.setenv("STOREFRONT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("STOREFRONT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("JWT_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="JWT_SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    monkeypatch.setenv("JWT_SECRET_KEY", "s" * 40)
    with pytest.raises(ConfigError, match="differ"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_development_generates_a_jwt_key_of_its_own(monkeypatch, tmp_path):
    for name in ("STOREFRONT_ENV", "FLASK_ENV", "SECRET_KEY", "JWT_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STOREFRONT_INSTANCE_PATH", str(tmp_path))
    config = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config
    assert len(config["JWT_SECRET_KEY"]) >= 32
    assert config["JWT_SECRET_KEY"] != config["SECRET_KEY"]
    assert (tmp_path / "jwt_secret_key").read_text().strip() == config["JWT_SECRET_KEY"]


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "2s", "1e999999"])
def test_a_duration_that_is_not_a_number_of_seconds_stops_start_up(monkeypatch, tmp_path, value):
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT", value)
    monkeypatch.setenv("STOREFRONT_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="DATABASE_STATEMENT_TIMEOUT"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MAIL_TIMEOUT", "0"),  # a socket without a timeout would not block: every send fails
        ("MAIL_CLAIM_SECONDS", "0"),  # a lease over at once: a mail sent twice
        ("MAIL_POLL_SECONDS", "0"),  # a worker asking the database without rest
        ("READINESS_TIMEOUT", "0"),
        ("DATABASE_STATEMENT_TIMEOUT", "0.0004"),  # 0 ms: the bound silently off
    ],
)
def test_a_duration_too_short_to_mean_anything_stops_start_up(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    monkeypatch.setenv("STOREFRONT_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match=name):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_a_duration_is_read_exactly_as_seconds(monkeypatch, tmp_path):
    monkeypatch.setenv("MAIL_TIMEOUT", " 2.5 ")
    monkeypatch.setenv("DATABASE_STATEMENT_TIMEOUT", "0")
    monkeypatch.setenv("STOREFRONT_INSTANCE_PATH", str(tmp_path))
    config = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config
    assert (config["MAIL_TIMEOUT"], config["DATABASE_STATEMENT_TIMEOUT"]) == (2.5, 0)
