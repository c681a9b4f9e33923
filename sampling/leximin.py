"""MAXIMIN and LEXIMIN by column generation on types, with HiGHS (scipy) only.

Master LP (over the panels generated so far, ``a[P, t]`` = share of type ``t`` on panel ``P``):

    max z  s.t.  sum_P lambda_P a[P, t] >= z    (unfixed types)
                 sum_P lambda_P a[P, t] >= p_t  (fixed types)
                 sum_P lambda_P = 1, lambda >= 0

Its duals ``y`` price new panels: the MILP ``max_x sum_t y_t x_t / size_t`` over feasible panels
gives a panel with positive reduced cost when its value exceeds the dual of the convexity row.
When no such panel exists the stage is optimal; every unfixed type with ``y_t > 0`` is tight in
every optimal solution (complementary slackness), so it is fixed at the stage value and the next
stage maximises the minimum over the remaining types. The LEXIMIN marginals are unique, so
interchangeable volunteers (one type) get equal probability. A final LP over all generated
panels recomputes the distribution with the tightest achievable shortfall.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from sampling.errors import SolverError
from sampling.panels import PanelModel, TypeModel

Progress = Callable[[str, float], None]

PRICING_TOL = 1e-9
FIX_TOL = 1e-9
EXTRA_COLUMNS = 10


@dataclass
class TypeDistribution:
    """A distribution over type-level panels (count vectors) and the type marginals."""

    panels: np.ndarray  # (P, T) integer counts
    weights: np.ndarray  # (P,)
    marginals: np.ndarray  # (T,) probability of each member of the type
    never: np.ndarray  # (T,) bool: type in no feasible panel
    stages: int
    milp_calls: int


class _Columns:
    """The generated panels, deduplicated, as shares per type."""

    def __init__(self, types: TypeModel) -> None:
        self.sizes = types.sizes
        self.counts: list[np.ndarray] = []
        self.seen: set[bytes] = set()

    def add(self, x: np.ndarray) -> bool:
        key = x.astype(np.int64).tobytes()
        if key in self.seen:
            return False
        self.seen.add(key)
        self.counts.append(x.astype(np.int64))
        return True

    def shares(self) -> np.ndarray:
        return np.array(self.counts, dtype=float) / self.sizes


def _solve_master(
    shares: np.ndarray, active: np.ndarray, fixed: dict[int, float]
) -> tuple[float, np.ndarray, np.ndarray, float]:
    """Solve the master LP; returns (z, lambda, y over types, mu)."""
    n_cols, n_types = shares.shape
    act = np.flatnonzero(active)
    fix_idx = np.array(sorted(fixed), dtype=np.int64)
    rows = []
    rhs = []
    # unfixed active: z - a.lambda <= 0
    for t in act:
        rows.append(np.concatenate([-shares[:, t], [1.0]]))
        rhs.append(0.0)
    for t in fix_idx:
        rows.append(np.concatenate([-shares[:, t], [0.0]]))
        rhs.append(-fixed[int(t)])
    a_ub = np.array(rows)
    a_eq = np.concatenate([np.ones(n_cols), [0.0]])[None, :]
    cost = np.zeros(n_cols + 1)
    cost[-1] = -1.0
    bounds = [(0, None)] * n_cols + [(None, None)]
    res = linprog(
        cost,
        A_ub=a_ub,
        b_ub=np.array(rhs),
        A_eq=a_eq,
        b_eq=[1.0],
        bounds=bounds,
        method="highs-ds",
        options={"presolve": False},
    )
    if res.status != 0:
        raise SolverError(
            f"The master LP failed: {res.message}", code="solver.lp_failed", status=res.status
        )
    y = np.zeros(n_types)
    duals = -res.ineqlin.marginals
    y[np.concatenate([act, fix_idx]).astype(np.int64)] = np.maximum(duals, 0.0)
    mu = -float(res.eqlin.marginals[0])
    return float(res.x[-1]), res.x[:-1], y, mu


def _initial_panels(model: PanelModel, cols: _Columns, rounds: int) -> np.ndarray:
    """Multiplicative weights for a spread of panels, then cover every type once if possible.

    Returns the mask of types that are in no feasible panel.
    """
    types = model.types
    weights = np.ones(types.n_types)
    for _ in range(rounds):
        x = model.solve(weights / types.sizes)
        if x is None:
            break
        cols.add(x)
        weights = np.where(x > 0, weights * (1.0 - 0.2 * x / types.sizes), weights)
        weights /= weights.sum() / types.n_types
    covered = np.zeros(types.n_types, dtype=bool)
    for c in cols.counts:
        covered |= c > 0
    never = np.zeros(types.n_types, dtype=bool)
    for t in range(types.n_types):
        if covered[t]:
            continue
        obj = np.full(types.n_types, 1e-3) / types.sizes
        obj[t] = 1.0
        x = model.solve(obj)
        if x is None or x[t] == 0:
            never[t] = True
            continue
        cols.add(x)
        covered |= x > 0
    return never


def column_generation(
    types: TypeModel,
    *,
    leximin: bool = True,
    progress: Progress | None = None,
    mw_rounds: int | None = None,
) -> TypeDistribution:
    """Compute the LEXIMIN (or MAXIMIN) distribution over panels for ``types``."""
    model = PanelModel(types)
    cols = _Columns(types)
    n_types = types.n_types
    rounds = min(n_types, 40) if mw_rounds is None else mw_rounds
    never = _initial_panels(model, cols, rounds)
    if not cols.counts:
        raise SolverError("No feasible panel exists.", code="quota.infeasible")
    fixed: dict[int, float] = {int(t): 0.0 for t in np.flatnonzero(never)}
    stages = 0
    while len(fixed) < n_types:
        stages += 1
        active = np.ones(n_types, dtype=bool)
        active[list(fixed)] = False
        z, y, mu = _converge_stage(model, cols, active, fixed)
        to_fix = [int(t) for t in np.flatnonzero(active) if y[t] > FIX_TOL]
        if not to_fix:
            to_fix = [int(np.flatnonzero(active)[np.argmax(y[active])])]
        for t in to_fix:
            fixed[t] = z
        if progress is not None:
            progress(
                f"stage {stages}: fixed {len(fixed)}/{n_types} types at {z:.6f}",
                len(fixed) / n_types,
            )
        if not leximin:
            for t in np.flatnonzero(active):
                fixed.setdefault(int(t), z)
            break
    weights = _final_distribution(cols.shares(), fixed)
    panels = np.array(cols.counts)
    keep = weights > 1e-12
    panels, weights = panels[keep], weights[keep] / weights[keep].sum()
    marginals = weights @ (panels / types.sizes)
    return TypeDistribution(panels, weights, marginals, never, stages, model.calls)


def _converge_stage(
    model: PanelModel, cols: _Columns, active: np.ndarray, fixed: dict[int, float]
) -> tuple[float, np.ndarray, float]:
    sizes = model.types.sizes
    swaps = _SwapNeighbourhood(model)
    for _ in range(100000):
        z, _lam, y, mu = _solve_master(cols.shares(), active, fixed)
        w = y / sizes
        x = model.solve(w)
        value = float(w @ x)
        if value <= mu + PRICING_TOL or not cols.add(x):
            return z, y, mu
        for extra in swaps.improving(x, w, mu + PRICING_TOL, EXTRA_COLUMNS):
            cols.add(extra)
    raise SolverError("Column generation did not converge.", code="solver.no_convergence")


class _SwapNeighbourhood:
    """Cheap extra columns: feasible panels one swap away from a priced panel."""

    def __init__(self, model: PanelModel) -> None:
        types = model.types
        self.q = types.quota_matrix
        self.lo = np.array([q.min for q in types.quotas], dtype=float)
        self.hi = np.array([q.max for q in types.quotas], dtype=float)
        self.sizes = types.sizes
        self.household_of = np.full(types.n_types, -1)
        for h, ts in enumerate(types.households):
            self.household_of[list(ts)] = h

    def improving(self, x: np.ndarray, w: np.ndarray, threshold: float, limit: int) -> list:
        counts = self.q @ x
        base = float(w @ x)
        can_add = x < self.sizes
        hh = self.household_of
        if hh.max() >= 0:
            busy = set(hh[(x > 0) & (hh >= 0)].tolist())
        found = []
        for a in np.flatnonzero(x > 0):
            new = counts[:, None] - self.q[:, [a]] + self.q
            ok = np.all((new >= self.lo[:, None]) & (new <= self.hi[:, None]), axis=0) & can_add
            ok[a] = False
            if hh.max() >= 0:
                blocked = np.array([h >= 0 and h in busy and h != hh[a] for h in hh])
                ok &= ~blocked
            values = base - w[a] + w
            for b in np.flatnonzero(ok & (values > threshold)):
                found.append((values[b], int(a), int(b)))
        found.sort(key=lambda f: (-f[0], f[1], f[2]))
        out = []
        for _, a, b in found[:limit]:
            x2 = x.copy()
            x2[a] -= 1
            x2[b] += 1
            out.append(x2)
        return out


def _final_distribution(shares: np.ndarray, fixed: dict[int, float]) -> np.ndarray:
    """min eps s.t. each type reaches its fixed probability minus eps; returns lambda."""
    n_cols, n_types = shares.shape
    idx = np.array(sorted(fixed), dtype=np.int64)
    p = np.array([fixed[int(t)] for t in idx])
    a_ub = np.hstack([-shares[:, idx].T, -np.ones((len(idx), 1))])
    cost = np.zeros(n_cols + 1)
    cost[-1] = 1.0
    a_eq = np.concatenate([np.ones(n_cols), [0.0]])[None, :]
    res = linprog(
        cost,
        A_ub=a_ub,
        b_ub=-p,
        A_eq=a_eq,
        b_eq=[1.0],
        bounds=[(0, None)] * n_cols + [(None, None)],
        method="highs-ds",
        options={"presolve": False},
    )
    if res.status != 0:
        raise SolverError(
            f"The final LP failed: {res.message}", code="solver.lp_failed", status=res.status
        )
    return np.maximum(res.x[:-1], 0.0)
