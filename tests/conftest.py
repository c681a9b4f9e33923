"""Shared fixtures: an app on a migrated test database (SQLite, or PostgreSQL when
``TINGET_TEST_DATABASE_URL`` is set), a client, a CLI runner, staff logins, a live server and a
real headless Chromium with axe-core for browser tests."""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import flask_babel
import pytest
from hypothesis import settings
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from app import create_app
from app.cli import compile_catalogues
from app.extensions import db
from app.models import ROLES, User

# Properties are checked for what they compute, never for how fast: a busy CI machine must not
# turn a slow example into a failure (speed lives in bench/).
settings.register_profile("tinget", deadline=None)
settings.load_profile("tinget")

ROOT = Path(__file__).resolve().parent.parent
TEST_PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues() -> None:
    compile_catalogues()


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A migrated, empty database for the whole session."""
    url = os.environ.get("TINGET_TEST_DATABASE_URL")
    tmp = None
    if url:
        engine = create_engine(_with_driver(url))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        tmp = tempfile.TemporaryDirectory(prefix="tinget-test-")
        url = f"sqlite:///{tmp.name}/test.sqlite3"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    yield url
    if tmp is not None:
        tmp.cleanup()


def _with_driver(url: str) -> str:
    from app.config import normalise_database_url

    return normalise_database_url(url)


def settings_for_tests(database_url: str, **overrides) -> dict:
    settings = {
        "TESTING": True,
        "TINGET_ENV": "testing",
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
    }
    settings.update(overrides)
    return settings


def empty_all_tables() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def app(database_url: str, request):
    """A fresh app per test; the database is emptied afterwards.

    Mark a test ``@pytest.mark.app_config(KEY=value)`` to change settings."""
    marker = request.node.get_closest_marker("app_config")
    overrides = marker.kwargs if marker else {}
    application = create_app(settings_for_tests(database_url, **overrides))
    # The test keeps one app context open, which requests reuse; Flask-Babel caches the locale
    # there, so forget it before each request as a fresh context in production would.
    application.before_request(flask_babel.refresh)
    with application.app_context():
        yield application
        empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def make_user(role: str, username: str | None = None, password: str = TEST_PASSWORD) -> User:
    user = User(username=username or f"test-{role}", name=f"Test {role}", role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


class AuthActions:
    """Log in as a staff member of a given role, through the real login form or directly."""

    def __init__(self, client):
        self.client = client

    def login(self, role: str = "admin", password: str = TEST_PASSWORD):
        username = f"test-{role}"
        if db.session.query(User).filter_by(username=username).first() is None:
            make_user(role, username)
        return self.client.post("/auth/login", data={"username": username, "password": password})

    def become(self, role: str) -> User:
        """Skip the form: put the user straight into the session (for route × role sweeps)."""
        username = f"test-{role}"
        user = db.session.query(User).filter_by(username=username).first() or make_user(role)
        with self.client.session_transaction() as session:
            session["user_id"] = user.id
        return user

    def logout(self):
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture(params=["anonymous", *ROLES])
def actor(request) -> str:
    return request.param


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "app_config(**settings): override app settings")


# --- Browser tests -------------------------------------------------------------------------

CHROMIUM = os.environ.get("TINGET_CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="module")
def live_app(database_url: str):
    """An app with CSRF on, as in production, for a live server; emptied after the module."""
    application = create_app(settings_for_tests(database_url, WTF_CSRF_ENABLED=True))
    with application.app_context():
        yield application
        empty_all_tables()
        db.engine.dispose()


@pytest.fixture(scope="module")
def live_server(live_app) -> Iterator[LiveServer]:
    server = LiveServer(live_app).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture(params=list(VIEWPORTS))
def page(browser, request):
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    tab = context.new_page()
    tab.viewport_name = request.param
    yield tab
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"axe-core not found at {AXE_JS}: run `npm ci` (the test command does)")
    return AXE_JS.read_text()


def axe_violations(page, axe_source: str, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page; return violations of the given impact levels."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]
