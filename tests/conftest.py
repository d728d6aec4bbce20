"""Fixtures shared by the LMS tests: app, client, auth helper, per-test transaction."""

import os
import re
from pathlib import Path

import flask_migrate
import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event

from lms import create_app
from lms.extensions import db, limiter
from tests.databases import backend_name, fresh_database

ROOT = Path(__file__).resolve().parent.parent

# Production requires a second factor for admins (``ATLAS_2FA_REQUIRED_ROLES`` defaults to
# "admin"); tests sign admins in with a password unless a test asks for it, like `make run`.
os.environ.setdefault("ATLAS_2FA_REQUIRED_ROLES", "")

#: fixture modules shared by every area, loaded once (instead of importing conftests)
pytest_plugins = ["tests.fixtures.courses", "tests.fixtures.lrs", "tests.fixtures.services"]


def pytest_report_header(config):
    return f"database backend: {backend_name()}"


def pytest_collection_modifyitems(config, items):
    backend = backend_name()
    for item in items:
        if "postgres_only" in item.keywords and backend != "postgresql":
            item.add_marker(pytest.mark.skip(reason="PostgreSQL only"))
        if "sqlite_only" in item.keywords and backend != "sqlite":
            item.add_marker(pytest.mark.skip(reason="SQLite only"))


def make_test_app(database_url: str, instance: Path, **overrides):
    """Build an app on ``database_url`` with the schema applied by the real migrations."""
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "RATELIMIT_STORAGE_URI": "memory://",
        "ATLAS_BASE_URL": "http://localhost",
        "SERVER_NAME": "localhost",
    }
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
    return app


def dispose_engines(app) -> None:
    """Close pooled connections so the database can be dropped and nothing leaks."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    with fresh_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def _session_app(database_url, tmp_path_factory):
    app = make_test_app(database_url, tmp_path_factory.mktemp("instance"))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # pysqlite opens transactions lazily and never for SAVEPOINTs, which breaks the
        # rollback-per-test pattern; let SQLAlchemy emit BEGIN itself. Kept in one place.
        with app.app_context():
            engine = db.engine

            @event.listens_for(engine, "connect")
            def _disable_pysqlite_transactions(dbapi_connection, record):
                dbapi_connection.isolation_level = None

            @event.listens_for(engine, "begin")
            def _emit_begin(connection):
                connection.exec_driver_sql("BEGIN")

            engine.dispose()
    yield app
    dispose_engines(app)


class _ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session ignores a session-level bind; honour it in tests."""

    def get_bind(self, *args, **kwargs):
        if self.bind is not None:
            return self.bind
        return super().get_bind(*args, **kwargs)


@pytest.fixture
def app(_session_app, tmp_path):
    """The app, with every test running inside one outer transaction rolled back at the end.

    Views and services may commit: with ``create_savepoint`` their commits only release
    savepoints, so nothing a test writes survives it.
    """
    app = _session_app
    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")
    limiter.reset()  # every test starts with a clean rate-limit budget
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint",
             "class_": _ConnectionBoundSession}
        )
        try:
            yield app
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


class IsolatedClient(FlaskClient):
    """Runs every request in its own app context, as a real server does.

    The test itself holds an app context; without this, requests would share its
    ``g`` (and CSRF tokens cached there) and its database session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                          r'name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


class AuthActions:
    """Log in and out through the real forms, CSRF token included."""

    def __init__(self, client):
        self._client = client

    def csrf(self, path: str = "/login") -> str:
        return csrf_token_from(self._client.get(path).get_data(as_text=True))

    def login(self, email: str, password: str = "correct horse battery"):
        return self._client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": self.csrf()},
        )

    def logout(self):
        return self._client.post("/logout", data={"csrf_token": self.csrf("/")})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def mails(app):
    """Read the mails the app wrote to its mail folder during the test."""
    from lms.mail import read_mail_folder

    return lambda: read_mail_folder(app.config["MAIL_FOLDER"])


@pytest.fixture(scope="session")
def plugin_installed():
    """The name of the tiny example plugin (tests/plugins/atlas_hello), installed by ``make dev``.

    Tests never install packages: a missing plugin is a broken environment, said plainly.
    """
    from importlib.metadata import entry_points

    if not any(ep.name == "hello" for ep in entry_points(group="atlas_campus.plugins")):
        pytest.fail("the example plugin is not installed: run `make dev` "
                    "(pip install --no-deps tests/plugins/atlas_hello)")
    return "hello"
