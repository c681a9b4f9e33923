"""Turning the "new panel" form into a :class:`~panels.services.PanelSpec`: the quota, share and
response-rate boxes are parsed line by line and every problem is named with its box and line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import Neighbourhood

from . import services
from .messages import message
from .models import PHASES
from .quotas import SuggestedQuota
from .services import LineProblem, PanelSpec


@dataclass(frozen=True)
class FormProblem:
    field_id: str
    where: str
    text: str


def area_choices() -> list[tuple[int, str]]:
    """Top-level programme areas: a panel's register may use the area or its sub-areas."""
    areas = db.session.scalars(
        select(Neighbourhood)
        .where(Neighbourhood.parent_id.is_(None), Neighbourhood.status == "active")
        .order_by(Neighbourhood.sort_order)
    ).all()
    return [(a.id, a.name) for a in areas]


def _named(field, problems: list[LineProblem]) -> list[FormProblem]:
    out = []
    for p in problems:
        where = (
            _("%(field)s, line %(line)d", field=field.label.text, line=p.line)
            if p.line
            else str(field.label.text)
        )
        out.append(FormProblem(field.id, where, message(p.code, p.params)))
    return out


def prefill_quotas(form) -> tuple[list[SuggestedQuota], list[FormProblem]]:
    """Compute quotas from the shares box and put them in the quotas box for editing."""
    size = form.panel_size.data
    if not size or size < 1:
        return [], [
            FormProblem(
                form.panel_size.id,
                str(form.panel_size.label.text),
                _("Enter the number of panel members."),
            )
        ]
    suggestions, problems = services.suggest_quotas(
        form.shares.data or "", size, form.tolerance.data if form.tolerance.data is not None else 1
    )
    if problems:
        return [], _named(form.shares, problems)
    form.quotas.data = services.quota_lines_text(suggestions)
    form.quotas.raw_data = [form.quotas.data]
    return suggestions, []


def panel_spec(form) -> tuple[PanelSpec | None, list[FormProblem]]:
    quotas, quota_problems = services.parse_quota_lines(
        form.quotas.data or "", form.panel_size.data
    )
    rates, rate_problems = services.parse_rate_lines(form.response_rates.data or "")
    problems = _named(form.quotas, quota_problems) + _named(form.response_rates, rate_problems)
    area = db.session.get(Neighbourhood, form.neighbourhood.data)
    if area is None:
        problems.append(
            FormProblem(
                form.neighbourhood.id,
                str(form.neighbourhood.label.text),
                _("Choose a neighbourhood."),
            )
        )
    if problems:
        return None, problems
    return (
        PanelSpec(
            title=form.title.data,
            topic=form.topic.data or "",
            neighbourhood=area,
            kind=form.kind.data,
            panel_size=form.panel_size.data,
            pool_target=form.pool_target.data,
            closes_on=form.closes_on.data,
            quotas=quotas,
            default_response_rate=form.default_response_rate.data,
            response_rates=rates,
            retention_days=form.retention_days.data,
            signup_closes_on=form.signup_closes_on.data,
            min_age=form.min_age.data,
            max_age=form.max_age.data,
            phases=phase_dates(form),
        ),
        [],
    )


def phase_dates(form) -> dict[str, tuple[date | None, date | None]]:
    """Each phase runs from its start to the day before the next one (the last to the end)."""
    starts = [form.learning_starts.data, form.discussion_starts.data, form.decision_starts.data]
    ends_after = [*starts[1:], form.closes_on.data + timedelta(days=1)]
    out = {}
    for name, start, following in zip(PHASES, starts, ends_after, strict=True):
        out[name] = (start, following - timedelta(days=1) if start and following else None)
    return out
