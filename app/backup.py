"""Backups of the whole database, and restoring one.

SQLite uses SQLite's online backup API, which copies a consistent snapshot even while Tinget is
serving requests (WAL mode). PostgreSQL uses ``pg_dump``/``pg_restore`` in their custom format,
so a backup can be restored into an empty database on another server; the connection details
go to them as ``PG*`` environment variables, never on the command line where other users of the
machine could read the password.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from app.extensions import db


class BackupError(Exception):
    """A backup or restore that cannot go ahead; ``code`` says why."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        details = ", ".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.code} ({details})" if details else self.code


@dataclass(frozen=True)
class BackupReport:
    path: Path
    engine: str
    revision: str
    bytes: int


def _url() -> URL:
    return make_url(str(db.engine.url))


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("backup.memory_database")
    return Path(url.database)


def _pg_env(url: URL) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value is not None:
            env[key] = str(value)
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError("backup.tool_missing", tool=name)
    return found


def current_revision() -> str:
    """The migration the live database is at (``""`` before the first migration)."""
    with db.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() or ""


def _revision_of_sqlite_file(path: Path) -> str:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError("backup.not_a_backup", path=str(path)) from error
    if row is None:
        raise BackupError("backup.not_a_backup", path=str(path))
    return row[0]


def backup(path: str | Path) -> BackupReport:
    """Write a consistent copy of the database to ``path`` (which must not exist yet)."""
    target = Path(path)
    if target.exists():
        raise BackupError("backup.exists", path=str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    url = _url()
    revision = current_revision()
    db.session.remove()
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_file(url))
        destination = sqlite3.connect(target)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        subprocess.run(
            [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target)],
            env=_pg_env(url),
            check=True,
            capture_output=True,
        )
    else:
        raise BackupError("backup.unsupported", backend=url.get_backend_name())
    return BackupReport(target, url.get_backend_name(), revision, target.stat().st_size)


def restore(path: str | Path) -> BackupReport:
    """Replace the whole database with the backup at ``path``.

    Refuses a file that is not a Tinget backup. A restored database may be at an older
    migration; run ``flask db upgrade`` afterwards (the command line does it)."""
    source_path = Path(path)
    if not source_path.is_file():
        raise BackupError("backup.missing", path=str(source_path))
    url = _url()
    db.session.remove()
    if url.get_backend_name() == "sqlite":
        revision = _revision_of_sqlite_file(source_path)
        db.engine.dispose()  # no pooled connection may hold the old file open
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
        destination = sqlite3.connect(_sqlite_file(url))
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        listing = subprocess.run(
            [_pg_tool("pg_restore"), "--list", str(source_path)], capture_output=True, text=True
        )
        if listing.returncode != 0 or "alembic_version" not in listing.stdout:
            raise BackupError("backup.not_a_backup", path=str(source_path))
        db.engine.dispose()
        subprocess.run(
            [
                _pg_tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                url.database or "",
                str(source_path),
            ],
            env=_pg_env(url),
            check=True,
            capture_output=True,
        )
        revision = current_revision()
    else:
        raise BackupError("backup.unsupported", backend=url.get_backend_name())
    return BackupReport(source_path, url.get_backend_name(), revision, source_path.stat().st_size)
