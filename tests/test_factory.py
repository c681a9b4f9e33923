"""The application factory: configuration order, database defaults, secret-key warning."""

from __future__ import annotations

import logging

import pytest
from flask import request

from app import create_app
from app.config import DEFAULT_SECRET_KEY, normalise_database_url


def test_environment_overrides_defaults_and_caller_overrides_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TINGET_DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite3")
    monkeypatch.setenv("TINGET_SECRET_KEY", "from-the-environment")
    app = create_app({"SECRET_KEY": "from-the-caller"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")
    assert app.config["SECRET_KEY"] == "from-the-caller"


def test_embedded_default_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("TINGET_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/tinget.sqlite3"


def test_postgresql_urls_use_the_psycopg3_driver():
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"


def test_default_secret_key_outside_development_logs_a_loud_warning(caplog, tmp_path):
    with caplog.at_level(logging.WARNING):
        create_app(
            {"TINGET_ENV": "production", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db"}
        )
    assert "DEFAULT SECRET KEY" in caplog.text


def test_no_warning_in_development_or_with_a_real_key(caplog, tmp_path):
    with caplog.at_level(logging.WARNING):
        create_app({"TINGET_ENV": "development", "SECRET_KEY": DEFAULT_SECRET_KEY})
        create_app(
            {
                "TINGET_ENV": "production",
                "SECRET_KEY": "a" * 40,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db",
            }
        )
    assert "DEFAULT SECRET KEY" not in caplog.text


def test_production_sends_session_cookies_only_over_https(tmp_path):
    app = create_app(
        {
            "TINGET_ENV": "production",
            "SECRET_KEY": "x" * 40,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    from sqlalchemy import text

    from app.extensions import db

    if db.engine.dialect.name != "sqlite":
        assert db.engine.dialect.name == "postgresql"
        return
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_migrations_match_the_models(app):
    """Alembic's autogenerate finds nothing to add: every model change comes with a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from app.extensions import db

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


@pytest.mark.app_config(PROXY_HOPS=1)
def test_behind_a_trusted_proxy_the_client_address_is_the_forwarded_one(app):
    seen = {}

    @app.route("/whoami")
    def whoami():
        seen["address"] = request.remote_addr
        return ""

    app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"})
    assert seen["address"] == "203.0.113.7"


def test_without_a_proxy_setting_forwarded_headers_are_ignored(app):
    seen = {}

    @app.route("/whoami")
    def whoami():
        seen["address"] = request.remote_addr
        return ""

    app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"})
    assert seen["address"] == "127.0.0.1"
