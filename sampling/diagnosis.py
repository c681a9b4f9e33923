"""Quota diagnosis: is any panel feasible, which quotas conflict, what is the smallest fix.

* ``smallest_relaxation`` solves a MILP with integer slack on every quota bound (lowering a
  minimum costs ``1 + 2/min`` per seat, so small minimums are relaxed reluctantly; raising a
  maximum costs 1), within ``min_flex``/``max_flex``.
* ``conflicting_bounds`` finds a minimal set of quota bounds that cannot hold together by
  deletion filtering: drop one bound at a time and keep it dropped while the rest stays
  infeasible. What remains is irreducible: dropping any one bound makes it feasible.
* ``diagnose`` also lists volunteers who are in no feasible panel or in every one, with the
  quotas that force it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from sampling.errors import QuotaBound, QuotaInfeasible, Relaxation
from sampling.model import Pool, Quota
from sampling.panels import PanelModel, TypeModel, build_types


@dataclass(frozen=True)
class VolunteerNote:
    """A volunteer who is never or always selected, and the quota bounds that force it."""

    id: str
    status: str  # "never" or "always"
    reason: str
    bounds: tuple[QuotaBound, ...] = ()

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "status": self.status,
            "reason": self.reason,
            "bounds": [b.to_dict() for b in self.bounds],
        }


@dataclass(frozen=True)
class QuotaLine:
    """One quota with the number of volunteers holding its value."""

    category: str
    value: str
    min: int
    max: int
    available: int

    def to_dict(self) -> dict:
        return {
            "category": self.category,
            "value": self.value,
            "min": self.min,
            "max": self.max,
            "available": self.available,
        }


@dataclass(frozen=True)
class Diagnosis:
    """The outcome of :func:`diagnose`."""

    feasible: bool
    panel_size: int
    quotas: tuple[QuotaLine, ...]
    conflicting: tuple[QuotaBound, ...] = ()
    relaxation: tuple[Relaxation, ...] | None = None
    message: str = ""
    never_selected: tuple[VolunteerNote, ...] = field(default_factory=tuple)
    always_selected: tuple[VolunteerNote, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {
            "feasible": self.feasible,
            "panel_size": self.panel_size,
            "message": self.message,
            "quotas": [q.to_dict() for q in self.quotas],
            "conflicting": [b.to_dict() for b in self.conflicting],
            "relaxation": None
            if self.relaxation is None
            else [r.to_dict() for r in self.relaxation],
            "never_selected": [n.to_dict() for n in self.never_selected],
            "always_selected": [n.to_dict() for n in self.always_selected],
        }


def _bounds(types: TypeModel) -> list[tuple[int, str]]:
    return [(r, side) for r in range(len(types.quotas)) for side in ("min", "max")]


def _bound_vectors(types: TypeModel, keep: Sequence[tuple[int, str]]):
    lo = np.zeros(len(types.quotas))
    hi = np.full(len(types.quotas), float(types.panel_size))
    for r, side in keep:
        if side == "min":
            lo[r] = types.quotas[r].min
        else:
            hi[r] = types.quotas[r].max
    return lo, hi


def _feasible(types: TypeModel, keep, var_lower=None, var_upper=None) -> bool:
    lo, hi = _bound_vectors(types, keep)
    model = PanelModel(types, lo, hi)
    return model.solve(np.zeros(types.n_types), var_lower, var_upper) is not None


def _quota_bound(types: TypeModel, r: int, side: str) -> QuotaBound:
    q = types.quotas[r]
    return QuotaBound(
        q.category, q.value, side, q.min if side == "min" else q.max, types.value_count(r)
    )


def _binding(types: TypeModel, keep: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop bounds that no panel of this pool can violate (e.g. max above availability)."""
    out = []
    for r, side in keep:
        q = types.quotas[r]
        if side == "min" and q.min == 0:
            continue
        if side == "max" and q.max >= min(types.value_count(r), types.panel_size):
            continue
        out.append((r, side))
    return out


def conflicting_bounds(types: TypeModel, var_lower=None, var_upper=None) -> list[QuotaBound] | None:
    """A minimal set of quota bounds that cannot hold together (``None`` if all can hold).

    The panel size, the pool and the household rule are always kept; an empty list means the
    pool alone cannot give a panel of this size (e.g. too many housemates).
    """
    keep = _binding(types, _bounds(types))
    if _feasible(types, keep, var_lower, var_upper):
        return None
    necessary: list[tuple[int, str]] = []
    pending = [keep]
    # Deletion filtering in chunks: drop a whole chunk when the rest stays infeasible,
    # otherwise split it; a single bound that cannot be dropped is part of the conflict.
    while pending:
        chunk = pending.pop()
        rest = [c for c in keep if c not in chunk]
        if not _feasible(types, rest, var_lower, var_upper):
            keep = rest
        elif len(chunk) == 1:
            necessary.append(chunk[0])
        else:
            half = len(chunk) // 2
            pending.extend([chunk[half:], chunk[:half]])
    keep.sort()
    return [_quota_bound(types, r, side) for r, side in keep]


def smallest_relaxation(types: TypeModel) -> list[Relaxation] | None:
    """The cheapest change of quota bounds (within flex limits) that admits a panel."""
    nq, nt = len(types.quotas), types.n_types
    k = types.panel_size
    lo = np.array([q.min for q in types.quotas], dtype=float)
    hi = np.array([q.max for q in types.quotas], dtype=float)
    down_cap = np.array(
        [q.min - (q.min_flex if q.min_flex is not None else 0) for q in types.quotas], dtype=float
    )
    up_cap = np.array(
        [max((q.max_flex if q.max_flex is not None else k) - q.max, 0) for q in types.quotas],
        dtype=float,
    )
    # variables: x (nt), s_down (nq), s_up (nq)
    q_m = types.quota_matrix
    eye = np.eye(nq)
    rows = [
        np.hstack([q_m, eye, np.zeros((nq, nq))]),  # Qx + down >= lo
        np.hstack([q_m, np.zeros((nq, nq)), -eye]),  # Qx - up <= hi
        np.hstack([np.ones((1, nt)), np.zeros((1, 2 * nq))]),
    ]
    lows = [lo, np.full(nq, -np.inf), [k]]
    highs = [np.full(nq, np.inf), hi, [k]]
    for ts in types.households:
        row = np.zeros((1, nt + 2 * nq))
        row[0, list(ts)] = 1
        rows.append(row)
        lows.append([0])
        highs.append([1])
    cost = np.concatenate([np.zeros(nt), 1 + 2 / np.maximum(lo, 1), np.ones(nq)])
    res = milp(
        cost,
        constraints=[
            LinearConstraint(np.vstack(rows), np.concatenate(lows), np.concatenate(highs))
        ],
        integrality=np.ones(nt + 2 * nq),
        bounds=Bounds(np.zeros(nt + 2 * nq), np.concatenate([types.sizes, down_cap, up_cap])),
        options={"mip_rel_gap": 1e-9},
    )
    if res.x is None:
        return None
    x = np.rint(res.x)
    out = []
    for r, q in enumerate(types.quotas):
        if x[nt + r] > 0:
            out.append(Relaxation(q.category, q.value, "min", q.min, int(q.min - x[nt + r])))
        if x[nt + nq + r] > 0:
            out.append(Relaxation(q.category, q.value, "max", q.max, int(q.max + x[nt + nq + r])))
    return out


def _describe(bounds: Sequence[QuotaBound], k: int) -> str:
    if not bounds:
        return f"the pool cannot give a panel of {k} (too few volunteers or households)"
    parts = [f"{b} ({b.available} volunteers with {b.category}={b.value})" for b in bounds]
    verb = "cannot hold" if len(parts) == 1 else "cannot all hold"
    return f"{' and '.join(parts)} {verb} in a panel of {k}"


def infeasibility(types: TypeModel) -> QuotaInfeasible | None:
    """``None`` if some panel meets all quotas, else the error to raise."""
    conflict = conflicting_bounds(types)
    if conflict is None:
        return None
    relax = smallest_relaxation(types)
    message = "No panel meets the quotas: " + _describe(conflict, types.panel_size) + "."
    if relax:
        message += " Smallest relaxation: " + "; ".join(str(r) for r in relax) + "."
    else:
        message += " No relaxation within min_flex/max_flex makes it feasible."
    return QuotaInfeasible(
        message, conflicting=conflict, relaxation=relax, panel_size=types.panel_size
    )


def _forcing(types: TypeModel, t: int, status: str) -> tuple[np.ndarray, np.ndarray]:
    lower = np.zeros(types.n_types)
    upper = types.sizes.copy()
    if status == "never":
        lower[t] = 1
    else:
        upper[t] = types.sizes[t] - 1
    return lower, upper


def explain_type(
    types: TypeModel, t: int, status: str, known: list[list[QuotaBound]] | None = None
) -> tuple[str, tuple[QuotaBound, ...]]:
    """Why members of type ``t`` are never (``status="never"``) or always selected.

    ``known`` holds conflict sets found for other types; one that also explains ``t`` is
    reused (one MILP) instead of a new deletion filtering.
    """
    lower, upper = _forcing(types, t, status)
    conflict = None
    index = {(q.category, q.value): r for r, q in enumerate(types.quotas)}
    for bounds in known or []:
        keep = [(index[(b.category, b.value)], b.side) for b in bounds]
        if not _feasible(types, keep, lower, upper):
            conflict = bounds
            break
    if conflict is None:
        conflict = conflicting_bounds(types, lower, upper)
        if conflict and known is not None:
            known.append(conflict)
    k = types.panel_size
    if conflict is None:
        return (
            f"{'never' if status == 'never' else 'always'} selected by the LEXIMIN "
            "distribution, although some feasible panel "
            f"{'includes' if status == 'never' else 'excludes'} this volunteer: changing "
            "that would lower someone with a smaller probability"
        ), ()
    if status == "never":
        text = (
            ("in no feasible panel: " + _describe(conflict, k) + " if this volunteer is selected")
            if conflict
            else "in no feasible panel (household or pool size)"
        )
    else:
        text = (
            ("in every feasible panel: " + _describe(conflict, k) + " without this volunteer")
            if conflict
            else "in every feasible panel (pool too small)"
        )
    return text, tuple(conflict)


def extreme_notes(
    types: TypeModel, marginals: np.ndarray, tol: float = 1e-7, max_explained: int = 200
) -> tuple[list[VolunteerNote], list[VolunteerNote]]:
    """Notes for volunteers with probability 0 or 1 (types with marginal within ``tol``)."""
    never, always = [], []
    explained = 0
    known: dict[str, list[list[QuotaBound]]] = {"never": [], "always": []}
    for t in range(types.n_types):
        status = "never" if marginals[t] <= tol else "always" if marginals[t] >= 1 - tol else ""
        if not status:
            continue
        if explained < max_explained:
            reason, bounds = explain_type(types, t, status, known[status])
            explained += 1
        else:
            reason, bounds = f"{status} selected", ()
        notes = never if status == "never" else always
        for i in types.members[t]:
            notes.append(VolunteerNote(types.ids[i], status, reason, bounds))
    never.sort(key=lambda n: n.id)
    always.sort(key=lambda n: n.id)
    return never, always


def _extremes_by_milp(types: TypeModel) -> np.ndarray:
    """0 for types in no feasible panel, 1 for types in every one, 0.5 otherwise."""
    model = PanelModel(types)
    out = np.full(types.n_types, 0.5)
    for t in range(types.n_types):
        obj = np.zeros(types.n_types)
        obj[t] = 1.0
        best = model.solve(obj)
        if best is None or best[t] == 0:
            out[t] = 0.0
            continue
        worst = model.solve(-obj)
        if worst is not None and worst[t] == types.sizes[t]:
            out[t] = 1.0
    return out


def diagnose(pool: Pool, quotas: Sequence[Quota], panel_size: int) -> Diagnosis:
    """Check the quotas against the pool and panel size; never raises for infeasibility."""
    types = build_types(pool, quotas, panel_size)
    lines = tuple(
        QuotaLine(q.category, q.value, q.min, q.max, types.value_count(r))
        for r, q in enumerate(types.quotas)
    )
    error = infeasibility(types)
    if error is not None:
        return Diagnosis(
            False,
            panel_size,
            lines,
            tuple(error.conflicting),
            None if error.relaxation is None else tuple(error.relaxation),
            error.message,
        )
    never, always = extreme_notes(types, _extremes_by_milp(types))
    message = (
        f"The quotas are feasible. {len(never)} volunteers can never be selected and "
        f"{len(always)} are selected in every feasible panel."
    )
    return Diagnosis(
        True,
        panel_size,
        lines,
        message=message,
        never_selected=tuple(never),
        always_selected=tuple(always),
    )


def is_feasible(pool: Pool, quotas: Sequence[Quota], panel_size: int) -> bool:
    """Does any panel of ``panel_size`` from ``pool`` meet all quotas (and households)?"""
    return PanelModel(build_types(pool, quotas, panel_size)).feasible()
