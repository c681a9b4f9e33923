"""``flask demo`` loads the budgeting demo (Nabolagspotten 2025, Veien til førerkortet) once;
``flask budgeting count`` and ``recount`` work outside requests."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from budgeting import results, services
from budgeting.models import Round
from tests.budgeting.conftest import vote


def test_demo_adds_the_pot_round_and_the_youth_group_once(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo"])
    assert "Budgeting: 0 rounds added" in second.output
    pot = db.session.scalar(select(Round).where(Round.slug == "nabolagspotten-lademoen-2025"))
    assert pot.budget == 1_100_000 and pot.phase == "voting" and pot.frozen
    assert len(pot.accepted) == 5
    group = db.session.scalar(select(Round).where(Round.kind == "youth"))
    assert group.title == "Veien til førerkortet"
    # The follow-up demo adds published 2024 rounds of its own; budgeting's are the 2025 ones.
    assert db.session.scalar(select(func.count()).select_from(Round).where(Round.year == 2025)) == 2


def test_the_count_command_counts_a_closed_round_and_recount_agrees(runner, open_round, tmp_path):
    round_ = open_round()
    vote(round_, "A", "B")
    vote(round_, "C")
    services.advance_phase(round_)
    db.session.commit()
    counted = runner.invoke(args=["budgeting", "count", round_.slug])
    assert counted.exit_code == 0, counted.output
    result = results.latest_result(round_)
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(results.export_bundle(round_, result))
    recounted = runner.invoke(args=["budgeting", "recount", str(bundle)])
    assert recounted.exit_code == 0, recounted.output
    assert '"matches": true' in recounted.output
