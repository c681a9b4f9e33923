"""Stage 2 for a panel: fair probabilities (LEXIMIN via :mod:`sampling`), the committed lottery,
the public seed and the draw; replacements after drop-outs; the representativeness table and
the CSV export. The computation runs outside the request in a thread with its own app context,
or inline when ``PANELS_SELECTION_INLINE`` is set (tests)."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import User, utcnow
from sampling.errors import SamplingError
from sampling.lottery import Lottery, build_lottery, draw
from sampling.model import Pool, Quota
from sampling.model import Volunteer as PoolVolunteer
from sampling.stage2 import select_probabilities, select_replacements

from .models import Panel, SelectionRun, Volunteer
from .services import PanelError, pool_members

DEFAULT_LOTTERY_SIZE = 1000


def quotas_of(panel: Panel) -> list[Quota]:
    return [Quota(q.category, q.value, q.min, q.max) for q in panel.quotas]


def _pool_entry(volunteer: Volunteer, categories: list[str]) -> PoolVolunteer:
    # One volunteer per household letter, so no household constraint is needed.
    # A member who dropped out and had their data deleted has no answers left; they only need
    # an id here, since residual quotas count the members who stay.
    return PoolVolunteer(str(volunteer.id), {c: volunteer.features.get(c, "") for c in categories})


def current_run(panel: Panel, purpose: str | None = None) -> SelectionRun | None:
    query = select(SelectionRun).where(SelectionRun.panel_id == panel.id)
    if purpose is not None:
        query = query.where(SelectionRun.purpose == purpose)
    return db.session.scalar(query.order_by(SelectionRun.id.desc()))


def start_selection(
    panel: Panel, actor: User | None = None, dropped: list[Volunteer] | None = None
) -> SelectionRun:
    """Queue a stage-2 run (``dropped`` given: a replacement run) and start it; commits."""
    busy = current_run(panel)
    if busy is not None:
        _expire_stuck(busy)
    if busy is not None and busy.status in ("queued", "running", "ready", "committed"):
        raise PanelError("selection.run_open")
    if dropped is None:
        if panel.status not in ("inviting", "selection"):
            raise PanelError("selection.wrong_status")
        if len(pool_members(panel)) < panel.panel_size:
            raise PanelError(
                "selection.pool_too_small",
                pool=len(pool_members(panel)),
                panel_size=panel.panel_size,
            )
    elif not dropped:
        raise PanelError("replacement.none_dropped")
    run = SelectionRun(
        panel=panel,
        purpose="panel" if dropped is None else "replacement",
        dropped=[v.id for v in dropped or []],
        created_by_id=actor.id if actor is not None else None,
    )
    panel.status = "selection" if dropped is None else panel.status
    db.session.add(run)
    db.session.flush()
    audit.record("panels.selection_started", run, actor=actor, purpose=run.purpose)
    db.session.commit()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("PANELS_SELECTION_INLINE"):
        compute(run.id)
    else:
        threading.Thread(target=_in_context, args=(app, run.id), daemon=True).start()
    return run


def _in_context(app: Flask, run_id: int) -> None:
    with app.app_context():
        try:
            compute(run_id)
        finally:
            db.session.remove()


def compute(run_id: int) -> None:
    """Compute probabilities and the committed lottery for a queued run; records failures."""
    run = db.session.get(SelectionRun, run_id)
    panel = run.panel
    run.status = "running"
    db.session.commit()
    start = time.perf_counter()
    last = [0.0]

    def progress(message: str, fraction: float) -> None:
        # Commit progress at most twice a second so the refreshing page shows it.
        if time.perf_counter() - last[0] > 0.5 or fraction >= 1:
            last[0] = time.perf_counter()
            run.progress = float(fraction)
            run.progress_message = message[:200]
            db.session.commit()

    try:
        lottery, probabilities, seats = _compute(panel, run, progress)
    except SamplingError as error:
        db.session.rollback()
        run = db.session.get(SelectionRun, run_id)
        run.status, run.error_code = "failed", error.code
        run.error_params = json.loads(json.dumps(error.to_dict(), default=str))
        audit.record("panels.selection_failed", run, actor=None, code=error.code)
        db.session.commit()
        return
    run.probabilities = probabilities
    run.payload = lottery.payload
    run.commitment = lottery.commitment
    run.max_deviation = lottery.max_deviation
    run.seats = seats
    run.progress, run.status = 1.0, "ready"
    run.seconds = time.perf_counter() - start
    audit.record("panels.lottery_computed", run, actor=None, commitment=run.commitment, seats=seats)
    db.session.commit()


def _compute(panel: Panel, run: SelectionRun, progress) -> tuple[Lottery, dict[str, float], int]:
    quotas = quotas_of(panel)
    categories = panel.categories
    size = int(current_app.config.get("PANELS_LOTTERY_SIZE", DEFAULT_LOTTERY_SIZE))
    if run.purpose == "panel":
        pool = Pool(tuple(_pool_entry(v, categories) for v in pool_members(panel)))
        result = select_probabilities(pool, quotas, panel.panel_size, progress=progress)
        return build_lottery(result, pool, quotas, size), result.probabilities, panel.panel_size
    members = [v for v in panel.volunteers if v.status == "selected" or v.id in run.dropped]
    on_panel = [_pool_entry(v, categories) for v in members]
    reserves = [_pool_entry(v, categories) for v in panel.volunteers if v.status == "reserve"]
    plan = select_replacements(
        Pool(tuple(on_panel + reserves)),
        quotas,
        panel.panel_size,
        on_panel,
        dropped=[str(i) for i in run.dropped],
        progress=progress,
    )
    if plan.selection is None:
        raise SamplingError("No seats to fill.", code="replacement.none_needed")
    lottery = build_lottery(plan.selection, plan.candidates, list(plan.residual_quotas), size)
    return lottery, plan.selection.probabilities, plan.needed


def _lottery(run: SelectionRun) -> Lottery:
    body = json.loads(run.payload)
    panels = tuple(tuple(p) for p in body["lottery"])
    return Lottery(panels, run.commitment, {}, run.max_deviation, run.algorithm, run.payload)


def publish_commitment(run: SelectionRun, actor: User | None = None) -> None:
    """Fix the lottery before any seed is known; the hash is shown publicly from now on."""
    if run.status != "ready":
        raise PanelError("selection.not_ready")
    run.status, run.committed_at = "committed", utcnow()
    audit.record("panels.commitment_published", run, actor=actor, commitment=run.commitment)


def draw_panel(run: SelectionRun, seed: str, actor: User | None = None) -> list[Volunteer]:
    """Draw with the public seed; selected members, and for a first draw the reserves."""
    if run.status != "committed":
        raise PanelError("selection.not_committed")
    if not seed.strip():
        raise PanelError("selection.seed_empty")
    outcome = draw(_lottery(run), seed.strip())
    chosen = {int(i) for i in outcome.panel}
    panel = run.panel
    run.seed, run.drawn_index, run.drawn = outcome.seed, outcome.index, list(outcome.panel)
    run.status, run.drawn_at = "drawn", utcnow()
    selected = []
    if run.purpose == "panel":
        for volunteer in pool_members(panel):
            volunteer.status = "selected" if volunteer.id in chosen else "reserve"
        panel.status = "deliberation"
    else:
        for volunteer in panel.volunteers:
            if volunteer.id in chosen:
                volunteer.status = "selected"
    selected = [v for v in panel.volunteers if v.id in chosen]
    audit.record(
        "panels.drawn" if run.purpose == "panel" else "panels.replacements_drawn",
        run,
        actor=actor,
        seed=run.seed,
        index=outcome.index,
        commitment=run.commitment,
        chosen=sorted(chosen),
    )
    return selected


def verify_run(run: SelectionRun) -> bool:
    """Anyone holding the payload can recompute the commitment and the drawn panel."""
    from sampling.lottery import verify

    lottery = _lottery(run)
    if not verify(lottery):
        return False
    return not run.seed or list(draw(lottery, run.seed).panel) == run.drawn


def mark_dropped_out(volunteer: Volunteer, actor: User | None = None) -> None:
    if volunteer.status != "selected":
        raise PanelError("replacement.not_selected")
    volunteer.status = "dropped_out"
    volunteer.group = None
    audit.record("panels.dropped_out", volunteer, actor=actor, panel=volunteer.panel_id)


def pending_dropouts(panel: Panel) -> list[Volunteer]:
    """Members who dropped out and have not been replaced by a drawn replacement lottery."""
    replaced: set[int] = set()
    for run in db.session.scalars(
        select(SelectionRun).where(
            SelectionRun.panel_id == panel.id,
            SelectionRun.purpose == "replacement",
            SelectionRun.status == "drawn",
        )
    ):
        replaced.update(run.dropped)
    return [v for v in panel.volunteers if v.status == "dropped_out" and v.id not in replaced]


def start_replacement(panel: Panel, actor: User | None = None) -> SelectionRun:
    """Replace everyone who dropped out since the last draw, with residual quotas."""
    return start_selection(panel, actor, dropped=pending_dropouts(panel))


def discard_run(run: SelectionRun, actor: User | None = None) -> None:
    """Set aside a run before its commitment is published (e.g. to fix the quotas first).

    A published commitment cannot be discarded: that would allow drawing until one likes
    the result."""
    if run.status not in ("ready", "failed"):
        raise PanelError("selection.cannot_discard")
    run.status = "discarded"
    audit.record("panels.selection_discarded", run, actor=actor, commitment=run.commitment)


def _expire_stuck(run: SelectionRun) -> None:
    """A run left queued or running by a stopped server is marked failed, so a new one can
    start; the timeout is ``PANELS_RUN_TIMEOUT_SECONDS`` (one hour by default)."""
    timeout = int(current_app.config.get("PANELS_RUN_TIMEOUT_SECONDS", 3600))
    if run.status in ("queued", "running") and utcnow() - run.created_at > timedelta(
        seconds=timeout
    ):
        run.status, run.error_code = "failed", "selection.interrupted"
        audit.record("panels.selection_interrupted", run, actor=None)


# --- Reading the outcome -------------------------------------------------------------------


@dataclass(frozen=True)
class RepresentationRow:
    category: str
    value: str
    population: float | None  # share
    pool: int
    panel: int
    min: int
    max: int


def representativeness(panel: Panel) -> list[RepresentationRow]:
    """Population share vs pool count vs panel count, per category value."""
    pool = [
        v for v in panel.volunteers if v.status in ("pool", "selected", "reserve", "dropped_out")
    ]
    if panel.open_call_in_pool is False:
        pool = [v for v in pool if v.source == "lottery"]
    members = [v for v in panel.volunteers if v.status == "selected"]
    composition = panel.aggregates.get("composition", {})
    rows = []
    for q in panel.quotas:
        if composition:  # personal data is gone: use the counts kept at deletion
            counts = composition.get(q.category, {}).get(q.value, {})
            pool_count, panel_count = counts.get("pool", 0), counts.get("panel", 0)
        else:
            pool_count = sum(1 for v in pool if v.features.get(q.category) == q.value)
            panel_count = sum(1 for v in members if v.features.get(q.category) == q.value)
        rows.append(
            RepresentationRow(
                q.category, q.value, q.population_share, pool_count, panel_count, q.min, q.max
            )
        )
    return rows


def probability_summary(run: SelectionRun) -> dict[str, float]:
    values = list(run.probabilities.values())
    if not values:
        return {}
    return {
        "min": min(values),
        "max": max(values),
        "mean": sum(values) / len(values),
        "count": len(values),
        "deviation": run.max_deviation,
    }


def contact_csv(panel: Panel) -> str:
    """Selected members and reserves with what staff need to contact and support them."""
    out = io.StringIO()
    writer = csv.writer(out)
    categories = panel.categories
    writer.writerow(
        ["id", "status", "name", "phone", "email", "language", "access_needs", "availability"]
        + categories
    )
    for v in panel.volunteers:
        if v.status in ("selected", "reserve"):
            writer.writerow(
                [
                    v.id,
                    v.status,
                    v.name,
                    v.phone,
                    v.email,
                    v.language,
                    " ".join(v.access_needs),
                    " ".join(v.availability),
                ]
                + [v.features.get(c, "") for c in categories]
            )
    return out.getvalue()
