"""Two of everything a resident holds a key to: panels A and B (a letter, the open call, a
selected member with a personal link and code, a session's check-in link, an expert input, a
recommendation open for support votes), budgeting rounds A and B in voting (a voter code each),
published rounds A and B (a counted ballot each), youth groups A and B (a member and an idea
each), a round taking applications and one in set-up. Used to check that a key of A opens
nothing of B (tests/test_route_roles.py) and by the fuzz and abuse tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.extensions import db
from app.models import Neighbourhood


@dataclass
class PanelKeys:
    id: int
    invitation_token: str
    invitation_code: str
    open_token: str
    member_token: str
    member_code: str
    checkin_token: str
    input_id: int
    recommendation_id: int


@dataclass
class RoundKeys:
    id: int
    slug: str
    code: str = ""  # a voter code of this round (counted, for published rounds)
    code_id: int = 0
    proposal_id: int = 0
    receipt: str = ""  # the application's receipt token
    member_id: int = 0  # youth groups: a member (whose voter code is ``code_id``)
    join_code: str = ""


@dataclass
class Residents:
    panel_a: PanelKeys
    panel_b: PanelKeys
    voting_a: RoundKeys
    voting_b: RoundKeys
    published_a: RoundKeys
    published_b: RoundKeys
    group_a: RoundKeys
    group_b: RoundKeys
    applying: RoundKeys
    draft: RoundKeys
    topic_slug: str


def build_residents() -> Residents:
    area = db.session.scalar(select(Neighbourhood)) or Neighbourhood(slug="omr", name="Område")
    db.session.add(area)
    world = Residents(
        panel_a=_panel("Panel A", area),
        panel_b=_panel("Panel B", area),
        voting_a=_voting_round_keys("Runde A"),
        voting_b=_voting_round_keys("Runde B"),
        published_a=_published_round("Resultat A"),
        published_b=_published_round("Resultat B"),
        group_a=_youth_group("Gruppe A"),
        group_b=_youth_group("Gruppe B"),
        applying=_applying_round("Søknader"),
        draft=_draft_round("Utkast"),
        topic_slug=_topic(area),
    )
    db.session.commit()
    return world


def _panel(title: str, area: Neighbourhood) -> PanelKeys:
    from panels import deliberation, services
    from panels.models import Invitation
    from panels.services import PanelSpec, QuotaLine, SignUp

    quotas = [QuotaLine("gender", "f", 0, 2), QuotaLine("gender", "m", 0, 2)]
    panel = services.create_panel(PanelSpec(title, area, 2, date(2030, 1, 1), quotas))
    panel.status = "inviting"
    db.session.flush()
    invitation = Invitation(
        panel_id=panel.id,
        stratum="gender=f",
        token=services.new_token(),
        short_code=services.new_short_code(),
    )
    db.session.add(invitation)
    member = services.sign_up(
        panel, SignUp({"gender": "f"}, [], [], f"Medlem {title}", phone="1", consent=True)
    )
    member.status = "selected"
    session = deliberation.add_session(panel, "learning", "Kveld 1", datetime(2030, 1, 1, 18))
    document = deliberation.add_document(session, "Fakta", "fakta.pdf", b"%PDF-1.4 fakta")
    recommendation = deliberation.save_recommendation(panel, "Anbefaling", "Tekst")
    deliberation.set_voting(recommendation, True)
    db.session.flush()
    return PanelKeys(
        id=panel.id,
        invitation_token=invitation.token,
        invitation_code=invitation.short_code,
        open_token=panel.open_call_token,
        member_token=member.access_token,
        member_code=member.short_code,
        checkin_token=session.checkin_token,
        input_id=document.id,
        recommendation_id=recommendation.id,
    )


def _application(title: str):
    from budgeting import services

    return services.Application(
        title,
        "Beskrivelse",
        100,
        applicant_type="sameie",
        applicant_name="Sameiet",
        contact_name="Kari",
        contact_email="kari@example.org",
    )


def _voting_round(title: str):
    from budgeting import services, voting

    round_ = services.create_round(title=title, budget=1000)
    services.advance_phase(round_)  # proposals
    proposal = services.submit_proposal(round_, _application(f"Prosjekt {title}"))
    services.decide(proposal, True, "")
    services.advance_phase(round_)  # review
    services.advance_phase(round_)  # voting
    (code,) = voting.generate_codes(round_, 1)
    db.session.flush()
    return round_, proposal, code


def _keys(round_, proposal, code) -> RoundKeys:
    return RoundKeys(
        id=round_.id,
        slug=round_.slug,
        code=code.code,
        code_id=code.id,
        proposal_id=proposal.id,
        receipt=proposal.token,
    )


def _published_round(title: str) -> RoundKeys:
    from budgeting import results, services, voting

    round_, proposal, code = _voting_round(title)
    voting.submit_ballot(round_, code, voting.Choice([proposal.id]))
    services.advance_phase(round_)  # closed
    results.count_round(round_)
    services.advance_phase(round_)  # published
    return _keys(round_, proposal, code)


def _youth_group(title: str) -> RoundKeys:
    from budgeting import services

    round_ = services.create_round(title=title, budget=1000, kind="youth")
    services.advance_phase(round_)  # proposals: members suggest ideas
    member = services.join_group(round_, "Sara", None)
    idea = services.submit_proposal(round_, services.Application("Idé", "", 100), member)
    db.session.flush()
    keys = _keys(round_, idea, member.voter_code)
    keys.member_id, keys.join_code = member.id, round_.join_code
    return keys


def _applying_round(title: str) -> RoundKeys:
    from budgeting import services

    round_ = services.create_round(title=title, budget=1000)
    services.advance_phase(round_)
    db.session.flush()
    return RoundKeys(id=round_.id, slug=round_.slug)


def _draft_round(title: str) -> RoundKeys:
    from budgeting import services

    round_ = services.create_round(title=title, budget=1000)
    db.session.flush()
    return RoundKeys(id=round_.id, slug=round_.slug)


def _voting_round_keys(title: str) -> RoundKeys:
    return _keys(*_voting_round(title))


def _topic(area: Neighbourhood) -> str:
    from taxonomy.models import Topic

    topic = Topic(slug="innspill", neighbourhood=area, title="Innspill")
    db.session.add(topic)
    db.session.flush()
    return topic.slug
