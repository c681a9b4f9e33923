"""`flask backup` and `flask restore`: a round trip gives back exactly the saved data, on
SQLite and on PostgreSQL (whichever the suite runs against)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Neighbourhood, User
from tests.conftest import make_user


def _state() -> tuple[list[str], list[tuple[str, str]]]:
    users = sorted(db.session.scalars(select(User.username)))
    areas = sorted(
        tuple(row) for row in db.session.execute(select(Neighbourhood.slug, Neighbourhood.name))
    )
    return users, areas


def test_restore_brings_back_exactly_what_the_backup_held(app, runner, tmp_path):
    make_user("facilitator", "kari")
    db.session.add(Neighbourhood(slug="lademoen", name="Lademoen"))
    db.session.commit()
    saved = _state()

    result = runner.invoke(args=["backup", str(tmp_path / "tinget.backup")])
    assert result.exit_code == 0, result.output
    assert "written to" in result.output

    make_user("reader", "ola")
    db.session.execute(db.delete(Neighbourhood))
    db.session.commit()
    assert _state() != saved

    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "tinget.backup")])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert _state() == saved
    restored = db.session.scalars(select(AuditEvent.action)).all()
    assert "database.restored" in restored


def test_backup_refuses_to_overwrite_an_existing_file(app, runner, tmp_path):
    existing = tmp_path / "old.backup"
    existing.write_text("keep me")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code != 0
    assert "backup.exists" in result.output
    assert existing.read_text() == "keep me"


def test_restore_refuses_a_file_that_is_not_a_backup_and_keeps_the_data(app, runner, tmp_path):
    make_user("coder", "per")
    db.session.commit()
    before = _state()
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a database")
    result = runner.invoke(args=["restore", "--yes", str(junk)])
    assert result.exit_code != 0
    assert "backup.not_a_backup" in result.output
    db.session.remove()
    assert _state() == before


def test_restore_asks_before_replacing_the_data(app, runner, tmp_path):
    runner.invoke(args=["backup", str(tmp_path / "b.backup")])
    result = runner.invoke(args=["restore", str(tmp_path / "b.backup")], input="n\n")
    assert result.exit_code != 0
    assert "Aborted" in result.output


def _every_table() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order (binary columns included)."""
    content = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table)).all()
        content[table.name] = sorted((tuple(map(repr, row)) for row in rows), key=repr)
    return content


def _postgresql_without_tools(database_url: str) -> bool:
    import shutil

    return database_url.startswith("postgres") and not (
        shutil.which("pg_dump") and shutil.which("pg_restore")
    )


def test_a_round_trip_gives_back_every_row_of_every_feature(app, runner, tmp_path, database_url):
    """Panels, rounds, ballots, youth groups, documents and input items: all come back exactly
    (on PostgreSQL through pg_dump/pg_restore, on SQLite through the online backup API)."""
    import pytest

    if _postgresql_without_tools(database_url):
        pytest.skip("pg_dump/pg_restore are not on PATH")
    from budgeting.models import Ballot
    from tests.residents import build_residents

    build_residents()
    saved = _every_table()
    assert saved["ballot"] and saved["volunteer"] and saved["expert_input"]
    assert runner.invoke(args=["backup", str(tmp_path / "t.backup")]).exit_code == 0

    db.session.execute(db.delete(Ballot))
    make_user("reader", "ola")
    db.session.commit()
    assert _every_table() != saved

    result = runner.invoke(args=["restore", "--yes", str(tmp_path / "t.backup")])
    assert result.exit_code == 0, result.output
    db.session.remove()
    restored = _every_table()
    restored["audit_event"] = [
        r for r in restored["audit_event"] if "database.restored" not in repr(r)
    ]
    assert restored == saved
