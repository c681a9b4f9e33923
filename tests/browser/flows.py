"""What the keyboard and no-JavaScript walk-throughs start from: the crawl's data (demo data plus
a ballot of every type and a drawn panel) and fresh letters, codes and tokens for each flow, and
the checks of what each flow stored."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select

from app.extensions import db
from app.models import CodeAttempt
from budgeting import services, voting
from budgeting.demo import GROUP_SLUG, POT_SLUG
from budgeting.models import Ballot, Member, Proposal, Round
from panels.models import Invitation, Panel, PanelSession, SupportVote, Volunteer
from taxonomy.models import InputItem, Topic

from .crawl import seed_crawl


@dataclass
class Flows:
    letter: Invitation
    member: Volunteer
    checkin_token: str
    topic_slug: str
    pot: Round
    group: Round
    rounds: dict[str, Round]

    def code(self, ballot_type: str) -> str:
        round_ = self.pot if ballot_type == "knapsack" else self.rounds[ballot_type]
        code = voting.generate_codes(round_, 1)[0].code
        db.session.commit()
        return code

    def free_letter(self) -> Invitation:
        return db.session.scalar(
            select(Invitation)
            .where(Invitation.panel_id == self.letter.panel_id, Invitation.volunteer == None)  # noqa: E711
            .order_by(Invitation.id)
        )


def seed_flows(app) -> Flows:
    seed_crawl(app)
    inviting = db.session.scalar(select(Panel).order_by(Panel.id))
    drawn = db.session.scalar(select(Panel).order_by(Panel.id.desc()))
    group = db.session.scalar(select(Round).where(Round.slug == GROUP_SLUG))
    services.advance_phase(group)  # ideas → voting: members can join and vote
    # The crawl blocked this client's code guessing to show the 429 page; walk-throughs type
    # their codes right.
    db.session.execute(delete(CodeAttempt))
    db.session.commit()
    flows = Flows(
        letter=None,  # type: ignore[arg-type]
        member=next(v for v in drawn.volunteers if v.status == "selected"),
        checkin_token=db.session.scalar(
            select(PanelSession.checkin_token).where(PanelSession.panel_id == drawn.id)
        ),
        topic_slug=db.session.scalar(select(Topic.slug).order_by(Topic.id)),
        pot=db.session.scalar(select(Round).where(Round.slug == POT_SLUG)),
        group=group,
        rounds={
            t: db.session.scalar(select(Round).where(Round.slug == f"stemme-{t}"))
            for t in ("approval", "points", "ranking")
        },
    )
    flows.letter = db.session.scalar(
        select(Invitation).where(Invitation.panel_id == inviting.id).order_by(Invitation.id)
    )
    return flows


def fresh() -> None:
    """See what the live server's threads committed."""
    db.session.rollback()
    db.session.expire_all()


def stored_ballot(round_: Round, code: str) -> list[str]:
    """Titles on the ballot stored for ``code`` (ranked order for rankings), or [] if none."""
    fresh()
    voter_code = voting.find_code(round_, code)
    ballot = voting.ballot_of(round_, voter_code) if voter_code else None
    if ballot is None:
        return []
    titles = {p.id: p.title for p in db.session.scalars(select(Proposal))}
    return [titles[pid] for pid in ballot.projects]


def volunteer_of(letter_id: int) -> Volunteer | None:
    fresh()
    return db.session.get(Invitation, letter_id).volunteer


def support_of(volunteer_id: int) -> list[int]:
    fresh()
    return list(
        db.session.scalars(
            select(SupportVote.score).where(SupportVote.volunteer_id == volunteer_id)
        )
    )


def input_items_with(text: str) -> int:
    fresh()
    return db.session.scalar(select(func.count(InputItem.id)).where(InputItem.text == text))


def group_member(nickname: str) -> Member | None:
    fresh()
    return db.session.scalar(select(Member).where(Member.nickname == nickname))


def ballots_of(round_: Round) -> int:
    fresh()
    return db.session.scalar(select(func.count(Ballot.id)).where(Ballot.round_id == round_.id))
