"""Summaries for the programme: counts and shares of coded input per code, indicator,
neighbourhood, channel, age band and period, change over time, representative (redacted)
quotes, and the long "cube" behind the CSV and JSON exports.

An item counts once for a code when any coder applied that code (or one of its sub-codes) to
it; shares are of the coded items in the selection."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import select

from app.extensions import db
from app.models import Neighbourhood

from .models import Code, Coding, Indicator, InputItem
from .redact import redact
from .suggest import Vectoriser

PERIODS = ("month", "quarter", "year")


@dataclass
class Filters:
    neighbourhood: Neighbourhood | None = None
    channel: str | None = None
    age_band: str | None = None
    start: date | None = None
    end: date | None = None
    period: str = "quarter"


def period_of(day: date, period: str) -> str:
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "year":
        return str(day.year)
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass
class Row:
    key: str
    label: str
    count: int
    share: float
    depth: int = 0


@dataclass
class Summary:
    filters: Filters
    items: int
    coded_items: int
    by_code: list[Row] = field(default_factory=list)
    by_indicator: list[Row] = field(default_factory=list)
    by_neighbourhood: list[Row] = field(default_factory=list)
    by_channel: list[Row] = field(default_factory=list)
    by_age_band: list[Row] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    over_time: dict[str, list[int]] = field(default_factory=dict)
    coded_per_period: list[int] = field(default_factory=list)
    quotes: dict[str, list[str]] = field(default_factory=dict)


def _area_ids(area: Neighbourhood) -> list[int]:
    return [area.id, *(sub.id for sub in area.sub_areas)]


def select_items(filters: Filters) -> list[InputItem]:
    query = select(InputItem)
    if filters.neighbourhood is not None:
        query = query.where(InputItem.neighbourhood_id.in_(_area_ids(filters.neighbourhood)))
    if filters.channel:
        query = query.where(InputItem.channel == filters.channel)
    if filters.age_band:
        query = query.where(InputItem.age_band == filters.age_band)
    if filters.start:
        query = query.where(InputItem.received_on >= filters.start)
    if filters.end:
        query = query.where(InputItem.received_on <= filters.end)
    return list(db.session.scalars(query.order_by(InputItem.received_on, InputItem.id)))


def _codes_by_item(items: list[InputItem]) -> dict[int, set[int]]:
    """Item id → ids of codes applied by any coder, with every ancestor code added."""
    codes = {c.id: c for c in db.session.scalars(select(Code))}
    result: dict[int, set[int]] = defaultdict(set)
    ids = [i.id for i in items]
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        for item_id, code_id in db.session.execute(
            select(Coding.item_id, Coding.code_id).where(Coding.item_id.in_(part))
        ):
            code = codes.get(code_id)
            while code is not None:
                result[item_id].add(code.id)
                code = codes.get(code.parent_id) if code.parent_id else None
    return result


def _area_of(item: InputItem) -> Neighbourhood | None:
    area = item.neighbourhood
    return area.parent if area is not None and area.parent is not None else area


def summarise(
    filters: Filters, lang: str = "nb", labels: dict[str, dict[str, str]] | None = None
) -> Summary:
    """``labels`` maps "channel"/"age_band" to key → translated label."""
    labels = labels or {}
    items = select_items(filters)
    applied = _codes_by_item(items)
    coded = [i for i in items if applied.get(i.id)]
    n_coded = len(coded)
    summary = Summary(filters=filters, items=len(items), coded_items=n_coded)

    def share(count: int, total: int) -> float:
        return count / total if total else 0.0

    code_counts: Counter[int] = Counter()
    for item in coded:
        code_counts.update(applied[item.id])

    def walk(codes: list[Code], depth: int) -> None:
        for code in codes:
            if code.active or code_counts[code.id]:
                summary.by_code.append(
                    Row(
                        code.key,
                        code.label(lang),
                        code_counts[code.id],
                        share(code_counts[code.id], n_coded),
                        depth,
                    )
                )
                walk(code.children, depth + 1)

    roots = db.session.scalars(
        select(Code).where(Code.parent_id.is_(None)).order_by(Code.sort_order, Code.key)
    ).all()
    walk(list(roots), 0)

    indicator_items: dict[int, set[int]] = defaultdict(set)
    code_objects = {c.id: c for c in db.session.scalars(select(Code))}
    for item in coded:
        for code_id in applied[item.id]:
            for indicator in code_objects[code_id].indicators:
                indicator_items[indicator.id].add(item.id)
    indicators = {i.id: i for i in db.session.scalars(select(Indicator))}
    for indicator_id, members in sorted(
        indicator_items.items(), key=lambda kv: (-len(kv[1]), indicators[kv[0]].sort_order)
    ):
        indicator = indicators[indicator_id]
        summary.by_indicator.append(
            Row(indicator.key, indicator.label(lang), len(members), share(len(members), n_coded))
        )

    for attribute, target, label_map in (
        ("channel", summary.by_channel, labels.get("channel", {})),
        ("age_band", summary.by_age_band, labels.get("age_band", {})),
    ):
        counter = Counter(getattr(i, attribute) or "" for i in coded)
        for key, count in counter.most_common():
            target.append(
                Row(key, label_map.get(key, key) if key else "–", count, share(count, n_coded))
            )
    area_counter = Counter((_area_of(i).name if _area_of(i) else "–") for i in coded)
    for key, count in area_counter.most_common():
        summary.by_neighbourhood.append(Row(key, key, count, share(count, n_coded)))

    periods = sorted({period_of(i.received_on, filters.period) for i in coded})
    summary.periods = periods
    position = {p: k for k, p in enumerate(periods)}
    summary.coded_per_period = [0] * len(periods)
    for item in coded:
        summary.coded_per_period[position[period_of(item.received_on, filters.period)]] += 1
    for code in roots:
        series = [0] * len(periods)
        for item in coded:
            if code.id in applied[item.id]:
                series[position[period_of(item.received_on, filters.period)]] += 1
        summary.over_time[code.key] = series

    summary.quotes = representative_quotes(coded, applied, code_objects)
    return summary


def representative_quotes(
    coded: list[InputItem],
    applied: dict[int, set[int]],
    codes: dict[int, Code],
    per_code: int = 3,
) -> dict[str, list[str]]:
    """For each code, the redacted texts nearest the centre of that code's items (TF-IDF)."""
    quotes: dict[str, list[str]] = {}
    if not coded:
        return quotes
    vectoriser = Vectoriser([i.text for i in coded])
    matrix = vectoriser.matrix
    index = {item.id: row for row, item in enumerate(coded)}
    for code_id, code in codes.items():
        members = [i for i in coded if code_id in applied[i.id]]
        if not members:
            continue
        rows = [index[i.id] for i in members]
        block = matrix[rows]
        centre = np.asarray(block.mean(axis=0)).ravel()
        closeness = block @ centre
        order = np.argsort(-np.asarray(closeness).ravel(), kind="stable")[:per_code]
        quotes[code.key] = [redact(members[k].text) for k in order]
    return quotes


CUBE_FIELDS = (
    "code",
    "code_label",
    "neighbourhood",
    "channel",
    "age_band",
    "period",
    "items",
    "share",
)


def cube(filters: Filters, lang: str = "nb") -> list[dict]:
    """Counts per code × neighbourhood × channel × age band × period, with the share of the coded
    items in the same neighbourhood × channel × age band × period cell."""
    items = select_items(filters)
    applied = _codes_by_item(items)
    codes = {c.id: c for c in db.session.scalars(select(Code))}
    cells: Counter[tuple] = Counter()
    totals: Counter[tuple] = Counter()
    for item in items:
        if not applied.get(item.id):
            continue
        area = _area_of(item)
        cell = (
            area.slug if area else "",
            item.channel,
            item.age_band or "",
            period_of(item.received_on, filters.period),
        )
        totals[cell] += 1
        for code_id in applied[item.id]:
            cells[(code_id, *cell)] += 1
    rows = []
    for (code_id, area, channel, age_band, period), count in sorted(
        cells.items(), key=lambda kv: (codes[kv[0][0]].key, kv[0][1:])
    ):
        rows.append(
            {
                "code": codes[code_id].key,
                "code_label": codes[code_id].label(lang),
                "neighbourhood": area,
                "channel": channel,
                "age_band": age_band,
                "period": period,
                "items": count,
                "share": round(count / totals[(area, channel, age_band, period)], 4),
            }
        )
    return rows
