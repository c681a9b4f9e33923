"""The follow-up's rules: which contribution a receipt code names, the public status (answered
by staff or implied by the contribution's own feature), what an answer needs, guessing limits,
scope statements, project evaluation and feedback that reaches the taxonomy."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from budgeting import services as budgeting
from followup import report, services
from followup.services import Answer, FollowupError
from taxonomy.models import InputItem
from tests.budgeting.conftest import application
from tests.followup.conftest import proposal_titled


def test_a_new_card_is_received_and_found_by_its_receipt_typed_loosely(card):
    item = card()
    spaced = f" {item.receipt[:4].lower()}-{item.receipt[4:]} "
    assert services.item_by_receipt(spaced) == item
    assert services.status_of(item).status == "received"
    assert services.contribution_key(item) == ("taxonomy.input", str(item.id))


def test_a_coded_card_is_being_considered_before_anyone_answers(card, make_coder_coding):
    item = card()
    make_coder_coding(item)
    assert services.status_of(item).status == "considering"


@pytest.fixture
def make_coder_coding(lademoen):
    from taxonomy.models import Code
    from taxonomy.services import apply_coding
    from tests.conftest import make_user

    coder = make_user("coder", "koder")

    def code(item):
        apply_coding(item, db.session.scalars(select(Code)).first(), coder)
        db.session.commit()

    return code


def test_not_taken_forward_needs_a_reason(card, facilitator):
    item = card()
    with pytest.raises(FollowupError) as refused:
        services.record_answer(item, Answer("not_taken_forward", "Takk."), facilitator)
    assert refused.value.code == "followup.reason_needed"


def test_a_published_answer_needs_its_bokmal_text(card, facilitator):
    with pytest.raises(FollowupError) as refused:
        services.record_answer(card(), Answer("answered", "", "Thanks"), facilitator)
    assert refused.value.code == "followup.answer_needed"


def test_turned_into_a_project_needs_a_funded_one(card, facilitator, funded_round):
    item = card()
    with pytest.raises(FollowupError) as no_project:
        services.record_answer(item, Answer("project", "Ble et prosjekt."), facilitator)
    assert no_project.value.code == "followup.project_needed"
    unfunded = proposal_titled(funded_round, "Asfalt")
    with pytest.raises(FollowupError) as not_funded:
        services.record_answer(
            item, Answer("project", "Ble et prosjekt.", project=unfunded), facilitator
        )
    assert not_funded.value.code == "followup.project_not_funded"


def test_a_published_answer_is_what_the_resident_sees_with_who_and_when_audited(
    card, facilitator, funded_round
):
    item = card()
    benker = proposal_titled(funded_round, "Benker")
    services.record_answer(
        item,
        Answer(
            "project",
            "Kortet ditt ble til nye benker.",
            "Your card became benches.",
            project=benker,
        ),
        facilitator,
    )
    db.session.commit()
    public = services.status_of(item)
    assert (public.status, public.project, public.by_programme) == ("project", benker, True)
    assert public.answer("en") == "Your card became benches."
    assert public.answer("ar") == "Kortet ditt ble til nye benker."
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "followup.answered"))
    assert event.actor_id == facilitator.id
    assert event.details["status"] == "project"
    assert services.followup_for("taxonomy.input", item.id).answered_at is not None


def test_an_unpublished_draft_answer_is_not_shown(card, facilitator):
    item = card()
    services.record_answer(item, Answer("answered", "Utkast", publish=False), facilitator)
    assert services.status_of(item).status == "received"
    assert services.status_of(item).answer("nb") == ""


def test_an_application_follows_its_review_and_the_published_vote(lademoen, funded_round):
    assert services.status_of(item_of(proposal_titled(funded_round, "Benker"))).status == "project"
    unfunded = services.status_of(item_of(proposal_titled(funded_round, "Asfalt")))
    assert unfunded.status == "considering"


def test_a_rejected_application_is_not_taken_forward_with_the_reviewers_reason(lademoen):
    round_ = budgeting.create_round(title="Pott", budget=100_000, neighbourhood_id=lademoen.id)
    budgeting.advance_phase(round_)
    proposal = budgeting.submit_proposal(round_, application("Privat terrasse", 10_000))
    item = item_of(proposal)
    assert services.status_of(item).status == "received"
    assert services.proposal_receipt(proposal) == item.receipt
    budgeting.decide(proposal, False, "Tiltaket er privat.")
    public = services.status_of(item)
    assert (public.status, public.reason) == ("not_taken_forward", "Tiltaket er privat.")


def item_of(proposal) -> InputItem:
    return services.item_for(services.PROPOSAL, proposal.id)


def test_every_process_has_a_default_scope_until_staff_write_their_own(
    app, funded_round, facilitator
):
    default = services.scope_for("round", funded_round.id, "nb")
    assert default.can and default.cannot and not default.written_by_staff
    services.save_scope(
        "round",
        funded_round.id,
        {"can_decide_nb": "Beboerne velger prosjekter.", "cannot_decide_nb": "Ikke drift."},
        facilitator,
    )
    english = services.scope_for("round", funded_round.id, "en")
    assert (english.can, english.cannot) == ("Beboerne velger prosjekter.", "Ikke drift.")
    with pytest.raises(FollowupError) as refused:
        services.save_scope("round", funded_round.id, {"can_decide_nb": "x"}, facilitator)
    assert refused.value.code == "scope.text_needed"


def test_evaluation_is_only_for_funded_projects(funded_round, facilitator):
    with pytest.raises(FollowupError):
        services.save_evaluation(proposal_titled(funded_round, "Asfalt"), facilitator, planned="x")
    evaluation = services.save_evaluation(
        proposal_titled(funded_round, "Benker"),
        facilitator,
        planned="Fire benker",
        delivered="Tre benker",
        participant_count=12,
        learned="Spør barna tidlig",
    )
    assert (evaluation.planned, evaluation.delivered, evaluation.participant_count) == (
        "Fire benker",
        "Tre benker",
        12,
    )


def test_feedback_text_reaches_the_taxonomy_as_evaluation_input(funded_round, facilitator):
    benker = proposal_titled(funded_round, "Benker")
    services.record_feedback(benker, 5, "Vi sitter der hver dag!", "0-12")
    services.record_feedback(benker, 3, "", None, channel="paper", entered_by=facilitator)
    summary = services.feedback_summary(benker)
    assert (summary.count, summary.average) == (2, 4.0)
    items = db.session.scalars(
        select(InputItem).where(InputItem.source_type == services.FEEDBACK)
    ).all()
    assert [(i.text, i.channel, i.age_band) for i in items] == [
        ("Vi sitter der hver dag!", "evaluation", "0-12")
    ]
    with pytest.raises(FollowupError) as refused:
        services.record_feedback(benker, 7)
    assert refused.value.code == "feedback.smiley_needed"


def test_the_area_report_counts_statuses_and_says_fewer_than_5_for_small_themes(
    card, facilitator, funded_round, lademoen, make_coder_coding
):
    answered = card("Mer lys under brua")
    card("Flere søppelkasser")
    make_coder_coding(card("Gatefest"))
    services.record_answer(answered, Answer("answered", "Vi ser på det."), facilitator)
    data = report.area_report(lademoen)
    # Three cards plus three applications (two funded, one still being considered).
    assert data.total == 6
    assert data.by_status == {
        "received": 1,
        "considering": 2,
        "answered": 1,
        "project": 2,
        "not_taken_forward": 0,
    }
    assert [a.item for a in data.answers] == [answered]
    assert sorted(p.proposal.title for p in data.projects) == ["Benker", "Leksehjelp"]
    assert data.themes and all(theme.suppressed for theme in data.themes)
