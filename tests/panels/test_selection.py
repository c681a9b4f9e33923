"""Stage 2 for a panel: LEXIMIN probabilities, the commitment before the seed, the draw,
representativeness, the contact CSV, and replacements with residual quotas."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from panels import selection, services
from panels.services import PanelError

from .conftest import answers


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def drawn_panel(panel, seed="Lotto 2026-11-21: 3 9 14 22 27 31 34"):
    run = selection.start_selection(panel)
    selection.publish_commitment(run)
    selection.draw_panel(run, seed)
    db.session.commit()
    return run


def test_selection_gives_everyone_a_fair_probability_and_a_commitment(full_pool):
    run = selection.start_selection(full_pool)
    assert run.status == "ready"
    # 12 interchangeable-by-type volunteers, 3 per profile, panel of 6: LEXIMIN gives all 1/2.
    assert set(run.probabilities) == {str(v.id) for v in full_pool.volunteers}
    assert all(p == pytest.approx(0.5) for p in run.probabilities.values())
    assert run.commitment == hashlib.sha256(run.payload.encode()).hexdigest()
    assert "panels.lottery_computed" in actions()


def test_the_draw_needs_a_published_commitment_and_a_seed(full_pool):
    run = selection.start_selection(full_pool)
    with pytest.raises(PanelError) as error:
        selection.draw_panel(run, "123")
    assert error.value.code == "selection.not_committed"
    selection.publish_commitment(run)
    with pytest.raises(PanelError) as error:
        selection.draw_panel(run, "  ")
    assert error.value.code == "selection.seed_empty"


def test_drawing_selects_the_panel_meets_quotas_and_makes_the_rest_reserves(full_pool):
    run = drawn_panel(full_pool)
    selected = [v for v in full_pool.volunteers if v.status == "selected"]
    assert len(selected) == 6
    assert {v.status for v in full_pool.volunteers} == {"selected", "reserve"}
    for row in selection.representativeness(full_pool):
        assert row.min <= row.panel <= row.max
        assert row.pool == 6
    assert full_pool.status == "deliberation"
    assert selection.verify_run(run)
    assert actions()[-2:] == ["panels.commitment_published", "panels.drawn"]


def test_the_same_seed_always_draws_the_same_panel(full_pool):
    run = drawn_panel(full_pool)
    replay = selection._lottery(run)
    from sampling.lottery import draw

    assert list(draw(replay, run.seed).panel) == run.drawn


def test_a_pool_smaller_than_the_panel_cannot_be_selected(invited_panel):
    services.sign_up(invited_panel, answers(), None)
    with pytest.raises(PanelError) as error:
        selection.start_selection(invited_panel)
    assert error.value.code == "selection.pool_too_small"


def test_infeasible_quotas_fail_the_run_with_the_conflict_named(full_pool):
    # Six women of whom four young: the pool has only three young women.
    for quota in full_pool.quotas:
        if quota.value == "female":
            quota.min = quota.max = 6
        if quota.value == "male":
            quota.min = quota.max = 0
        if quota.value == "16-39":
            quota.min = quota.max = 4
        if quota.value == "40+":
            quota.min = quota.max = 2
    db.session.commit()
    run = selection.start_selection(full_pool)
    assert run.status == "failed"
    assert run.error_code.startswith("quota.")
    assert "panels.selection_failed" in actions()


def test_a_drop_out_is_replaced_from_the_reserves_with_residual_quotas(full_pool):
    drawn_panel(full_pool)
    leaver = next(v for v in full_pool.volunteers if v.status == "selected")
    selection.mark_dropped_out(leaver)
    db.session.commit()
    run = selection.start_replacement(full_pool)
    assert run.status == "ready" and run.seats == 1
    selection.publish_commitment(run)
    newcomers = selection.draw_panel(run, "Public seed 42")
    db.session.commit()
    assert len(newcomers) == 1 and newcomers[0].status == "selected"
    assert newcomers[0].id != leaver.id and leaver.status == "dropped_out"
    for row in selection.representativeness(full_pool):
        assert row.min <= row.panel <= row.max
    assert len([v for v in full_pool.volunteers if v.status == "selected"]) == 6
    assert "panels.replacements_drawn" in actions()


def test_a_second_replacement_does_not_replace_the_first_drop_out_again(full_pool):
    drawn_panel(full_pool)
    first = next(v for v in full_pool.volunteers if v.status == "selected")
    selection.mark_dropped_out(first)
    run = selection.start_replacement(full_pool)
    selection.publish_commitment(run)
    selection.draw_panel(run, "1")
    db.session.commit()
    with pytest.raises(PanelError) as error:
        selection.start_replacement(full_pool)
    assert error.value.code == "replacement.none_dropped"


def test_contact_list_has_selected_and_reserves_only(full_pool):
    drawn_panel(full_pool)
    rows = selection.contact_csv(full_pool).strip().splitlines()
    assert rows[0].startswith("id,status,name,phone,email")
    assert len(rows) == 13


def test_a_run_can_be_set_aside_before_but_not_after_its_commitment(full_pool):
    run = selection.start_selection(full_pool)
    selection.discard_run(run)
    assert run.status == "discarded" and "panels.selection_discarded" in actions()
    second = selection.start_selection(full_pool)
    selection.publish_commitment(second)
    with pytest.raises(PanelError) as error:
        selection.discard_run(second)
    assert error.value.code == "selection.cannot_discard"


def test_a_run_stuck_after_a_server_stop_no_longer_blocks_a_new_one(full_pool):
    from datetime import timedelta

    from app.models import utcnow
    from panels.models import SelectionRun

    stuck = SelectionRun(
        panel=full_pool, status="running", created_at=utcnow() - timedelta(hours=2)
    )
    db.session.add(stuck)
    db.session.commit()
    run = selection.start_selection(full_pool)
    assert stuck.status == "failed" and stuck.error_code == "selection.interrupted"
    assert run.status == "ready"


def test_pending_drop_outs_exclude_those_already_replaced(full_pool):
    drawn_panel(full_pool)
    first = next(v for v in full_pool.volunteers if v.status == "selected")
    selection.mark_dropped_out(first)
    assert selection.pending_dropouts(full_pool) == [first]
    run = selection.start_replacement(full_pool)
    selection.publish_commitment(run)
    selection.draw_panel(run, "2")
    assert selection.pending_dropouts(full_pool) == []


def test_without_the_inline_switch_the_lottery_is_computed_in_a_background_thread(
    full_pool, panels_app
):
    import time

    panels_app.config["PANELS_SELECTION_INLINE"] = False
    run = selection.start_selection(full_pool)
    run_id = run.id
    assert run.status in ("queued", "running")  # the caller got its answer straight away
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        db.session.rollback()
        db.session.expire_all()
        status = db.session.get(type(run), run_id).status
        if status not in ("queued", "running"):
            break
        time.sleep(0.2)
    assert status == "ready"
    assert db.session.get(type(run), run_id).commitment
