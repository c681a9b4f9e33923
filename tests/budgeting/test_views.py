"""Budgeting pages through the test client: the application form with translated errors, the
ballot pages of every ballot type without JavaScript, codes of other rounds, paper entry,
counting, results with explanations, "why this result?", the bundle, and youth groups."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from budgeting import services, voting
from budgeting.models import Ballot, Proposal
from tests.budgeting.conftest import project, vote


def test_an_application_with_no_applicant_type_gets_a_clear_error_and_keeps_the_text(
    client, make_round
):
    round_ = make_round()
    services.advance_phase(round_)
    db.session.commit()
    response = client.post(
        f"/budsjett/{round_.slug}/soknad?lang=en",
        data={"title": "Grillfest", "description": "Grill i gården", "cost": "20000"},
    )
    assert response.status_code == 400
    assert "Choose who is applying." in response.text
    assert "Grill i gården" in response.text


def test_an_association_applies_and_sees_the_decision_reason(client, auth, make_round):
    round_ = make_round()
    services.advance_phase(round_)
    db.session.commit()
    response = client.post(
        f"/budsjett/{round_.slug}/soknad?lang=en",
        data={
            "applicant_type": "velforening",
            "applicant_name": "Lademoen vel",
            "title": "Nabofest",
            "description": "Fest i parken",
            "brings_together": "Alle naboer",
            "cost": "30000",
            "neighbourhood_id": "0",
            "contact_name": "Per",
            "contact_email": "per@example.org",
        },
    )
    assert response.status_code == 302
    status_url = response.headers["Location"]
    proposal = db.session.scalar(select(Proposal))
    auth.become("facilitator")
    client.post(
        f"/budgeting/forslag/{proposal.id}",
        data={"decision": "reject", "reason": "Søknaden gjelder et annet område."},
    )
    page = client.get(status_url + "?lang=en")
    assert "Not eligible." in page.text
    assert "Søknaden gjelder et annet område." in page.text


@pytest.mark.parametrize(
    "settings, fields",
    [
        ({"ballot_type": "approval"}, lambda ids: {"project": [str(ids[0]), str(ids[3])]}),
        ({"ballot_type": "knapsack"}, lambda ids: {"project": [str(ids[0]), str(ids[3])]}),
        (
            {"ballot_type": "points", "max_points": 10, "rule_variant": "mes_points+greedy"},
            lambda ids: {f"points-{ids[0]}": "7", f"points-{ids[3]}": "3"},
        ),
        (
            {"ballot_type": "ranking", "rule_variant": "mes_borda+greedy"},
            lambda ids: {f"rank-{ids[3]}": "1", f"rank-{ids[0]}": "2"},
        ),
    ],
    ids=["approval", "knapsack", "points", "ranking"],
)
def test_every_ballot_type_can_be_filled_in_without_javascript(
    client, open_round, settings, fields
):
    round_ = open_round(**settings)
    (code,) = voting.generate_codes(round_, 1)
    db.session.commit()
    ids = [project(round_, t) for t in "ABCD"]
    entered = client.post(f"/budsjett/{round_.slug}/stem", data={"code": code.code.lower()})
    assert entered.status_code == 302
    page = client.get(f"/budsjett/{round_.slug}/stemmeseddel?lang=en")
    assert "The last ballot you send is the one that counts." in page.text
    sent = client.post(f"/budsjett/{round_.slug}/stemmeseddel", data=fields(ids))
    assert sent.status_code == 303, sent.text
    ballot = db.session.scalar(select(Ballot))
    assert set(ballot.projects) == {ids[0], ids[3]}
    if settings["ballot_type"] == "ranking":
        assert ballot.projects == [ids[3], ids[0]]


def test_the_knapsack_total_is_checked_without_saving(client, open_round):
    round_ = open_round(ballot_type="knapsack")
    (code,) = voting.generate_codes(round_, 1)
    db.session.commit()
    client.post(f"/budsjett/{round_.slug}/stem", data={"code": code.code})
    ids = [str(project(round_, t)) for t in "ABC"]
    page = client.post(
        f"/budsjett/{round_.slug}/stemmeseddel?lang=en", data={"project": ids, "action": "check"}
    )
    assert "That is more than you can spend." in page.text
    assert db.session.scalar(select(Ballot)) is None
    refused = client.post(f"/budsjett/{round_.slug}/stemmeseddel?lang=en", data={"project": ids})
    assert refused.status_code == 400
    assert "more than the 1\u00a0100\u00a0000 NOK" in refused.text or "1,100,000" in refused.text


def test_a_voter_code_of_another_round_is_not_recognised(client, open_round):
    first = open_round()
    second = open_round(title="Nabolagspotten Tempe 2025")
    (code,) = voting.generate_codes(first, 1)
    db.session.commit()
    response = client.post(f"/budsjett/{second.slug}/stem?lang=en", data={"code": code.code})
    assert response.status_code == 400
    assert "We do not recognise this code for this vote." in response.text


def test_staff_enter_a_paper_ballot_and_the_count_explains_the_result(client, auth, open_round):
    round_ = open_round(rule_variant="greedy_cost")
    vote(round_, "A", "D")
    vote(round_, "B")
    (paper_code,) = voting.generate_codes(round_, 1)
    db.session.commit()
    auth.become("facilitator")
    ids = [project(round_, t) for t in "ABCD"]
    saved = client.post(
        f"/budgeting/{round_.id}/papir",
        data={"code": voting.format_code(paper_code.code), "project": [str(ids[3])]},
    )
    assert saved.status_code == 302
    assert voting.ballot_of(round_, paper_code).method == "paper"
    client.post(f"/budgeting/{round_.id}/neste-fase")  # close voting
    counted = client.post(f"/budgeting/{round_.id}/opptelling")
    assert counted.status_code == 302
    client.post(f"/budgeting/{round_.id}/neste-fase")  # publish
    results = client.get(f"/budsjett/{round_.slug}/resultat?lang=en")
    assert "Most votes first (greedy)" in results.text
    assert "Skipped: when its turn came" in results.text
    assert results.text.count("<meter") == 4
    why = client.post(f"/budsjett/{round_.slug}/hvorfor?lang=en", data={"code": paper_code.code})
    assert "funded as number 1 in order of support." in why.text
    bundle = client.get(f"/budsjett/{round_.slug}/resultat.zip")
    assert bundle.mimetype == "application/zip"


def test_a_youth_group_joins_proposes_comments_and_votes(client, make_round):
    round_ = make_round(title="Veien til førerkortet", kind="youth", budget=100_000)
    services.advance_phase(round_)
    db.session.commit()
    joined = client.post(
        "/budsjett/bli-med",
        data={"code": round_.join_code, "nickname": "Sara", "age_band": "13-19"},
    )
    assert joined.status_code == 302
    client.post(
        f"/budsjett/{round_.slug}/gruppe",
        data={"title": "Kjøretimer", "description": "", "cost": "60000"},
    )
    idea = db.session.scalar(select(Proposal))
    client.post(f"/budsjett/{round_.slug}/gruppe/{idea.id}/kommentar", data={"text": "Ja!"})
    page = client.get(f"/budsjett/{round_.slug}/gruppe?lang=en")
    assert "Kjøretimer" in page.text and "Ja!" in page.text
    assert "idea from Sara" in page.text


def test_a_youth_member_sees_the_receipt_code_of_their_own_ideas_only(app, client, make_round):
    from followup import services as followup

    round_ = make_round(title="Veien til førerkortet", kind="youth", budget=100_000)
    services.advance_phase(round_)
    db.session.commit()
    client.post(
        "/budsjett/bli-med",
        data={"code": round_.join_code, "nickname": "Sara", "age_band": "13-19"},
    )
    client.post(
        f"/budsjett/{round_.slug}/gruppe",
        data={"title": "Kjøretimer", "description": "", "cost": "60000"},
    )
    receipt = followup.proposal_receipt(db.session.scalar(select(Proposal)))
    assert receipt
    own = client.get(f"/budsjett/{round_.slug}/gruppe?lang=en").text
    assert receipt in own and f"/svar/{receipt}" in own
    with app.test_client() as friend:
        friend.post(
            "/budsjett/bli-med",
            data={"code": round_.join_code, "nickname": "Ali", "age_band": "13-19"},
        )
        theirs = friend.get(f"/budsjett/{round_.slug}/gruppe?lang=en").text
    assert "Kjøretimer" in theirs and receipt not in theirs


def sign_in(client, round_) -> int:
    (code,) = voting.generate_codes(round_, 1)
    db.session.commit()
    assert client.post(f"/budsjett/{round_.slug}/stem", data={"code": code.code}).status_code == 302
    return code.id


def test_a_sent_ballot_is_saved_and_audited_in_one_go_and_answered_with_303(client, open_round):
    round_ = open_round()
    code_id = sign_in(client, round_)
    ids = [str(project(round_, t)) for t in "AB"]
    for _ in range(2):
        sent = client.post(f"/budsjett/{round_.slug}/stemmeseddel", data={"project": ids})
        assert sent.status_code == 303
        assert sent.headers["Location"].endswith(f"/budsjett/{round_.slug}/takk")
    db.session.expire_all()
    ballot = db.session.scalar(select(Ballot))
    assert (ballot.voter_code_id, ballot.version) == (code_id, 2)
    casts = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "ballot.cast")).all()
    assert [e.details["version"] for e in casts] == [1, 2]
    assert all(set(e.details) == {"round", "ballot", "method", "version"} for e in casts)
    receipt = client.get(sent.headers["Location"] + "?lang=en")
    assert "Your ballot is saved." in receipt.text


def test_a_ballot_sent_after_voting_closed_is_refused_although_settings_are_cached(
    client, open_round
):
    round_ = open_round()
    sign_in(client, round_)
    ids = [str(project(round_, "A"))]
    assert (
        client.post(f"/budsjett/{round_.slug}/stemmeseddel", data={"project": ids}).status_code
        == 303
    )
    services.advance_phase(round_)  # closed
    db.session.commit()
    late = client.post(f"/budsjett/{round_.slug}/stemmeseddel", data={"project": ids})
    assert late.status_code == 409
    db.session.expire_all()
    assert db.session.scalar(select(Ballot.version)) == 1


def test_a_session_code_that_is_not_of_this_round_cannot_vote(client, open_round):
    first = open_round()
    second = open_round(title="Nabolagspotten Tempe 2025")
    (other,) = voting.generate_codes(first, 1)
    db.session.commit()
    with client.session_transaction() as session:
        session["budget_codes"] = {str(second.id): other.id}  # as if a stale or forged session
    ids = [str(project(second, "A"))]
    response = client.post(f"/budsjett/{second.slug}/stemmeseddel", data={"project": ids})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/budsjett/{second.slug}/stem")
    assert db.session.scalar(select(Ballot)) is None


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_a_ballot_without_its_csrf_token_is_refused_before_the_fast_path(client, open_round):
    round_ = open_round()
    (code,) = voting.generate_codes(round_, 1)
    db.session.commit()
    page = client.get(f"/budsjett/{round_.slug}/stem").text
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    entered = client.post(
        f"/budsjett/{round_.slug}/stem", data={"code": code.code, "csrf_token": token}
    )
    assert entered.status_code == 302
    ids = [str(project(round_, "A"))]
    forged = client.post(f"/budsjett/{round_.slug}/stemmeseddel", data={"project": ids})
    assert forged.status_code == 400
    assert db.session.scalar(select(Ballot)) is None
    sent = client.post(
        f"/budsjett/{round_.slug}/stemmeseddel", data={"project": ids, "csrf_token": token}
    )
    assert sent.status_code == 303
