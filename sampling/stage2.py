"""Stage 2: who sits on the panel.

``select_probabilities`` computes a fair distribution over quota-compliant panels (LEXIMIN by
default, MAXIMIN, or the old LEGACY greedy for comparison) and every volunteer's selection
probability. ``select_replacements`` computes residual quotas when panel members drop out and
selects replacements fairly among the rest of the pool. Draw a panel with
:mod:`sampling.lottery` (``build_lottery`` then ``draw``).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from sampling.diagnosis import VolunteerNote, extreme_notes, infeasibility
from sampling.errors import QuotaInfeasible, SamplingError
from sampling.legacy import legacy_panel
from sampling.leximin import column_generation
from sampling.model import Pool, Quota, Volunteer
from sampling.panels import TypeModel, build_types

ALGORITHMS = ("leximin", "maximin", "legacy")
Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class ProfileType:
    """Interchangeable volunteers: the same values, no housemate in the pool."""

    profile: Mapping[str, str]
    members: tuple[str, ...]


@dataclass(frozen=True)
class TypePanel:
    """A panel as a count per type (index into ``SelectionResult.types``), with its weight."""

    counts: tuple[int, ...]
    weight: float


@dataclass(frozen=True)
class SelectionReport:
    """Figures about the run, for the audit trail and the benchmark."""

    n: int
    panel_size: int
    distinct_profiles: int
    types: int
    support: int
    stages: int
    milp_calls: int
    seconds: float
    # where the solver's time went (LP/MILP calls and seconds, swap-search columns, ...)
    detail: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SelectionResult:
    """A distribution over panels and each volunteer's selection probability."""

    algorithm: str
    panel_size: int
    types: tuple[ProfileType, ...]
    panels: tuple[TypePanel, ...]
    probabilities: dict[str, float]
    never_selected: tuple[VolunteerNote, ...]
    always_selected: tuple[VolunteerNote, ...]
    report: SelectionReport
    quotas: tuple[Quota, ...] = field(default=())

    @property
    def min_probability(self) -> float:
        return min(self.probabilities.values())

    @property
    def max_probability(self) -> float:
        return max(self.probabilities.values())


def _check_algorithm(algorithm: str) -> None:
    if algorithm not in ALGORITHMS:
        raise SamplingError(
            f"Unknown algorithm '{algorithm}'; choose one of {', '.join(ALGORITHMS)}.",
            code="algorithm.unknown",
            algorithm=algorithm,
        )


def _legacy(types: TypeModel, pool: Pool, runs: int, seed: str):
    hh_index: dict[tuple[str, ...], int] = {}
    household_of = np.full(len(pool), -1)
    for i, v in enumerate(pool.volunteers):
        if v.household is not None:
            household_of[i] = hh_index.setdefault(v.household, len(hh_index))
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big"))
    tally: dict[tuple[int, ...], int] = {}
    chosen = np.zeros(len(pool))
    done = 0
    for _ in range(runs):
        panel = legacy_panel(types, household_of, rng)
        if panel is None:
            continue
        done += 1
        chosen[panel] += 1
        counts = np.bincount(types.type_of[panel], minlength=types.n_types)
        key = tuple(int(c) for c in counts)
        tally[key] = tally.get(key, 0) + 1
    if done == 0:
        raise SamplingError("LEGACY found no panel in any run.", code="legacy.failed")
    panels = [TypePanel(k, c / done) for k, c in sorted(tally.items())]
    return panels, chosen / done


def select_probabilities(
    pool: Pool,
    quotas: Sequence[Quota],
    panel_size: int,
    algorithm: str = "leximin",
    *,
    progress: Progress | None = None,
    legacy_runs: int = 1000,
    legacy_seed: str = "legacy",
    explain: bool = True,
) -> SelectionResult:
    """Fair selection probabilities for ``pool`` under ``quotas`` and panel size ``panel_size``.

    Raises :class:`~sampling.errors.QuotaInfeasible` (naming a minimal conflicting set and the
    smallest relaxation) when no panel meets the quotas; quotas are never relaxed silently.
    LEGACY probabilities are empirical frequencies over ``legacy_runs`` seeded runs.
    """
    _check_algorithm(algorithm)
    start = time.perf_counter()
    types = build_types(pool, quotas, panel_size)
    error = infeasibility(types)
    if error is not None:
        raise error
    if progress is not None:
        progress(f"{len(pool)} volunteers in {types.n_types} types; quotas feasible", 0.0)
    stages = calls = 0
    detail: dict[str, float] = {}
    if algorithm == "legacy":
        panels, person_probs = _legacy(types, pool, legacy_runs, legacy_seed)
        type_marg = np.array([person_probs[list(m)].mean() for m in types.members])
    else:
        dist = column_generation(types, leximin=algorithm == "leximin", progress=progress)
        panels = [
            TypePanel(tuple(int(c) for c in p), float(w))
            for p, w in zip(dist.panels, dist.weights, strict=True)
        ]
        type_marg = dist.marginals
        person_probs = type_marg[types.type_of]
        stages, calls = dist.stages, dist.milp_calls
        if dist.stats is not None:
            detail = dist.stats.summary()
    never, always = (
        extreme_notes(types, type_marg) if explain and algorithm != "legacy" else ([], [])
    )
    profile_types = tuple(
        ProfileType(
            dict(zip(types.categories, prof, strict=True)), tuple(types.ids[i] for i in mem)
        )
        for prof, mem in zip(types.profiles, types.members, strict=True)
    )
    probabilities = {types.ids[i]: float(person_probs[i]) for i in range(len(pool))}
    report = SelectionReport(
        n=len(pool),
        panel_size=panel_size,
        distinct_profiles=len(set(types.profiles)),
        types=types.n_types,
        support=len(panels),
        stages=stages,
        milp_calls=calls,
        seconds=time.perf_counter() - start,
        detail=detail,
    )
    if progress is not None:
        progress("done", 1.0)
    return SelectionResult(
        algorithm,
        panel_size,
        profile_types,
        tuple(panels),
        probabilities,
        tuple(never),
        tuple(always),
        report,
        tuple(quotas),
    )


@dataclass(frozen=True)
class ReplacementPlan:
    """Residual quotas after drop-outs, the candidates, and the fair selection among them."""

    kept: tuple[str, ...]
    needed: int
    residual_quotas: tuple[Quota, ...]
    candidates: Pool
    selection: SelectionResult | None


def residual_quotas(quotas: Sequence[Quota], kept: Sequence[Volunteer]) -> list[Quota]:
    """Quotas for the seats still to fill, given the panel members who stay."""
    out = []
    for q in quotas:
        have = sum(1 for v in kept if v.features.get(q.category) == q.value)
        if have > q.max:
            raise QuotaInfeasible(
                f"The remaining panel already has {have} members with {q.category}={q.value}, "
                f"above the maximum {q.max}.",
                conflicting=[],
                relaxation=None,
                panel_size=0,
                code="replacement.max_exceeded",
            )
        out.append(
            Quota(
                q.category,
                q.value,
                max(q.min - have, 0),
                q.max - have,
                None if q.min_flex is None else max(q.min_flex - have, 0),
                None if q.max_flex is None else q.max_flex - have,
            )
        )
    return out


def select_replacements(
    pool: Pool,
    quotas: Sequence[Quota],
    panel_size: int,
    panel: Sequence[Volunteer],
    dropped: Sequence[str] = (),
    algorithm: str = "leximin",
    *,
    progress: Progress | None = None,
) -> ReplacementPlan:
    """Fair replacements for ``dropped`` members of ``panel`` (or to top up a partial panel).

    Candidates are pool members not on the panel and not sharing a household with anyone who
    stays; the residual quotas subtract the members who stay. Draw the replacements from
    ``plan.selection`` with :mod:`sampling.lottery` like any panel.
    """
    _check_algorithm(algorithm)
    dropped_set = set(dropped)
    unknown = sorted(dropped_set - {v.id for v in panel})
    if unknown:
        raise SamplingError(
            f"Not on the panel: {', '.join(unknown)}.",
            code="replacement.unknown_member",
            ids=unknown,
        )
    kept = [v for v in panel if v.id not in dropped_set]
    needed = panel_size - len(kept)
    residual = residual_quotas(quotas, kept)
    on_panel = {v.id for v in panel}
    kept_households = {v.household for v in kept if v.household is not None}
    candidates = Pool(
        tuple(
            v
            for v in pool.volunteers
            if v.id not in on_panel and (v.household is None or v.household not in kept_households)
        )
    )
    selection = None
    if needed > 0:
        selection = select_probabilities(candidates, residual, needed, algorithm, progress=progress)
    return ReplacementPlan(
        tuple(v.id for v in kept), needed, tuple(residual), candidates, selection
    )
