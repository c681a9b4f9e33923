"""Ballots on paper count the same as online: two identical rounds, one voted online by
residents and one entered on paper by staff (checked by a second person), give the same ballot
count, the same votes per project and the same winners."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from budgeting import results, services, voting
from budgeting.models import Ballot, Member
from taxonomy.models import InputItem
from tests.conftest import make_user

from .conftest import project

BALLOTS = (("A", "B"), ("C",), ("D", "C"), ("B", "D"))


def counted(round_) -> tuple:
    result = results.latest_result(round_)
    titles = {p.id: p.title for p in round_.proposals}
    votes = {titles[pid]: n for pid, n in results.vote_counts(round_).items()}
    return result.num_ballots, votes, sorted(titles[w] for w in result.winners)


def close_and_count(round_) -> None:
    services.advance_phase(round_)
    results.count_round(round_)
    db.session.commit()


def test_paper_ballots_checked_by_a_second_person_count_exactly_like_online_ones(
    client, auth, open_round
):
    online = open_round(slug="pa-nett", paper_needs_confirmation=True)
    paper = open_round(slug="pa-papir", paper_needs_confirmation=True)
    for titles in BALLOTS:
        (code,) = voting.generate_codes(online, 1)
        db.session.commit()
        client.post(f"/budsjett/{online.slug}/stem", data={"code": code.code})
        picked = [str(project(online, t)) for t in titles]
        client.post(
            f"/budsjett/{online.slug}/stemmeseddel", data={"project": picked, "action": "vote"}
        )

    auth.login("facilitator")
    for titles in BALLOTS:
        (code,) = voting.generate_codes(paper, 1)
        db.session.commit()
        picked = [str(project(paper, t)) for t in titles]
        response = client.post(
            f"/budgeting/{paper.id}/papir",
            data={"code": code.code, "project": picked, "action": "vote"},
        )
        assert response.status_code == 302
    entered = db.session.scalars(select(Ballot).where(Ballot.round_id == paper.id)).all()
    assert [b.method for b in entered] == ["paper"] * len(BALLOTS)

    # The clerk who typed them in cannot confirm them; a second person can.
    client.post(f"/budgeting/stemmeseddel/{entered[0].id}/bekreft")
    db.session.expire_all()
    assert entered[0].confirmed_at is None
    checker = make_user("facilitator", "checker")
    with client.session_transaction() as session:
        session["user_id"] = checker.id
    for ballot in entered:
        client.post(f"/budgeting/stemmeseddel/{ballot.id}/bekreft")
    db.session.expire_all()
    assert all(b.confirmed_at is not None for b in entered)

    close_and_count(online)
    close_and_count(paper)
    assert counted(paper) == counted(online)
    assert counted(online)[0] == len(BALLOTS)


def test_an_idea_on_a_paper_card_goes_on_the_ballot_like_one_added_online(client, auth, make_round):
    group = make_round(kind="youth", title="Veien til førerkortet", budget=100_000)
    services.advance_phase(group)  # ideas
    db.session.commit()
    client.post("/budsjett/bli-med", data={"code": group.join_code, "nickname": "Ali"})
    client.post(f"/budsjett/{group.slug}/gruppe", data={"title": "Kjøretimer", "cost": "60000"})
    auth.login("facilitator")
    ali = db.session.scalar(select(Member).where(Member.nickname == "Ali"))
    response = client.post(
        f"/budgeting/{group.id}/papir-ide",
        data={"member": "0", "title": "Teorikurs", "cost": "30000"},
    )
    assert response.status_code == 302
    client.post(
        f"/budgeting/{group.id}/papir-ide",
        data={"member": str(ali.id), "title": "Mentor", "cost": "20000"},
    )
    db.session.expire_all()
    ideas = {p.title: p for p in group.accepted}
    assert set(ideas) == {"Kjøretimer", "Teorikurs", "Mentor"}
    assert ideas["Mentor"].member_id == ideas["Kjøretimer"].member_id == ali.id
    items = db.session.scalars(
        select(InputItem).where(InputItem.source_type == "budgeting.proposal")
    ).all()
    assert {i.channel for i in items} == {"budget_proposal"} and len(items) == 3
    typed_in = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "proposal.entered_on_paper")
    ).all()
    assert len(typed_in) == 2 and typed_in[0].actor.username == "test-facilitator"


def test_ideas_on_paper_are_only_for_youth_groups(client, auth, open_round):
    pot = open_round()
    auth.login("facilitator")
    assert client.get(f"/budgeting/{pot.id}/papir-ide").status_code == 404
