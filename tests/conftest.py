"""Test harness: a migrated database per run, emptied after every test.

``TEST_DATABASE_URL`` picks the database: unset, a SQLite file in a temporary
folder; ``postgresql+psycopg://...``, a fresh database created on that server
for this run and dropped after it (so parallel runs never meet).
Under ``CI=true`` a skipped test is a failure: CI must run everything.
"""

from __future__ import annotations

import copy
import os
import tempfile
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# Tests never read or write the developer's instance folder or .env values.
_INSTANCE = tempfile.mkdtemp(prefix="storefront-test-instance-")
os.environ["STOREFRONT_INSTANCE_PATH"] = _INSTANCE
for _name in (
    "DATABASE_URL",
    "SECRET_KEY",
    "JWT_SECRET_KEY",
    "RATELIMIT_STORAGE_URI",
    "CORS_ORIGINS",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "MAIL_DEFAULT_SENDER",
    "MAIL_FILE_PATH",
    "PUBLIC_BASE_URL",
    "MEDIA_STORAGE",
    "MEDIA_PUBLIC_URL",
    "S3_ENDPOINT_URL",
):
    os.environ.pop(_name, None)

from storefront import create_app  # noqa: E402
from storefront.extensions import db  # noqa: E402
from storefront.models import Base  # noqa: E402

CI = os.environ.get("CI", "").lower() == "true"

# The fault suite starts servers of its own and breaks them: it runs on its own
# (`make test-faults`), never inside `make test`.
collect_ignore = [] if os.environ.get("STOREFRONT_FAULT_TESTS") else ["faults"]
ADMIN_PASSWORD = "admin-pass-123"
CUSTOMER_PASSWORD = "customer-pass-123"
SECRET_KEY = "test-secret-key-that-is-long-enough-for-hs256"
# The API's tokens are signed with a key of their own, never the session's.
JWT_SECRET_KEY = "test-jwt-key-that-is-long-enough-for-hs256-too"


def _create_postgres_database(url: str) -> str:
    base = make_url(url)
    name = f"storefront_test_{uuid.uuid4().hex[:10]}"
    engine = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(url: str) -> None:
    target = make_url(url)
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    requested = os.environ.get("TEST_DATABASE_URL", "").strip()
    if requested.startswith("postgresql"):
        url = _create_postgres_database(requested)
        yield url
        _drop_postgres_database(url)
    else:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


def base_config(database_url: str, media_root: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": SECRET_KEY,
        "JWT_SECRET_KEY": JWT_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "BCRYPT_LOG_ROUNDS": 4,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "MEDIA_ROOT": media_root,
        "SERVER_NAME": None,
        # A loaded CI machine must not turn slow-but-working into a 503: the
        # production bounds are the fault suite's subject (tests/faults).
        "DATABASE_CONNECT_TIMEOUT": 30,
        "DATABASE_STATEMENT_TIMEOUT": 120,
        "DATABASE_POOL_TIMEOUT": 120,
    }


@pytest.fixture(scope="session")
def migrated_database(database_url, tmp_path_factory):
    """Build the schema once per run, through the migrations (never create_all)."""
    from flask_migrate import upgrade

    app = create_app(base_config(database_url, str(tmp_path_factory.mktemp("media"))))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def _empty_all_tables() -> None:
    # DELETE, children first, rather than TRUNCATE: on tables this small it is
    # several times faster (TRUNCATE makes new files for every table), and the
    # teardown runs after every test. Ids restart at 1 as they did before.
    tables = list(reversed(Base.metadata.sorted_tables))
    for table in tables:
        db.session.execute(table.delete())
    if db.engine.dialect.name == "postgresql":
        resets = [
            f"setval(pg_get_serial_sequence('\"{t.name}\"', '{column.name}'), 1, false)"
            for t in tables
            if (column := t.autoincrement_column) is not None
        ]
        db.session.execute(text("SELECT " + ", ".join(resets)))
    db.session.commit()


# Apps on the test database, kept for the next test with the same settings: building
# one costs 0.15 s (its URL map and OpenAPI document) and its first pages compile their
# templates, together most of a typical test's time. A kept app comes back as it was
# built: settings and extensions restored, rate-limit counters new, its own MEDIA_ROOT.
# Key: the settings and the process's environment (a test that sets a variable gets an
# app built with it). The most recently used few are kept: a key seen once (a
# bucket's random name) would only fill the store.
_KEPT_APPS: dict[tuple, tuple] = {}
_KEEP_AT_MOST = 12


def _kept_app_key(config: dict) -> tuple:
    settings = repr(sorted((k, v) for k, v in config.items() if k != "MEDIA_ROOT"))
    environment = sorted(i for i in os.environ.items() if i[0] != "PYTEST_CURRENT_TEST")
    return settings, tuple(environment)


def _kept_app(key: tuple, media_root: str):
    from storefront import ratelimit

    _KEPT_APPS[key] = _KEPT_APPS.pop(key)  # the most recently used
    app, settings, extensions, template_globals, client_class = _KEPT_APPS[key]
    app.config.clear()
    app.config.update(copy.deepcopy(settings))
    app.config["MEDIA_ROOT"] = media_root
    app.extensions.clear()
    app.extensions.update(extensions)
    app.jinja_env.globals.clear()
    app.jinja_env.globals.update(template_globals)
    app.test_client_class = client_class
    ratelimit.init_app(app)  # counters of its own
    return app


def _keep_app(key: tuple, app) -> None:
    _KEPT_APPS[key] = (
        app,
        copy.deepcopy(dict(app.config)),
        dict(app.extensions),
        dict(app.jinja_env.globals),
        app.test_client_class,
    )
    while len(_KEPT_APPS) > _KEEP_AT_MOST:
        del _KEPT_APPS[next(iter(_KEPT_APPS))]


@pytest.fixture
def make_app(migrated_database, tmp_path):
    """Build an app with test settings plus overrides; tables are emptied afterwards.

    ``new_app=True``: an app no other test has used nor will (one to add a route to).
    Two apps asked for with the same settings in one test are two apps (two processes).
    """
    apps = []
    handed_out: set[tuple] = set()

    def factory(*, new_app: bool = False, **overrides):
        config = base_config(migrated_database, str(tmp_path / "media"))
        config.update(overrides)
        key = None
        if not new_app and config["SQLALCHEMY_DATABASE_URI"] == migrated_database:
            key = _kept_app_key(config)
            if key in handed_out:
                key = None
        if key in _KEPT_APPS:
            app = _kept_app(key, config["MEDIA_ROOT"])
        else:
            app = create_app(config)
            if key:
                _keep_app(key, app)
        if key:
            handed_out.add(key)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
    on_test_db = [a for a in apps if a.config["SQLALCHEMY_DATABASE_URI"] == migrated_database]
    if on_test_db:
        with on_test_db[0].app_context():
            _empty_all_tables()
            db.session.remove()
    for app in apps:
        with app.app_context():
            db.engine.dispose()


class SeparateContextClient(FlaskClient):
    """A test client whose every request runs in an app context of its own.

    Without it, requests reuse the test's app context: its ``g`` (where
    Flask-Login caches the current user) and its database session, so two
    clients would share a login and a page's queries would hide in the
    test's identity map. A browser never shares either with anyone.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # The test reads afterwards as a new visitor would: from a fresh
        # transaction that sees what the request committed.
        if has_app_context():  # not in a thread the test started
            db.session.rollback()
        return response


@pytest.fixture
def app(make_app):
    app = make_app()
    app.test_client_class = SeparateContextClient
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def smtp_server(app):
    """A real SMTP server the app sends to (``MAIL_SERVER``), stopped after the test."""
    from storefront import mail

    from .mailserver import SmtpServer

    server = SmtpServer().start()
    app.config.update(MAIL_SERVER=server.host, MAIL_PORT=server.port, MAIL_TIMEOUT=5.0)
    mail.init_app(app)
    yield server
    server.stop()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def is_postgres(app) -> bool:
    return db.engine.dialect.name == "postgresql"


# --- factories: built through the services, so the ledger stays right ------


@pytest.fixture
def make_user(app):
    from storefront.services import accounts

    counter = iter(range(1, 1_000_000))

    def factory(role="customer", email=None, password=None, full_name="Test Person", active=True):
        n = next(counter)
        email = email or f"{role}{n}@example.com"
        password = password or (ADMIN_PASSWORD if role == "admin" else CUSTOMER_PASSWORD)
        user = accounts.register(email, password, full_name, role=role)
        if not active:
            accounts.deactivate_user(user.id)
        return user

    return factory


@pytest.fixture
def customer(make_user):
    return make_user("customer", email="shopper@example.com")


@pytest.fixture
def admin(make_user):
    return make_user("admin", email="boss@example.com")


@pytest.fixture
def make_product(app):
    from storefront.services import catalog, categories

    counter = iter(range(1, 1_000_000))

    def factory(
        name=None, price="10.00", stock=10, category="General", description="", active=True
    ):
        n = next(counter)
        return catalog.create_product(
            name=name or f"Product {n}",
            price=Decimal(str(price)),
            stock_quantity=stock,
            description=description,
            category_id=categories.ensure_category(category).id if category else None,
            is_active=active,
        )

    return factory


# --- CI: a skip is a failure -------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which must run every test: {report.longrepr}"


def pytest_collection_modifyitems(config, items):
    """Tests marked postgres_only are deselected (not skipped) on other databases."""
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        return
    keep, drop = [], []
    for item in items:
        (drop if item.get_closest_marker("postgres_only") else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def artifacts_dir() -> Path:
    path = Path(__file__).resolve().parent.parent / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path
