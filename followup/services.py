"""Business rules of the follow-up, usable without a request: which contribution a receipt code
names, the public status of a contribution (answered by staff, or implied by its own feature),
recording answers with an audit event, receipt-code guessing limits, scope statements, project
evaluation and participants' feedback (whose text goes to the taxonomy's intake)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import force_locale
from sqlalchemy import func, select

from app import audit
from app.extensions import db
from app.models import Neighbourhood, User, utcnow
from budgeting.models import ProjectUpdate, Proposal, Round
from budgeting.results import latest_result
from budgeting.services import Application, submit_proposal
from taxonomy.models import Coding, InputItem
from taxonomy.services import intake
from taxonomy.vocabulary import AGE_BANDS

from .models import (
    ENTRY_CHANNELS,
    PROCESS_TYPES,
    PROJECT_PHASES,
    SMILEYS,
    STATUSES,
    Followup,
    ProcessScope,
    ProjectEvaluation,
    ProjectFeedback,
)
from .vocabulary import DEFAULT_SCOPES

#: Items handed over by another feature keep their source; plain input is keyed by its own id.
PLAIN_INPUT = "taxonomy.input"
PROPOSAL = "budgeting.proposal"
RECOMMENDATION = "panel.recommendation"
FEEDBACK = "followup.feedback"
#: Published counts below this are shown as "fewer than 5" (as microdata.no does, seeds 003:4676).
SMALL_CELL = 5


class FollowupError(ValueError):
    """A refused operation; ``code`` is translated by the web layer."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# --- Contributions and receipt codes -------------------------------------------------------


def contribution_key(item: InputItem) -> tuple[str, str]:
    """The (source_type, source_id) a follow-up refers to, as ``taxonomy.services.intake``
    keys handed-over input; input typed straight into the taxonomy is keyed by its own id."""
    if item.source_type and item.source_id:
        return item.source_type, item.source_id
    return PLAIN_INPUT, str(item.id)


def item_for(source_type: str, source_id: str | int) -> InputItem | None:
    if source_type == PLAIN_INPUT:
        return db.session.get(InputItem, int(source_id))
    return db.session.scalar(
        select(InputItem).where(
            InputItem.source_type == source_type, InputItem.source_id == str(source_id)
        )
    )


def normalise_receipt(text: str | None) -> str:
    """Receipt codes are printed in capitals; people type them with spaces, dashes or in
    lower case."""
    return re.sub(r"[^A-Z0-9]", "", (text or "").upper())[:12]


def item_by_receipt(code: str | None) -> InputItem | None:
    code = normalise_receipt(code)
    if len(code) < 6:
        return None
    return db.session.scalar(select(InputItem).where(InputItem.receipt == code))


def proposal_receipt(proposal: Proposal) -> str | None:
    """The short receipt code of an application (its taxonomy item's), next to its long link."""
    item = item_for(PROPOSAL, proposal.id)
    return item.receipt if item is not None else None


# --- Public status -------------------------------------------------------------------------


@dataclass
class PublicStatus:
    status: str
    answer_nb: str = ""
    answer_en: str = ""
    reason: str = ""
    project: Proposal | None = None
    answered_at: datetime | None = None
    by_programme: bool = False

    def answer(self, lang: str) -> str:
        return (self.answer_en if lang == "en" and self.answer_en else self.answer_nb) or ""


def followup_for(source_type: str, source_id: str | int) -> Followup | None:
    return db.session.scalar(
        select(Followup).where(
            Followup.source_type == source_type, Followup.source_id == str(source_id)
        )
    )


def is_funded(proposal: Proposal) -> bool:
    round_ = proposal.round
    if round_.phase != "published":
        return False
    result = latest_result(round_)
    return result is not None and proposal.id in result.winners


def implied_status(item: InputItem) -> PublicStatus:
    """The status a contribution has before staff answer it, from its own feature: an
    application's review and the published vote, or whether a coder has read the input."""
    source_type, source_id = contribution_key(item)
    if source_type == PROPOSAL:
        proposal = db.session.get(Proposal, int(source_id))
        if proposal is not None:
            if proposal.status == "rejected":
                return PublicStatus(
                    "not_taken_forward",
                    reason=proposal.decision_reason,
                    answered_at=proposal.decided_at,
                )
            if is_funded(proposal):
                return PublicStatus("project", project=proposal)
            if proposal.status == "accepted":
                return PublicStatus("considering")
            return PublicStatus("received")
    coded = db.session.scalar(select(func.count(Coding.id)).where(Coding.item_id == item.id))
    return PublicStatus("considering" if coded else "received")


def status_of(item: InputItem) -> PublicStatus:
    """What a resident sees: the programme's published answer, or else the implied status."""
    followup = followup_for(*contribution_key(item))
    if followup is not None and followup.published:
        return PublicStatus(
            followup.status,
            answer_nb=followup.answer_nb,
            answer_en=followup.answer_en,
            reason=followup.reason,
            project=followup.project,
            answered_at=followup.answered_at,
            by_programme=True,
        )
    return implied_status(item)


@dataclass
class Answer:
    status: str
    answer_nb: str = ""
    answer_en: str = ""
    reason: str = ""
    project: Proposal | None = None
    publish: bool = True


def record_answer(item: InputItem, answer: Answer, actor: User | None) -> Followup:
    """Set the status of a contribution and the programme's public answer (not committed).

    "Not taken forward" needs a reason, "turned into a project" a funded project, and a
    published answer needs its Bokmål text; who answered and when is kept and audited."""
    if answer.status not in STATUSES:
        raise FollowupError("followup.unknown_status", status=answer.status)
    answer_nb, answer_en = answer.answer_nb.strip(), answer.answer_en.strip()
    reason = answer.reason.strip()
    if answer.status == "not_taken_forward" and not reason:
        raise FollowupError("followup.reason_needed")
    if answer.status == "project":
        if answer.project is None:
            raise FollowupError("followup.project_needed")
        if not is_funded(answer.project):
            raise FollowupError("followup.project_not_funded")
    if answer.publish and answer.status in ("answered", "project") and not answer_nb:
        raise FollowupError("followup.answer_needed")
    source_type, source_id = contribution_key(item)
    followup = followup_for(source_type, source_id)
    if followup is None:
        followup = Followup(source_type=source_type, source_id=source_id)
        db.session.add(followup)
    followup.status = answer.status
    followup.answer_nb, followup.answer_en, followup.reason = answer_nb, answer_en, reason
    followup.project = answer.project if answer.status == "project" else None
    followup.published = answer.publish
    followup.answered_by = actor
    followup.answered_at = followup.updated_at = utcnow()
    db.session.flush()
    audit.record(
        "followup.answered",
        followup,
        actor=actor,
        source_type=source_type,
        source_id=source_id,
        status=answer.status,
        published=answer.publish,
        project=followup.project_id,
    )
    return followup


def record_on_behalf(item: InputItem, channel: str, actor: User | None) -> Followup:
    """Mark a contribution as recorded by staff from paper or a conversation (not committed);
    it is then processed like any other."""
    if channel not in ENTRY_CHANNELS or channel == "web":
        raise FollowupError("feedback.unknown_channel")
    source_type, source_id = contribution_key(item)
    followup = followup_for(source_type, source_id)
    if followup is None:
        followup = Followup(source_type=source_type, source_id=source_id, status="received")
        db.session.add(followup)
    followup.recorded_channel = channel
    item.entered_by = actor
    db.session.flush()
    audit.record(
        "followup.recorded_on_behalf",
        followup,
        actor=actor,
        source_type=source_type,
        source_id=source_id,
        channel=channel,
    )
    return followup


def apply_on_behalf(
    round_: Round, application: Application, channel: str, actor: User | None
) -> tuple[Proposal, InputItem]:
    """A pot application taken down by staff from paper or a conversation: submitted through
    budgeting like an online one, marked with its channel, and given a one-card batch so its
    receipt (code + QR) can be printed for the applicant."""
    if channel not in ENTRY_CHANNELS or channel == "web":
        raise FollowupError("feedback.unknown_channel")
    proposal = submit_proposal(round_, application)
    item = item_for(PROPOSAL, proposal.id)
    item.batch = f"paper-{proposal.id}"
    record_on_behalf(item, channel, actor)
    return proposal, item


# --- Funded projects -----------------------------------------------------------------------


def area_ids(area: Neighbourhood) -> list[int]:
    return [area.id, *(sub.id for sub in area.sub_areas)]


def funded_projects(area: Neighbourhood | None = None) -> list[Proposal]:
    """Winners of published rounds (in ``area`` or its sub-areas), newest round first."""
    query = select(Round).where(Round.phase == "published").order_by(Round.created_at.desc())
    projects: list[Proposal] = []
    ids = set(area_ids(area)) if area is not None else None
    for round_ in db.session.scalars(query):
        result = latest_result(round_)
        if result is None:
            continue
        by_id = {p.id: p for p in round_.proposals}
        for proposal_id in result.winners:
            proposal = by_id.get(proposal_id)
            if proposal is None:
                continue
            where = proposal.neighbourhood_id or round_.neighbourhood_id
            if ids is None or where in ids:
                projects.append(proposal)
    return projects


def delivery_status(proposal: Proposal) -> ProjectUpdate | None:
    return proposal.updates[-1] if proposal.updates else None


def evaluation_of(proposal: Proposal) -> ProjectEvaluation | None:
    return db.session.scalar(
        select(ProjectEvaluation).where(ProjectEvaluation.proposal_id == proposal.id)
    )


def save_evaluation(proposal: Proposal, actor: User | None, **fields: Any) -> ProjectEvaluation:
    if not is_funded(proposal):
        raise FollowupError("followup.project_not_funded")
    if fields.get("phase", "implementation") not in PROJECT_PHASES:
        raise FollowupError("evaluation.unknown_phase")
    count = fields.get("participant_count")
    if count is not None and count < 0:
        raise FollowupError("evaluation.negative_count")
    evaluation = evaluation_of(proposal)
    if evaluation is None:
        evaluation = ProjectEvaluation(proposal_id=proposal.id)
        db.session.add(evaluation)
    for name in ("phase", "planned", "delivered", "participants", "participant_count", "learned"):
        if name in fields:
            value = fields[name]
            setattr(evaluation, name, value.strip() if isinstance(value, str) else value)
    evaluation.updated_by_id = actor.id if actor is not None else None
    evaluation.updated_at = utcnow()
    db.session.flush()
    audit.record("followup.evaluation_saved", evaluation, actor=actor, proposal=proposal.id)
    return evaluation


def record_feedback(
    proposal: Proposal,
    smiley: int,
    text: str = "",
    age_band: str | None = None,
    channel: str = "web",
    entered_by: User | None = None,
    language: str = "nb",
) -> ProjectFeedback:
    """Store a participant's feedback; its text becomes a taxonomy item (channel evaluation)."""
    if not is_funded(proposal):
        raise FollowupError("followup.project_not_funded")
    if smiley not in SMILEYS:
        raise FollowupError("feedback.smiley_needed")
    if age_band is not None and age_band not in AGE_BANDS:
        raise FollowupError("feedback.unknown_age_band")
    if channel not in ENTRY_CHANNELS:
        raise FollowupError("feedback.unknown_channel")
    feedback = ProjectFeedback(
        proposal_id=proposal.id,
        smiley=smiley,
        text=(text or "").strip(),
        age_band=age_band,
        channel=channel,
        entered_by_id=entered_by.id if entered_by is not None else None,
    )
    db.session.add(feedback)
    db.session.flush()
    if feedback.text:
        intake(
            FEEDBACK,
            feedback.id,
            feedback.text,
            channel="evaluation",
            neighbourhood=proposal.neighbourhood or proposal.round.neighbourhood,
            language=language if language in ("nb", "en", "ar") else "other",
            age_band=age_band,
            place=proposal.title[:200],
            consent=True,
            entered_by=entered_by,
        )
    if entered_by is not None:
        audit.record("followup.feedback_entered", feedback, actor=entered_by, channel=channel)
    return feedback


@dataclass
class FeedbackSummary:
    count: int
    average: float | None
    by_smiley: dict[int, int]


def feedback_summary(proposal: Proposal) -> FeedbackSummary:
    rows = db.session.execute(
        select(ProjectFeedback.smiley, func.count(ProjectFeedback.id))
        .where(ProjectFeedback.proposal_id == proposal.id)
        .group_by(ProjectFeedback.smiley)
    ).all()
    by_smiley = {smiley: count for smiley, count in rows}
    count = sum(by_smiley.values())
    average = sum(s * c for s, c in by_smiley.items()) / count if count else None
    return FeedbackSummary(count, average, by_smiley)


# --- Scope statements ----------------------------------------------------------------------


@dataclass
class Scope:
    can: str
    cannot: str
    written_by_staff: bool


def scope_for(process_type: str, process_id: int, lang: str = "nb") -> Scope:
    """The process's own statement in ``lang`` (Bokmål when no English is written), or the
    default for its kind of process."""
    if process_type not in PROCESS_TYPES:
        raise FollowupError("scope.unknown_process", process_type=process_type)
    row = scope_row(process_type, process_id)
    with force_locale(lang):
        default_can, default_cannot = (str(text) for text in DEFAULT_SCOPES[process_type])
    if row is None:
        return Scope(default_can, default_cannot, False)

    def pick(field: str, default: str) -> str:
        english = getattr(row, f"{field}_en") if lang == "en" else ""
        return english or getattr(row, f"{field}_nb") or default

    return Scope(pick("can_decide", default_can), pick("cannot_decide", default_cannot), True)


def scope_row(process_type: str, process_id: int) -> ProcessScope | None:
    return db.session.scalar(
        select(ProcessScope).where(
            ProcessScope.process_type == process_type, ProcessScope.process_id == process_id
        )
    )


def save_scope(
    process_type: str, process_id: int, texts: dict[str, str], actor: User | None
) -> ProcessScope:
    if process_type not in PROCESS_TYPES:
        raise FollowupError("scope.unknown_process", process_type=process_type)
    if (
        not (texts.get("can_decide_nb") or "").strip()
        or not (texts.get("cannot_decide_nb") or "").strip()
    ):
        raise FollowupError("scope.text_needed")
    row = scope_row(process_type, process_id)
    if row is None:
        row = ProcessScope(process_type=process_type, process_id=process_id)
        db.session.add(row)
    for field in ("can_decide_nb", "can_decide_en", "cannot_decide_nb", "cannot_decide_en"):
        setattr(row, field, (texts.get(field) or "").strip())
    row.updated_by_id = actor.id if actor is not None else None
    row.updated_at = utcnow()
    db.session.flush()
    audit.record("followup.scope_saved", row, actor=actor, process=f"{process_type}:{process_id}")
    return row
