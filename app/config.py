"""Configuration defaults, overridden by ``TINGET_*`` environment variables and then by the
``config`` mapping passed to :func:`app.create_app`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

DEFAULT_SECRET_KEY = "tinget-development-only-secret-key"

#: Languages Tinget ships catalogues for, each named in its own language so a reader finds
#: theirs without knowing ours. Bokmål is the default; right-to-left ones are marked. Residents
#: see every resident-facing message in all of them (tests/test_i18n.py); staff pages need nb
#: and en only.
LANGUAGES: dict[str, dict[str, Any]] = {
    "nb": {"name": "Norsk bokmål", "dir": "ltr"},
    "nn": {"name": "Norsk nynorsk", "dir": "ltr"},
    "en": {"name": "English", "dir": "ltr"},
    "ar": {"name": "العربية", "dir": "rtl"},
    "so": {"name": "Soomaali", "dir": "ltr"},
    "ti": {"name": "ትግርኛ", "dir": "ltr"},
    "pl": {"name": "Polski", "dir": "ltr"},
    "uk": {"name": "Українська", "dir": "ltr"},
}


def defaults(instance_path: str) -> dict[str, Any]:
    """Settings used when neither the environment nor the caller says otherwise."""
    db_file = Path(instance_path) / "tinget.sqlite3"
    return {
        "TINGET_ENV": "development",
        "SECRET_KEY": DEFAULT_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_file}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BABEL_DEFAULT_LOCALE": "nb",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Oslo",
        "BABEL_TRANSLATION_DIRECTORIES": str(
            Path(__file__).resolve().parent.parent / "translations"
        ),
        "LANGUAGES": LANGUAGES,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        # Failed logins allowed per account and per client address within the window.
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_FAILURE_WINDOW_SECONDS": 15 * 60,
        # Residents' clients (app.limits): wrong codes of any kind, and public forms sent, per
        # hour. Real residents type a code wrong a few times at most and send one form.
        "CODE_MAX_WRONG_PER_HOUR": 20,
        "PUBLIC_FORM_MAX_PER_HOUR": 20,
        # Reverse proxies in front of Tinget whose X-Forwarded-For is trusted (0 = none).
        "PROXY_HOPS": 0,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
    }


def from_environment() -> dict[str, Any]:
    """Settings given as ``TINGET_*`` environment variables."""
    env = os.environ
    found: dict[str, Any] = {}
    if "TINGET_ENV" in env:
        found["TINGET_ENV"] = env["TINGET_ENV"]
    if "TINGET_SECRET_KEY" in env:
        found["SECRET_KEY"] = env["TINGET_SECRET_KEY"]
    if "TINGET_DATABASE_URL" in env:
        found["SQLALCHEMY_DATABASE_URI"] = env["TINGET_DATABASE_URL"]
    for name in (
        "LOGIN_MAX_FAILURES",
        "CODE_MAX_WRONG_PER_HOUR",
        "PUBLIC_FORM_MAX_PER_HOUR",
        "PROXY_HOPS",
    ):
        if f"TINGET_{name}" in env:
            found[name] = int(env[f"TINGET_{name}"])
    return found


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs that name no driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def finalise(config: dict[str, Any]) -> dict[str, Any]:
    """Derive settings that depend on others (production hardening, driver names)."""
    config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(config["SQLALCHEMY_DATABASE_URI"])
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A file database never drops a connection; the ping was an extra statement per request.
        options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        options.pop("pool_pre_ping", None)
        config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if config["TINGET_ENV"] == "production":
        config["SESSION_COOKIE_SECURE"] = True
        config.setdefault("PREFERRED_URL_SCHEME", "https")
    return config
