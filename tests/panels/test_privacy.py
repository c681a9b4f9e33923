"""Personal data: the scheduled purge after the panel closes keeps aggregates, one person's
data can be exported and deleted, and every deletion is audited."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent
from panels import deliberation, privacy, selection
from panels.models import RegisterHousehold


def drawn(panel):
    run = selection.start_selection(panel)
    selection.publish_commitment(run)
    selection.draw_panel(run, "seed")
    db.session.commit()


def test_purge_waits_for_the_retention_period_after_closing(full_pool):
    drawn(full_pool)
    deliberation.close_panel(full_pool)
    db.session.commit()
    due = privacy.due_date(full_pool)
    assert due == date.today() + timedelta(days=full_pool.retention_days)
    assert privacy.purge(today=due - timedelta(days=1)) == {}
    assert all(v.name for v in full_pool.volunteers)


def test_purge_deletes_contact_data_answers_and_register_but_keeps_aggregates(full_pool):
    drawn(full_pool)
    before = selection.representativeness(full_pool)
    deliberation.close_panel(full_pool)
    db.session.commit()
    done = privacy.purge(today=privacy.due_date(full_pool))
    db.session.commit()
    assert done == {full_pool.id: 12}
    for v in full_pool.volunteers:
        assert (v.name, v.phone, v.email, v.features, v.access_needs) == ("", "", "", {}, [])
        assert v.personal_data_deleted_at is not None
    assert db.session.scalar(select(func.count(RegisterHousehold.id))) == 0
    assert selection.representativeness(full_pool) == before
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "panels.personal_data_purged")
    )
    assert event.details["volunteers"] == 12
    assert privacy.purge(today=privacy.due_date(full_pool)) == {}  # nothing left to delete


def test_the_promised_deletion_date_holds_even_if_the_panel_never_closes(full_pool):
    promised = full_pool.volunteers[0].delete_after
    assert privacy.purge(today=promised) == {full_pool.id: 12}


def test_one_person_can_export_and_delete_their_data(full_pool):
    person = full_pool.volunteers[0]
    exported = privacy.export_person(person)
    assert exported["name"] == person.name and exported["answers"] == person.features
    privacy.delete_person(person)
    db.session.commit()
    assert person.name == "" and person.status == "withdrawn"
    assert db.session.scalar(
        select(AuditEvent.action).where(AuditEvent.action == "panels.personal_data_deleted")
    )


def test_a_member_who_asks_for_deletion_drops_out_and_can_be_replaced(full_pool):
    drawn(full_pool)
    member = next(v for v in full_pool.volunteers if v.status == "selected")
    reserve = next(v for v in full_pool.volunteers if v.status == "reserve")
    privacy.delete_person(member)
    privacy.delete_person(reserve)
    db.session.commit()
    assert (member.status, reserve.status) == ("dropped_out", "withdrawn")
    run = selection.start_replacement(full_pool)
    assert run.status == "ready", run.error_code
    selection.publish_commitment(run)
    (newcomer,) = selection.draw_panel(run, "9")
    assert newcomer not in (member, reserve) and newcomer.features
