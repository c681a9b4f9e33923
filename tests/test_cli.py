"""Command line: demo data, staff accounts, catalogues."""

from __future__ import annotations

import re

from app.extensions import db
from app.models import Neighbourhood, User


def _logins(output: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(demo-\w+)\s+(\S+)$", output, flags=re.MULTILINE))


def test_demo_loads_the_programme_neighbourhoods_with_sub_areas(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    names = {n.name for n in db.session.query(Neighbourhood)}
    assert {"Lademoen", "Møllenberg", "Tempe-Sorgenfri", "Saupstad-Kolstad"} <= names
    lademoen = db.session.query(Neighbourhood).filter_by(slug="lademoen").one()
    assert {"Buran", "Nyhavna", "Lilleby"} <= {s.name for s in lademoen.sub_areas}
    finished = db.session.query(Neighbourhood).filter_by(slug="saupstad-kolstad").one()
    assert finished.status == "finished"


def test_demo_is_idempotent_and_prints_working_logins(runner, client):
    runner.invoke(args=["demo"])
    counts = (db.session.query(Neighbourhood).count(), db.session.query(User).count())
    result = runner.invoke(args=["demo"])
    assert (db.session.query(Neighbourhood).count(), db.session.query(User).count()) == counts
    logins = _logins(result.output)
    assert set(logins) == {"demo-admin", "demo-facilitator", "demo-coder", "demo-reader"}
    response = client.post(
        "/auth/login", data={"username": "demo-coder", "password": logins["demo-coder"]}
    )
    assert response.status_code == 302


def test_demo_refuses_to_run_in_production(runner, app):
    app.config["TINGET_ENV"] = "production"
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert db.session.query(User).count() == 0


def test_user_create_makes_a_hashed_account_with_the_role(runner):
    result = runner.invoke(
        args=["user", "create", "ingrid", "--role", "coder", "--password", "ingrid's long password"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(username="ingrid").one()
    assert user.role == "coder"
    assert user.check_password("ingrid's long password")


def test_user_create_refuses_short_passwords_and_unknown_roles(runner):
    short = runner.invoke(args=["user", "create", "a", "--role", "coder", "--password", "short"])
    assert short.exit_code != 0
    unknown = runner.invoke(
        args=["user", "create", "b", "--role", "king", "--password", "long enough password"]
    )
    assert unknown.exit_code != 0
    assert db.session.query(User).count() == 0
