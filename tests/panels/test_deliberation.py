"""Deliberation after the draw: phases, sessions with expert inputs, check-in, balanced groups,
recommendations into the taxonomy queue, support votes and the final report."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from panels import deliberation, selection
from panels.services import PanelError
from taxonomy.models import InputItem


@pytest.fixture
def drawn(full_pool):
    run = selection.start_selection(full_pool)
    selection.publish_commitment(run)
    selection.draw_panel(run, "seed")
    db.session.commit()
    return full_pool


def members(panel):
    return [v for v in panel.volunteers if v.status == "selected"]


def test_a_phase_change_is_audited_with_what_changed(drawn):
    learning = drawn.phases[0]
    deliberation.update_phase(learning, date(2026, 1, 5), date(2026, 1, 20), "active")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "panels.phase_changed"))
    assert event.details["status"] == "active" and event.details["phase"] == "learning"


def test_a_phase_cannot_end_before_it_starts(drawn):
    with pytest.raises(PanelError) as error:
        deliberation.update_phase(drawn.phases[1], date(2026, 2, 1), date(2026, 1, 1), "planned")
    assert error.value.code == "phase.ends_before_start"


def test_uploaded_documents_are_checked_for_type_content_and_size(drawn):
    session = deliberation.add_session(drawn, "learning", "Kveld 1", datetime(2026, 1, 6, 18))
    pdf = deliberation.add_document(session, "Fakta", "fakta om Buran.pdf", b"%PDF-1.7 ...")
    assert pdf.content_type == "application/pdf" and pdf.filename == "fakta_om_Buran.pdf"
    for name, data, code in [
        ("virus.exe", b"MZ", "document.type"),
        ("fake.pdf", b"<html>", "document.content_mismatch"),
        ("big.pdf", b"%PDF-" + b"0" * deliberation.MAX_DOCUMENT_BYTES, "document.too_large"),
    ]:
        with pytest.raises(PanelError) as error:
            deliberation.add_document(session, "", name, data)
        assert error.value.code == code
    with pytest.raises(PanelError):
        deliberation.add_link(session, "Plan", "javascript:alert(1)")
    assert deliberation.add_link(session, "Plan", "https://trondheim.kommune.no/").url


def test_check_in_with_the_personal_code_counts_once(drawn):
    session = deliberation.add_session(drawn, "learning", "Kveld 1", datetime(2026, 1, 6, 18))
    member = members(drawn)[0]
    deliberation.check_in(session, member.short_code.lower().replace("-", " "))
    deliberation.check_in(session, member.short_code)
    db.session.commit()
    assert len(session.attendances) == 1
    reserve = next(v for v in drawn.volunteers if v.status == "reserve")
    with pytest.raises(PanelError) as error:
        deliberation.check_in(session, reserve.short_code)
    assert error.value.code == "checkin.not_a_member"
    with pytest.raises(PanelError) as error:
        deliberation.check_in(session, "ZZZZ-ZZZZ")
    assert error.value.code == "checkin.unknown_code"


def test_groups_are_balanced_across_strata_with_a_moderator_each(drawn):
    groups = deliberation.assign_groups(drawn, ["Anne", "Bilal"])
    db.session.commit()
    sizes = [len(g.members) for g in groups]
    assert sorted(sizes) == [3, 3]
    assert [g.moderator for g in groups] == ["Anne", "Bilal"]
    for category in drawn.categories:
        per_group = [Counter(v.features[category] for v in g.members) for g in groups]
        for value in drawn.values_of(category):
            counts = [c[value] for c in per_group]
            assert max(counts) - min(counts) <= 1, (category, value, counts)


def test_recommendations_flow_into_the_taxonomy_queue_once(drawn):
    rec = deliberation.save_recommendation(drawn, "Lys i parken", "Mer lys langs stiene.")
    deliberation.save_recommendation(
        drawn, "Lys i parken", "Mer lys langs alle stiene.", recommendation=rec
    )
    db.session.commit()
    items = db.session.scalars(select(InputItem)).all()
    assert len(items) == 1
    assert items[0].source_type == "panel.recommendation" and items[0].source_id == str(rec.id)
    assert "alle stiene" in items[0].text and items[0].channel == "panel"


def test_only_panel_members_vote_and_only_while_voting_is_open(drawn):
    rec = deliberation.save_recommendation(drawn, "Lys", "Mer lys.")
    member = members(drawn)[0]
    with pytest.raises(PanelError) as error:
        deliberation.cast_support(rec, member, 2)
    assert error.value.code == "vote.closed"
    deliberation.set_voting(rec, True)
    deliberation.cast_support(rec, member, 2)
    deliberation.cast_support(rec, member, 1)  # changes the vote, does not add one
    reserve = next(v for v in drawn.volunteers if v.status == "reserve")
    with pytest.raises(PanelError) as error:
        deliberation.cast_support(rec, reserve, 2)
    assert error.value.code == "vote.not_a_member"
    (support,) = deliberation.support_levels(drawn)
    assert support.votes == 1 and support.counts[1] == 1 and support.agree_share == 1.0


def test_final_report_holds_aggregates_and_no_personal_data(drawn):
    rec = deliberation.save_recommendation(drawn, "Lys", "Mer lys.")
    deliberation.set_voting(rec, True)
    for member, score in zip(members(drawn), (2, 2, 1, 0, -1, -2), strict=True):
        deliberation.cast_support(rec, member, score)
    report = deliberation.final_report(drawn)
    (support,) = report["support"]
    assert support.votes == 6 and support.agree_share == pytest.approx(0.5)
    assert report["members"] == 6
    assert {r.value: r.panel for r in report["representativeness"]}.keys() == {
        "female",
        "male",
        "16-39",
        "40+",
    }
    assert "Person" not in repr(report["representativeness"])


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_childrens_recommendation_can_be_a_drawing_with_a_caption(drawn):
    with pytest.raises(PanelError) as error:
        deliberation.save_recommendation(drawn, "Huske", "Vi vil ha huske.", image=("t.png", PNG))
    assert error.value.code == "recommendation.caption_missing"
    with pytest.raises(PanelError) as error:
        deliberation.save_recommendation(
            drawn, "Huske", "Vi vil ha huske.", image=("t.pdf", b"%PDF-"), caption="En huske"
        )
    assert error.value.code == "document.type"
    rec = deliberation.save_recommendation(
        drawn, "Huske", "Vi vil ha huske.", image=("tegning.png", PNG), caption="En rød huske"
    )
    db.session.commit()
    assert rec.image_type == "image/png" and rec.image == PNG
    item = db.session.scalar(select(InputItem))
    assert "En rød huske" in item.text
