"""Budget rounds without requests: settings and their freeze, applications and decisions, voter
codes, ballots for every ballot type, paper ballots, ties, counting, explanations, the results
bundle and its recount, .pb import, youth groups and their agreement."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent
from budgeting import results, services, voting
from budgeting.models import Ballot, Proposal
from budgeting.services import BudgetingError
from taxonomy.models import InputItem
from tests.budgeting.conftest import application, project, vote
from tests.conftest import make_user


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def refused(code: str, call, *args, **kwargs) -> BudgetingError:
    with pytest.raises(BudgetingError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code
    return caught.value


# --- Settings and phases --------------------------------------------------------------------


def test_a_pot_round_shows_its_budget_and_starts_in_setup(make_round):
    round_ = make_round()
    assert round_.budget == 1_100_000
    assert round_.phase == "setup"
    assert round_.slug == "nabolagspotten-lademoen-2025"


def test_a_rule_that_does_not_fit_the_ballot_type_is_refused(make_round):
    refused(
        "round.variant_mismatch",
        make_round,
        ballot_type="points",
        max_points=10,
        rule_variant="greedy_cost",
    )


def test_points_ballots_need_a_points_total(make_round):
    refused("round.points_need_total", make_round, ballot_type="points", rule_variant="mes_points")


def test_settings_freeze_when_voting_opens_and_the_freeze_is_audited(open_round):
    round_ = open_round()
    assert round_.frozen
    assert "round.settings_frozen" in audit_actions()
    refused("round.frozen", services.update_settings, round_, budget=2_000_000)
    assert round_.budget == 1_100_000


def test_changing_a_counting_setting_before_voting_is_audited(make_round):
    round_ = make_round()
    services.update_settings(round_, budget=900_000, title="Ny tittel")
    db.session.commit()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "round.settings_changed")
    )
    assert event.details["changed"] == {"budget": ["1100000", "900000"]}


def test_voting_cannot_open_while_applications_are_undecided(make_round):
    round_ = make_round()
    services.advance_phase(round_)
    services.decide(services.submit_proposal(round_, application("A", 100)), True, "")
    services.submit_proposal(round_, application("B", 100))
    services.advance_phase(round_)
    refused("round.undecided_applications", services.advance_phase, round_)


def test_voting_cannot_open_without_accepted_projects(make_round):
    round_ = make_round()
    services.advance_phase(round_)
    services.advance_phase(round_)
    refused("round.nothing_to_vote_on", services.advance_phase, round_)


# --- Applications ---------------------------------------------------------------------------


def test_an_application_without_applicant_type_is_rejected(make_round):
    round_ = make_round()
    services.advance_phase(round_)
    refused(
        "proposal.applicant_type",
        services.submit_proposal,
        round_,
        application("Grillfest", 20_000, applicant_type=None),
    )


def test_an_application_reaches_the_taxonomy_intake(make_round):
    round_ = make_round()
    services.advance_phase(round_)
    proposal = services.submit_proposal(round_, application("Grillfest i gården", 20_000))
    db.session.commit()
    item = db.session.scalar(select(InputItem).where(InputItem.source_type == "budgeting.proposal"))
    assert item.source_id == str(proposal.id)
    assert "Grillfest i gården" in item.text
    assert item.channel == "budget_proposal"


def test_a_rejection_needs_a_reason_the_applicant_sees(make_round):
    round_ = make_round()
    services.advance_phase(round_)
    proposal = services.submit_proposal(round_, application("Privat fest", 20_000))
    refused("proposal.reason_needed", services.decide, proposal, False, "  ")
    services.decide(proposal, False, "Tiltaket er ikke åpent for alle naboer.")
    db.session.commit()
    assert proposal.status == "rejected"
    assert proposal.decision_reason == "Tiltaket er ikke åpent for alle naboer."


def test_an_application_costing_more_than_the_pot_is_refused(make_round):
    round_ = make_round(budget=100_000)
    services.advance_phase(round_)
    refused("proposal.cost_range", services.submit_proposal, round_, application("X", 200_000))


# --- Codes and ballots ----------------------------------------------------------------------


def test_codes_are_distinct_and_hand_typable(open_round):
    round_ = open_round()
    codes = voting.generate_codes(round_, 200)
    texts = [c.code for c in codes]
    assert len(set(texts)) == 200
    assert all(len(t) == 10 and set(t) <= set(voting.ALPHABET) for t in texts)
    typed = voting.format_code(texts[0]).lower().replace("-", " - ")
    assert voting.find_code(round_, typed).id == codes[0].id


def test_a_code_of_another_round_does_not_work(open_round):
    first = open_round()
    second = open_round(title="Nabolagspotten Tempe 2025")
    (code,) = voting.generate_codes(first, 1)
    assert voting.find_code(second, code.code) is None
    choice = voting.Choice([project(second, "A")])
    refused("ballot.wrong_round", voting.submit_ballot, second, code, choice)


def test_resubmitting_replaces_the_ballot_and_the_last_one_counts(open_round):
    round_ = open_round()
    code, first = vote(round_, "A")
    second = voting.submit_ballot(round_, code, voting.Choice([project(round_, "B")]))
    db.session.commit()
    assert second.id == first.id
    assert second.version == 2
    assert second.projects == [project(round_, "B")]
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
    assert audit_actions().count("ballot.cast") == 2


def test_a_knapsack_ballot_over_budget_names_the_total_and_the_limit(open_round):
    round_ = open_round(ballot_type="knapsack")
    (code,) = voting.generate_codes(round_, 1)
    choice = voting.Choice([project(round_, t) for t in ("A", "B", "C")])
    error = refused("ballot.over_budget", voting.submit_ballot, round_, code, choice)
    assert error.params == {"total": 1_200_000, "limit": 1_100_000}


def test_an_approval_ballot_respects_min_and_max_projects(open_round):
    round_ = open_round(min_projects=2, max_projects=3)
    (code,) = voting.generate_codes(round_, 1)
    ids = [project(round_, t) for t in "ABCD"]
    refused("ballot.too_few", voting.submit_ballot, round_, code, voting.Choice(ids[:1]))
    refused("ballot.too_many", voting.submit_ballot, round_, code, voting.Choice(ids))
    assert voting.submit_ballot(round_, code, voting.Choice(ids[:2])).projects == ids[:2]


def test_points_ballots_drop_zero_points_and_refuse_too_many(open_round):
    round_ = open_round(ballot_type="points", max_points=10, rule_variant="mes_points+greedy")
    ids = [project(round_, t) for t in "ABCD"]
    (code,) = voting.generate_codes(round_, 1)
    refused(
        "ballot.too_many_points",
        voting.submit_ballot,
        round_,
        code,
        voting.Choice(ids, [5, 5, 1, 0]),
    )
    ballot = voting.submit_ballot(round_, code, voting.Choice(ids, [6, 4, 0, 0]))
    assert ballot.projects == ids[:2] and ballot.points == [6, 4]


def test_a_ballot_after_voting_closed_is_refused(open_round):
    round_ = open_round()
    code, _ = vote(round_, "A")
    services.advance_phase(round_)
    refused(
        "ballot.not_open", voting.submit_ballot, round_, code, voting.Choice([project(round_, "B")])
    )


def test_a_code_used_on_paper_cannot_vote_online(open_round):
    round_ = open_round()
    staff = make_user("facilitator")
    code, _ = vote(round_, "A", method="paper", entered_by=staff)
    choice = voting.Choice([project(round_, "B")])
    refused("ballot.other_method", voting.submit_ballot, round_, code, choice)


def test_paper_ballots_need_a_second_person_when_the_round_asks(open_round):
    round_ = open_round(paper_needs_confirmation=True)
    clerk = make_user("facilitator", "clerk")
    checker = make_user("facilitator", "checker")
    _, ballot = vote(round_, "A", method="paper", entered_by=clerk)
    services.advance_phase(round_)
    db.session.commit()
    refused("count.unconfirmed_paper", results.count_round, round_)
    refused("paper.same_person", voting.confirm_paper, ballot, clerk)
    voting.confirm_paper(ballot, checker)
    result = results.count_round(round_)
    assert result.num_ballots == 1


# --- Ties, counting, explanations -------------------------------------------------------------


def test_projects_with_equal_cost_and_votes_need_a_drawn_order_before_the_count(make_round):
    round_ = make_round(budget=1000, rule_variant="greedy_cost")
    services.advance_phase(round_)
    for title in ("P", "Q", "R"):
        services.decide(services.submit_proposal(round_, application(title, 600)), True, "")
    services.advance_phase(round_)
    services.advance_phase(round_)
    vote(round_, "P", "Q")
    vote(round_, "P", "Q")
    services.advance_phase(round_)
    db.session.commit()
    groups = results.possible_ties(round_)
    assert [[p.title for p in g] for g in groups] == [["P", "Q"]]
    error = refused("count.tie_order_needed", results.count_round, round_)
    assert error.params["groups"] == [[project(round_, "P"), project(round_, "Q")]]
    results.record_tie_order(round_, [project(round_, "Q"), project(round_, "P")], "Lodd", None)
    result = results.count_round(round_)
    db.session.commit()
    assert result.winners == [project(round_, "Q")]
    assert "round.tie_order" in audit_actions()


def count_example(open_round, **settings):
    """Ballots: 3 × {A, D}, 2 × {B}, 1 × {C, D}: budget 1 100 000."""
    round_ = open_round(**settings)
    codes = {}
    for i, titles in enumerate((("A", "D"),) * 3 + (("B",),) * 2 + (("C", "D"),)):
        codes[i], _ = vote(round_, *titles)
    services.advance_phase(round_)
    result = results.count_round(round_)
    db.session.commit()
    return round_, result, codes


def test_the_count_names_the_rule_and_is_audited(open_round):
    round_, result, _ = count_example(open_round, rule_variant="greedy_cost")
    assert result.variant == "greedy_cost"
    assert result.summary["variant"]["rule"] == "greedy"
    # Greedy by votes: D (4), A (3), B (2) fill 1 100 000 exactly; C (1) no longer fits.
    assert result.winners == [project(round_, t) for t in ("D", "A", "B")]
    assert result.total_cost == 1_100_000
    assert "round.counted" in audit_actions()


def test_equal_shares_explains_a_voter_and_a_project(open_round):
    round_, result, codes = count_example(open_round, rule_variant="mes_cost")
    b_voter = codes[3]
    explanation = results.explain_for_code(result, b_voter.id)
    assert explanation["supported"] == [str(project(round_, "B"))]
    assert explanation["share"] == "183333.33"
    explained = result.projects[str(project(round_, "B"))]
    assert explained["votes"] == 2
    assert "equal_shares" in explained


def test_a_code_that_did_not_vote_gets_no_explanation(open_round):
    round_, result, _ = count_example(open_round)
    (unused,) = voting.generate_codes(round_, 1)
    assert results.explain_for_code(result, unused.id) is None


def test_the_bundle_is_a_valid_pb_without_codes_and_recounts_to_the_same_winners(open_round):
    round_, result, codes = count_example(open_round)
    data = results.export_bundle(round_, result)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        pb = archive.read("ballots.pb").decode()
        published = json.loads(archive.read("result.json"))
    assert all(code.code not in pb for code in codes.values())
    assert published["variant"] == "mes_cost_add1+greedy"
    recount = results.count_upload(data)
    assert recount["matches"] is True
    assert [pid for pid, _ in recount["winners"]] == [str(w) for w in result.winners]


def test_an_altered_bundle_does_not_recount_to_the_published_winners(open_round):
    round_, result, _ = count_example(open_round, rule_variant="greedy_cost")
    data = results.export_bundle(round_, result)
    source = zipfile.ZipFile(io.BytesIO(data))
    published = json.loads(source.read("result.json"))
    published["winners"] = list(reversed(published["winners"]))
    altered = io.BytesIO()
    with zipfile.ZipFile(altered, "w") as archive:
        archive.writestr("ballots.pb", source.read("ballots.pb"))
        archive.writestr("result.json", json.dumps(published))
    assert results.count_upload(altered.getvalue())["matches"] is False


def test_a_pb_file_from_elsewhere_is_counted_with_the_chosen_rule(app):
    text = (
        "META\nkey;value\ndescription;Elsewhere\nnum_projects;2\nnum_votes;2\nbudget;100\n"
        "vote_type;approval\nPROJECTS\nproject_id;cost;name\n1;60;Benches\n2;50;Lights\n"
        "VOTES\nvoter_id;vote\nv1;1\nv2;1,2\n"
    )
    counted = results.count_upload(text.encode(), "greedy_cost")
    assert counted["winners"] == [("1", "Benches")]
    assert counted["matches"] is None


def test_a_broken_pb_file_names_the_line(app):
    error = refused("import.pb_error", results.count_upload, b"META\nkey;value\nbudget;x\n")
    assert error.params["detail"]


# --- Youth groups -----------------------------------------------------------------------------


@pytest.fixture
def youth_round(make_round):
    round_ = make_round(title="Veien til førerkortet", kind="youth", budget=100_000)
    services.advance_phase(round_)
    db.session.commit()
    return round_


def test_a_youth_group_defaults_to_at_least_two_approvals_and_equal_shares(youth_round):
    assert youth_round.min_projects == 2
    assert youth_round.rule_variant == "mes_cost_add1+greedy"
    assert youth_round.join_code and len(youth_round.join_code) == 6


def test_members_join_with_the_short_code_propose_ideas_and_comment(youth_round):
    group = services.find_group(youth_round.join_code.lower())
    assert group.id == youth_round.id
    member = services.join_group(group, "Ali", "13-19")
    idea = services.submit_proposal(
        group, services.Application("Kjøretimer", "Timer hos trafikkskolen", 60_000), member
    )
    services.add_comment(idea, member, "Viktig for å få jobb")
    db.session.commit()
    assert idea.status == "accepted"
    assert member.voter_code.round_id == group.id
    sources = set(db.session.scalars(select(InputItem.source_type)))
    assert sources == {"budgeting.proposal", "budgeting.comment"}


def test_a_group_agreement_needs_a_note_and_stays_within_the_budget(youth_round):
    ideas = [
        services.submit_proposal(youth_round, services.Application(t, "", c))
        for t, c in (("Kjøretimer", 60_000), ("Teoriprøve", 30_000), ("Tur", 50_000))
    ]
    services.advance_phase(youth_round)
    ids = [i.id for i in ideas]
    refused("agreement.note_needed", results.record_agreement, youth_round, ids[:2], {}, "")
    refused("agreement.over_budget", results.record_agreement, youth_round, ids, {}, "Enige")
    result = results.record_agreement(
        youth_round, ids[:2], {ids[0]: 9, ids[1]: 7}, "Alle var enige om førerkort", None
    )
    db.session.commit()
    assert result.total_cost == 90_000
    assert result.projects[str(ids[0])] == {"support": 9, "selected": True}
    assert db.session.get(Proposal, ids[2]).id not in result.winners


def test_rounds_move_through_their_phases_on_their_dates(make_round):
    start = date(2026, 3, 1)
    round_ = make_round(
        proposals_open=start,
        proposals_close=start + timedelta(days=30),
        voting_open=start + timedelta(days=40),
        voting_close=start + timedelta(days=50),
    )
    assert services.advance_due(start - timedelta(days=1)) == []
    services.advance_due(start)
    assert round_.phase == "proposals"
    services.submit_proposal(round_, application("Benker", 100_000))
    services.advance_due(start + timedelta(days=30))  # the last day for applications
    assert round_.phase == "proposals"
    services.advance_due(start + timedelta(days=31))
    assert round_.phase == "review"


def test_voting_does_not_open_on_its_date_while_applications_are_undecided(make_round):
    start = date(2026, 3, 1)
    round_ = make_round(
        proposals_open=start, proposals_close=start, voting_open=start + timedelta(1)
    )
    services.advance_due(start)
    services.decide(services.submit_proposal(round_, application("Lys", 50_000)), True, "")
    proposal = services.submit_proposal(round_, application("Benker", 100_000))
    moves = services.advance_due(start + timedelta(days=5))
    assert round_.phase == "review" and not round_.frozen
    assert [(m.round, m.blocked) for m in moves] == [(round_, "round.undecided_applications")]
    services.decide(proposal, True, "")
    services.advance_due(start + timedelta(days=5))
    assert round_.phase == "voting" and round_.frozen


def test_voting_closes_after_its_last_day_and_publishing_stays_with_staff(open_round):
    round_ = open_round(voting_close=date(2026, 5, 31))
    services.advance_due(date(2026, 5, 31))
    assert round_.phase == "voting"
    services.advance_due(date(2026, 6, 1))
    assert round_.phase == "closed"
    services.advance_due(date(2026, 12, 31))
    assert round_.phase == "closed"


def test_the_daily_command_reports_moves_and_blocked_rounds(runner, make_round):
    make_round(slug="potten", proposals_open=date(2000, 1, 1))
    result = runner.invoke(args=["budgeting", "advance"])
    assert result.exit_code == 0, result.output
    assert "potten: now proposals" in result.output
