"""The public "what came of it" report of one neighbourhood: contributions counted by status,
the programme's published answers (residents' words only redacted), funded projects with their
delivery and evaluation, panel recommendations with the municipality's response, and the main
themes heard, with small groups shown as "fewer than 5"."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.models import Neighbourhood
from budgeting.models import ProjectUpdate, Proposal
from panels.models import Panel, Recommendation
from taxonomy import summaries
from taxonomy.models import Coding, InputItem

from .models import STATUSES, Followup, ProjectEvaluation
from .services import (
    PROPOSAL,
    RECOMMENDATION,
    SMALL_CELL,
    FeedbackSummary,
    PublicStatus,
    area_ids,
    contribution_key,
    delivery_status,
    evaluation_of,
    feedback_summary,
    funded_projects,
    implied_status,
)


@dataclass
class PublishedAnswer:
    item: InputItem
    followup: Followup


@dataclass
class ProjectLine:
    proposal: Proposal
    update: ProjectUpdate | None
    evaluation: ProjectEvaluation | None
    feedback: FeedbackSummary


@dataclass
class RecommendationLine:
    recommendation: Recommendation
    response: Followup | None


@dataclass
class Theme:
    label: str
    count: int

    @property
    def suppressed(self) -> bool:
        return self.count < SMALL_CELL


@dataclass
class AreaReport:
    area: Neighbourhood
    total: int
    by_status: dict[str, int]
    answers: list[PublishedAnswer] = field(default_factory=list)
    projects: list[ProjectLine] = field(default_factory=list)
    recommendations: list[RecommendationLine] = field(default_factory=list)
    awaiting_response: int = 0
    themes: list[Theme] = field(default_factory=list)


def statuses_by_item(items: list[InputItem]) -> dict[int, PublicStatus]:
    """Public statuses of many items with one query for follow-ups and one for codings."""
    keys = {item.id: contribution_key(item) for item in items}
    followups: dict[tuple[str, str], Followup] = {}
    if items:
        for followup in db.session.scalars(select(Followup).where(Followup.published.is_(True))):
            followups[(followup.source_type, followup.source_id)] = followup
    coded = set(
        db.session.scalars(select(Coding.item_id).where(Coding.item_id.in_([i.id for i in items])))
    )
    out: dict[int, PublicStatus] = {}
    for item in items:
        followup = followups.get(keys[item.id])
        if followup is not None:
            out[item.id] = PublicStatus(followup.status, by_programme=True)
        elif keys[item.id][0] == PROPOSAL:
            out[item.id] = implied_status(item)
        else:
            out[item.id] = PublicStatus("considering" if item.id in coded else "received")
    return out


def area_report(area: Neighbourhood, lang: str = "nb", answers_shown: int = 10) -> AreaReport:
    ids = area_ids(area)
    items = list(db.session.scalars(select(InputItem).where(InputItem.neighbourhood_id.in_(ids))))
    statuses = statuses_by_item(items)
    counts = Counter(status.status for status in statuses.values())
    report = AreaReport(
        area=area, total=len(items), by_status={s: counts.get(s, 0) for s in STATUSES}
    )

    by_key = {contribution_key(item): item for item in items}
    published = db.session.scalars(
        select(Followup)
        .where(Followup.published.is_(True), Followup.source_type != RECOMMENDATION)
        .order_by(Followup.answered_at.desc())
    )
    for followup in published:
        item = by_key.get((followup.source_type, followup.source_id))
        if item is not None and len(report.answers) < answers_shown:
            report.answers.append(PublishedAnswer(item, followup))

    for proposal in funded_projects(area):
        report.projects.append(
            ProjectLine(
                proposal,
                delivery_status(proposal),
                evaluation_of(proposal),
                feedback_summary(proposal),
            )
        )

    recommendations = db.session.scalars(
        select(Recommendation)
        .join(Panel)
        .where(Panel.neighbourhood_id.in_(ids))
        .order_by(Recommendation.id)
    )
    for recommendation in recommendations:
        response = db.session.scalar(
            select(Followup).where(
                Followup.source_type == RECOMMENDATION,
                Followup.source_id == str(recommendation.id),
                Followup.published.is_(True),
            )
        )
        if response is None:
            report.awaiting_response += 1
        else:
            report.recommendations.append(RecommendationLine(recommendation, response))

    summary = summaries.summarise(summaries.Filters(neighbourhood=area), lang)
    themes = [Theme(row.label, row.count) for row in summary.by_code if row.depth == 0]
    report.themes = sorted(
        (theme for theme in themes if theme.count > 0), key=lambda t: (-t.count, t.label)
    )[:8]
    return report
