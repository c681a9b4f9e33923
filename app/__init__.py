"""The Tinget application shell: the factory that wires configuration, extensions, blueprints,
locale selection, security headers, error pages and the command line together."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, config, errors, i18n, security
from .extensions import babel, csrf, db, migrate

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("tinget")


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build a Tinget app: defaults, then ``TINGET_*`` environment variables, then ``test_config``."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    settings = config.defaults(app.instance_path)
    settings.update(config.from_environment())
    settings.update(test_config or {})
    app.config.update(config.finalise(settings))
    os.makedirs(app.instance_path, exist_ok=True)
    _warn_about_default_secret(app)
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)

    from . import admin, auth, main

    app.register_blueprint(main.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)

    from taxonomy import views as taxonomy_views

    app.register_blueprint(taxonomy_views.public_bp)
    app.register_blueprint(taxonomy_views.bp)

    from panels import public as panels_public
    from panels import views as panels_views

    app.register_blueprint(panels_public.public_bp)
    app.register_blueprint(panels_views.bp)
    from budgeting import views as budgeting_views

    app.register_blueprint(budgeting_views.public_bp)
    app.register_blueprint(budgeting_views.bp)

    app.after_request(i18n.remember_choice)
    app.jinja_env.add_extension("jinja2.ext.do")

    from .forms import ROLE_LABELS

    app.jinja_env.globals["role_label"] = lambda role: ROLE_LABELS.get(role, role)

    @app.context_processor
    def inject_language() -> dict[str, Any]:
        return {
            "current_lang": i18n.current_language(),
            "text_dir": i18n.text_direction(),
            "language_links": i18n.language_links(),
            "current_user": g.get("user"),
        }

    return app


def _warn_about_default_secret(app: Flask) -> None:
    if (
        app.config["SECRET_KEY"] == config.DEFAULT_SECRET_KEY
        and app.config["TINGET_ENV"] != "development"
    ):
        message = (
            "\n" + "!" * 72 + "\n"
            "TINGET IS USING THE DEFAULT SECRET KEY OUTSIDE DEVELOPMENT.\n"
            "Anyone can forge sessions. Set TINGET_SECRET_KEY to a long random value.\n" + "!" * 72
        )
        log.warning(message)
        app.logger.warning(message)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    # WAL lets readers and one writer work at once; foreign keys are off by default in SQLite.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL skips the fsync per commit yet survives application crashes; a
        # power loss can lose only the last commits (trade-off in docs/adr/0004).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()
