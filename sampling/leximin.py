"""MAXIMIN and LEXIMIN by column generation on types, with HiGHS (scipy) only.

Master LP (over the panels generated so far, ``a[P, t]`` = share of type ``t`` on panel ``P``):

    max z  s.t.  sum_P lambda_P a[P, t] >= z    (unfixed types)
                 sum_P lambda_P a[P, t] >= p_t  (fixed types)
                 sum_P lambda_P = 1, lambda >= 0

Its duals ``y`` price new panels: a panel improves the master when ``sum_t y_t a[P, t]``
exceeds the dual ``mu`` of the convexity row. Each round solves the master, then the exact
pricing MILP; if the MILP finds no improving panel the master is optimal. Otherwise the round
adds the MILP's panel and, cheaply, many more improving panels: earlier columns that price
positively again and a swap local search from the panels the master uses. Only the MILP decides
optimality, so the heuristic never costs exactness.

LEXIMIN is computed in two steps:

1. ``relaxation_leximin``: the LEXIMIN over *fractional* panels (the LP relaxation of the
   panel polytope), stage by stage on T variables — no columns, milliseconds. It is
   lexicographically at least the true LEXIMIN.
2. ``_decompose``: a distribution over real panels that reaches it. ``_peel`` walks it apart
   into panels (Caratheodory along faces: one small MILP per panel, no master LP), then one
   LP over those panels checks that they reach the target (``max -eps`` with
   ``pi_t >= target_t - eps``). Reached (eps <= 1e-9) means the target *is* the LEXIMIN, so
   all stages of the classic algorithm are replaced by one. If the walk gets stuck (a face
   with no integer panel), column generation continues from its panels, warm-started by a
   Frank-Wolfe walk toward the target.

Only when integrality makes the target unreachable does the classic algorithm run (with the
columns found so far): stage by stage, and when a stage is optimal, every unfixed type with
``y_t > 0`` is tight in every optimal solution (complementary slackness), so it is fixed at the
stage value. The LEXIMIN marginals are unique, so interchangeable volunteers (one type) get
equal probability. A final LP over the generated panels recomputes the distribution with the
tightest achievable shortfall.

See docs/adr/0003-leximin-on-highs.md for why it is organised this way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from sampling.errors import SolverError
from sampling.panels import PanelModel, TypeModel

Progress = Callable[[str, float], None]

# A column improves the master when its reduced value exceeds mu by more than this; the stage is
# optimal when the exact MILP finds no such column. Probabilities end up exact to ~1e-10.
PRICING_TOL = 1e-9
FIX_TOL = 1e-9
# The LP-relaxation LEXIMIN counts as reached when every type is within this of its level.
DECOMPOSE_TOL = 1e-9
# Swap local search: removal/addition candidates per start panel, swaps per start, starts.
SWAP_CANDIDATES = 48
SWAP_STEPS = 16
MAX_STARTS = 40
# ... or one start per this many free types, if that is more (bigger pools need more columns
# per round: every master LP is solved from scratch, so rounds are what costs)
START_SHARE = 3
# Frank-Wolfe warm start of the decomposition: rounds per type, swaps per round.
FW_ROUNDS = 2
FW_STEPS = 16
# The peel stops when the weight left to place is below this (the LP then absorbs the rest),
# and gives up after this many panels per type (then column generation continues).
PEEL_REST = 1e-10
PEEL_FACE_TOL = 1e-9
PEEL_STEPS_PER_TYPE = 3


@dataclass
class SolveStats:
    """Where the time went, for the benchmark and the ADR."""

    master_calls: int = 0
    master_seconds: float = 0.0
    milp_calls: int = 0
    milp_seconds: float = 0.0
    heuristic_seconds: float = 0.0
    heuristic_columns: int = 0
    initial_seconds: float = 0.0
    relaxation_seconds: float = 0.0
    warm_start_seconds: float = 0.0
    peel_panels: int = 0
    peel_seconds: float = 0.0
    peel_rest: float = 1.0
    fallback: bool = False
    milp_columns: int = 0
    stage_values: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        return {k: v for k, v in self.__dict__.items() if not isinstance(v, list)}


@dataclass
class TypeDistribution:
    """A distribution over type-level panels (count vectors) and the type marginals."""

    panels: np.ndarray  # (P, T) integer counts
    weights: np.ndarray  # (P,)
    marginals: np.ndarray  # (T,) probability of each member of the type
    never: np.ndarray  # (T,) bool: type in no feasible panel
    stages: int
    milp_calls: int
    stats: SolveStats | None = None


class _Columns:
    """The generated panels, deduplicated; kept as count rows and as a sparse share matrix."""

    def __init__(self, types: TypeModel) -> None:
        self.sizes = types.sizes
        self.n_types = types.n_types
        self.counts: list[np.ndarray] = []
        self._position: dict[bytes, int] = {}
        self._indices: list[np.ndarray] = []
        self._data: list[np.ndarray] = []
        self._cache: tuple[int, sparse.csr_array, np.ndarray] | None = None

    def __len__(self) -> int:
        return len(self.counts)

    def add(self, x: np.ndarray) -> bool:
        x = np.asarray(x, dtype=np.int64)
        key = x.tobytes()
        if key in self._position:
            return False
        self._position[key] = len(self.counts)
        self.counts.append(x)
        nz = np.flatnonzero(x)
        self._indices.append(nz)
        self._data.append(x[nz] / self.sizes[nz])
        return True

    def index(self, x: np.ndarray) -> int:
        """Position of an added panel."""
        return self._position[np.asarray(x, dtype=np.int64).tobytes()]

    def matrices(self) -> tuple[sparse.csr_array, np.ndarray]:
        """(columns x types share matrix, columns x types count matrix), cached."""
        if self._cache is None or self._cache[0] != len(self.counts):
            lengths = [len(i) for i in self._indices]
            indptr = np.concatenate([[0], np.cumsum(lengths)])
            shares = sparse.csr_array(
                (np.concatenate(self._data), np.concatenate(self._indices), indptr),
                shape=(len(self.counts), self.n_types),
            )
            self._cache = (len(self.counts), shares, np.array(self.counts))
        return self._cache[1], self._cache[2]


def _solve_master(
    shares: sparse.csr_array,
    free: np.ndarray,
    fixed_idx: np.ndarray,
    fixed_p: np.ndarray,
    stats: SolveStats,
    base: np.ndarray | None = None,
) -> tuple[float, np.ndarray, np.ndarray, float]:
    """Solve the master LP (free rows ``pi_t >= base_t + z``, ``base`` 0 unless given);
    returns (z, lambda, y over types, mu)."""
    start = time.perf_counter()
    at = shares.T.tocsr()
    n_types, n_cols = at.shape
    a_ub = sparse.vstack(
        [
            sparse.hstack([-at[free], sparse.csr_array(np.ones((len(free), 1)))]),
            sparse.hstack([-at[fixed_idx], sparse.csr_array((len(fixed_idx), 1))]),
        ],
        format="csc",
    )
    rhs = np.concatenate([np.zeros(len(free)) if base is None else -base, -fixed_p])
    a_eq = sparse.csr_array(np.concatenate([np.ones(n_cols), [0.0]])[None, :])
    cost = np.zeros(n_cols + 1)
    cost[-1] = -1.0
    res = linprog(
        cost,
        A_ub=a_ub,
        b_ub=rhs,
        A_eq=a_eq,
        b_eq=[1.0],
        bounds=[(0, None)] * n_cols + [(None, None)],
        method="highs-ds",
        options={"presolve": False},
    )
    stats.master_calls += 1
    stats.master_seconds += time.perf_counter() - start
    if res.status != 0:
        raise SolverError(
            f"The master LP failed: {res.message}", code="solver.lp_failed", status=res.status
        )
    y = np.zeros(n_types)
    y[np.concatenate([free, fixed_idx])] = np.maximum(-res.ineqlin.marginals, 0.0)
    mu = -float(res.eqlin.marginals[0])
    return float(res.x[-1]), res.x[:-1], y, mu


class _SwapSearch:
    """Cheap pricing: improve a feasible panel by swapping one member type for another.

    A swap keeps the panel size; it keeps the quotas when, in every category, either both types
    hold the same value or the removed value stays above its minimum and the added value below
    its maximum. Households allow at most one member on the panel.
    """

    def __init__(self, types: TypeModel) -> None:
        q = types.quota_matrix
        n_quotas = q.shape[0]
        self.q = q
        self.lo = np.array([qq.min for qq in types.quotas] + [-1], dtype=np.int64)
        self.hi = np.array([qq.max for qq in types.quotas] + [types.panel_size + 1])
        self.sizes = types.sizes.astype(np.int64)
        cat_of = [types.categories.index(qq.category) for qq in types.quotas]
        # value_row[c, t]: the quota row of t's value in category c (n_quotas = unconstrained)
        self.value_row = np.full((len(types.categories), types.n_types), n_quotas)
        for r, c in enumerate(cat_of):
            self.value_row[c, q[r] > 0] = r
        self.household_of = np.full(types.n_types, -1)
        for h, ts in enumerate(types.households):
            self.household_of[list(ts)] = h
        self.n_households = len(types.households)

    def improve(self, x: np.ndarray, w: np.ndarray, steps: int) -> np.ndarray | None:
        """Up to ``steps`` best swaps for ``w``; the improved panel, or ``None`` if none helps."""
        x = x.copy()
        counts = np.append(self.q @ x, 0).astype(np.int64)
        busy = np.zeros(self.n_households + 1, dtype=np.int64)
        hh = self.household_of
        if self.n_households:
            np.add.at(busy, hh[x > 0], 1)
        improved = False
        for _ in range(steps):
            inside = np.flatnonzero(x > 0)
            outs = inside[np.argsort(w[inside], kind="stable")[:SWAP_CANDIDATES]]
            room = np.flatnonzero(x < self.sizes)
            ins = room[np.argsort(-w[room], kind="stable")[:SWAP_CANDIDATES]]
            gain = w[ins][None, :] - w[outs][:, None]
            if gain.max(initial=0.0) <= 1e-15:
                break
            can_dec = counts - 1 >= self.lo
            can_inc = counts + 1 <= self.hi
            ra = self.value_row[:, outs][:, :, None]
            rb = self.value_row[:, ins][:, None, :]
            ok = np.all((ra == rb) | (can_dec[ra] & can_inc[rb]), axis=0)
            ok &= outs[:, None] != ins[None, :]
            if self.n_households:
                hb = hh[ins][None, :]
                ok &= (hb < 0) | (busy[hb] == 0) | (hb == hh[outs][:, None])
            gain = np.where(ok, gain, -np.inf)
            i, j = np.unravel_index(int(np.argmax(gain)), gain.shape)
            if gain[i, j] <= 1e-15:
                break
            a, b = outs[i], ins[j]
            x[a] -= 1
            x[b] += 1
            counts[self.value_row[:, a]] -= 1
            counts[self.value_row[:, b]] += 1
            counts[-1] = 0
            if self.n_households:
                if hh[a] >= 0 and x[a] == 0:
                    busy[hh[a]] -= 1
                if hh[b] >= 0:
                    busy[hh[b]] += 1
            improved = True
        return x if improved else None


def _heuristic_columns(
    swaps: _SwapSearch,
    counts: np.ndarray,
    lam: np.ndarray,
    w: np.ndarray,
    threshold: float,
    cols: _Columns,
    limit: int = MAX_STARTS,
) -> int:
    """Add improving panels found by local search from the panels the master uses most."""
    basic = np.flatnonzero(lam > 1e-12)
    order = basic[np.argsort(-lam[basic], kind="stable")][:limit]
    added = 0
    for c in order:
        x = swaps.improve(counts[c], w, SWAP_STEPS)
        if x is not None and float(w @ x) > threshold and cols.add(x):
            added += 1
    return added


def _initial_panels(model: PanelModel, cols: _Columns, swaps: _SwapSearch) -> np.ndarray:
    """Panels covering every type that is in some feasible panel; returns the 'never' mask.

    Local search covers most types cheaply; each MILP then covers as many of the rest as it
    can, and when the MILP covers none of them, none of them is in any feasible panel.
    """
    types = model.types
    first = model.solve(np.ones(types.n_types) / types.sizes)
    if first is None:
        return np.ones(types.n_types, dtype=bool)
    cols.add(first)
    covered = first > 0
    rng = np.random.default_rng(0)
    x = first
    while not covered.all():
        # swap as many uncovered types as the quotas allow into the last panel
        w = np.where(covered, 0.0, 1.0) + 1e-3 * rng.random(types.n_types)
        x = swaps.improve(x, w, types.panel_size)
        if x is None or not cols.add(x) or not (x[~covered] > 0).any():
            break
        covered |= x > 0
    while not covered.all():
        x = model.solve(np.where(covered, 0.0, 1.0))
        if x is None or not (x[~covered] > 0).any():
            break
        cols.add(x)
        covered |= x > 0
    return ~covered


def relaxation_leximin(
    types: TypeModel, never: np.ndarray, stats: SolveStats, first_level_only: bool = False
) -> tuple[np.ndarray, int]:
    """LEXIMIN of the type probabilities over the LP relaxation of the panel polytope.

    Fractional panels (``lo <= Q m <= hi``, ``sum m = k``, ``0 <= m <= size``, at most one per
    household) contain every distribution over real panels, so this vector is lexicographically
    at least the true LEXIMIN; when real panels reach it, it *is* the LEXIMIN. The stages are LPs
    on T variables with no columns, so this costs little. Returns (probabilities, stages).

    ``first_level_only`` (MAXIMIN): stop after the first stage and return that LP's own point,
    where every type has at least the largest achievable minimum and nothing more is asked.
    """
    start = time.perf_counter()
    n, sizes = types.n_types, types.sizes
    q = sparse.csr_array(types.quota_matrix)
    lo = np.array([qq.min for qq in types.quotas], dtype=float)
    hi = np.array([qq.max for qq in types.quotas], dtype=float)
    rows = [q]
    row_lo, row_hi = [lo], [hi]
    if types.households:
        h = sparse.lil_array((len(types.households), n))
        for r, ts in enumerate(types.households):
            h[r, list(ts)] = 1.0
        rows.append(h.tocsr())
        row_lo.append(np.full(len(types.households), -np.inf))
        row_hi.append(np.ones(len(types.households)))
    polytope = sparse.vstack(rows, format="csr")
    p_lo, p_hi = np.concatenate(row_lo), np.concatenate(row_hi)
    finite_lo = np.isfinite(p_lo)
    fixed = np.full(n, np.nan)
    fixed[never] = 0.0
    stages = 0
    while np.isnan(fixed).any():
        stages += 1
        free = np.flatnonzero(np.isnan(fixed))
        pick = sparse.csr_array(
            (np.full(len(free), -1.0), (np.arange(len(free)), free)), shape=(len(free), n)
        )
        zero = sparse.csr_array((polytope.shape[0], 1))
        a_ub = sparse.vstack(
            [
                sparse.hstack([pick, sparse.csr_array(sizes[free][:, None])]),
                sparse.hstack([polytope, zero]),
                sparse.hstack([-polytope[finite_lo], zero[finite_lo]]),
            ],
            format="csc",
        )
        b_ub = np.concatenate([np.zeros(len(free)), p_hi, -p_lo[finite_lo]])
        lower = np.where(np.isnan(fixed), 0.0, np.nan_to_num(fixed) * sizes)
        upper = np.where(never, 0.0, sizes)
        cost = np.zeros(n + 1)
        cost[-1] = -1.0
        res = linprog(
            cost,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=sparse.csr_array(np.append(np.ones(n), 0.0)[None, :]),
            b_eq=[types.panel_size],
            bounds=np.column_stack([np.append(lower, -np.inf), np.append(upper, np.inf)]),
            method="highs-ds",
        )
        stats.master_calls += 1
        if res.status != 0:
            raise SolverError(f"The relaxation LP failed: {res.message}", code="solver.lp_failed")
        z = float(res.x[-1])
        if first_level_only:
            point = np.where(never, 0.0, np.clip(res.x[:n] / sizes, 0.0, 1.0))
            stats.relaxation_seconds += time.perf_counter() - start
            return point, stages
        y = -res.ineqlin.marginals[: len(free)]
        to_fix = free[y > FIX_TOL]
        if to_fix.size == 0:
            to_fix = free[[int(np.argmax(y))]]
        fixed[to_fix] = z
    stats.relaxation_seconds += time.perf_counter() - start
    return fixed, stages


def _frank_wolfe_columns(swaps: _SwapSearch, cols: _Columns, target: np.ndarray, rounds: int):
    """Spread columns toward ``target`` before any LP (Frank-Wolfe on the squared shortfall).

    Each round moves the running average a step toward the panel that best covers the types
    still short of their target (swap search from the previous panel), so the panels found
    together nearly average to the target and the decomposition LP needs few rounds.
    """
    _, counts = cols.matrices()
    x = counts[-1]
    avg = counts.mean(axis=0) / swaps.sizes
    for i in range(rounds):
        better = swaps.improve(x, target - avg, FW_STEPS)
        if better is not None:
            x = better
            cols.add(x)
        avg += (x / swaps.sizes - avg) / (i + 2)


def _peel(
    model: PanelModel, cols: _Columns, target: np.ndarray, stats: SolveStats
) -> dict[int, float]:
    """Split ``target`` (a point of the fractional panel polytope) into real panels.

    Caratheodory's walk on faces: with ``c`` the part of the target still to place (scaled to
    one panel), find a real panel ``v`` on the smallest face of the polytope that holds ``c``
    (every bound and quota tight at ``c`` stays tight), give ``v`` the largest weight that
    leaves the rest ``c + theta (c - v)`` inside the polytope, and go on from there. Each step
    makes one more bound or quota tight, so the face shrinks and at most T + 1 panels are
    needed; the weight left falls geometrically, and the walk stops when it is below
    ``PEEL_REST``. The polytope has fractional corners, so the rest can leave the hull of real
    panels: then a face has no panel, and the caller's LP and column generation take over from
    the panels found. Returns the weight of each panel found, by its index in ``cols``.
    """
    start = time.perf_counter()
    sizes = model.types.sizes
    a = model.matrix
    rest = np.clip(target, 0.0, 1.0) * sizes  # counts still to place
    left = 1.0  # their weight
    used: dict[int, float] = {}
    tol = PEEL_FACE_TOL
    for _ in range(PEEL_STEPS_PER_TYPE * model.types.n_types + 10):
        if left <= PEEL_REST:
            break
        c = rest / left
        zero, full = c <= tol, c >= sizes - tol
        ac = a @ c
        at_lo, at_hi = ac <= model.row_lower + tol, ac >= model.row_upper - tol
        var_lower, var_upper = np.where(full, sizes, 0.0), np.where(zero, 0.0, sizes)
        row_lower = np.where(at_hi, model.row_upper, model.row_lower)
        row_upper = np.where(at_lo, model.row_lower, model.row_upper)
        # the likeliest types first: the panel then sits close to c and takes a larger weight
        v = model.solve(np.where(zero, 0.0, c / sizes), var_lower, var_upper, row_lower, row_upper)
        if v is None:
            break
        d = c - v
        ad = a @ d
        ratios = [
            c[(d < 0) & ~zero] / -d[(d < 0) & ~zero],
            (sizes - c)[(d > 0) & ~full] / d[(d > 0) & ~full],
            (ac - model.row_lower)[(ad < 0) & ~at_lo] / -ad[(ad < 0) & ~at_lo],
            (model.row_upper - ac)[(ad > 0) & ~at_hi] / ad[(ad > 0) & ~at_hi],
        ]
        theta = min((float(r.min()) for r in ratios if r.size), default=np.inf)
        weight = left if not np.isfinite(theta) else left * theta / (1.0 + theta)
        cols.add(v)
        index = cols.index(v)
        used[index] = used.get(index, 0.0) + weight
        rest = np.maximum(rest - weight * v, 0.0)
        left = float(rest.sum()) / model.types.panel_size
    stats.peel_panels = len(used)
    stats.peel_rest = left
    stats.peel_seconds += time.perf_counter() - start
    return used


def _decompose(
    model: PanelModel,
    swaps: _SwapSearch,
    cols: _Columns,
    never: np.ndarray,
    target: np.ndarray,
    stats: SolveStats,
) -> tuple[bool, list[int], np.ndarray | None]:
    """Look for a distribution over real panels reaching ``target`` (shortfall <= tolerance).

    First the peel; when it places all but a negligible weight, its own weights are the
    distribution (exact to ~1e-10; an LP would only be exact to its feasibility tolerance).
    Otherwise one column generation (maximise -eps with pi_t >= target_t - eps) starts from
    the peel's panels; it stops as soon as the shortfall is within tolerance, or when the
    pricing MILP proves that no distribution reaches the target. Either way, success replaces
    all the LEXIMIN stages. Returns (reached, columns used, their weights if already known).
    """
    active = ~never
    fixed = {int(t): 0.0 for t in np.flatnonzero(never)}
    peeled = _peel(model, cols, target, stats)
    use = sorted(peeled)
    if stats.peel_rest <= PEEL_REST:
        shares, _ = cols.matrices()
        weights = np.array([peeled[i] for i in use])
        weights /= weights.sum()
        if np.max(target - weights @ shares[use]) <= DECOMPOSE_TOL:
            return True, use, weights
    else:
        start = time.perf_counter()
        _frank_wolfe_columns(swaps, cols, target, int(FW_ROUNDS * model.types.n_types))
        stats.warm_start_seconds += time.perf_counter() - start
        use = list(range(len(cols)))
    z, _, sub, lam = _converge_stage(
        model, swaps, cols, active, fixed, stats, use, base=target[active], stop_at=-DECOMPOSE_TOL
    )
    return z >= -DECOMPOSE_TOL, sub.tolist(), None


def column_generation(
    types: TypeModel,
    *,
    leximin: bool = True,
    progress: Progress | None = None,
) -> TypeDistribution:
    """Compute the LEXIMIN (or MAXIMIN) distribution over panels for ``types``."""
    model = PanelModel(types)
    cols = _Columns(types)
    swaps = _SwapSearch(types)
    stats = SolveStats()
    n_types = types.n_types
    start = time.perf_counter()
    never = _initial_panels(model, cols, swaps)
    stats.initial_seconds = time.perf_counter() - start
    if not cols.counts:
        raise SolverError("No feasible panel exists.", code="quota.infeasible")
    fixed: dict[int, float] = {int(t): 0.0 for t in np.flatnonzero(never)}
    # MAXIMIN the same way: the first relaxation level's own point, split into panels
    target, stages = relaxation_leximin(types, never, stats, first_level_only=not leximin)
    reached, use, weights = _decompose(model, swaps, cols, never, target, stats)
    if progress is not None:
        progress(
            f"LP-relaxation {'LEXIMIN' if leximin else 'MAXIMIN'} ({stages} levels) "
            + ("reached by panels" if reached else "not reachable; exact stages follow"),
            1.0 if reached else 0.0,
        )
    if reached:
        fixed = {t: float(target[t]) for t in range(n_types)}
    else:
        stats.fallback = True
        stages = 0
    while len(fixed) < n_types:
        stages += 1
        active = np.ones(n_types, dtype=bool)
        active[list(fixed)] = False
        z, y, sub, lam = _converge_stage(model, swaps, cols, active, fixed, stats, use)
        # the next master starts from this stage's support, plus every other column while
        # the pool is small (LP time grows with the columns, rounds grow without them)
        use = sub[lam > 1e-12].tolist() if len(cols) > 3 * n_types else list(range(len(cols)))
        stats.stage_values.append(z)
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
    shares, counts = cols.matrices()
    # the last stage's support already meets every fixed level; re-solve it for the tightest
    # shortfall (together with all columns when the pool is small)
    if weights is None:
        sub = np.array(use if len(cols) > 4 * n_types else range(len(cols)), dtype=np.int64)
        weights = _final_distribution(shares[sub], fixed, stats)
    else:
        sub = np.array(use, dtype=np.int64)
    keep = weights > 1e-12
    panels, weights = counts[sub][keep], weights[keep] / weights[keep].sum()
    marginals = weights @ (panels / types.sizes)
    stats.milp_calls = model.calls
    return TypeDistribution(panels, weights, marginals, never, stages, model.calls, stats)


def _converge_stage(
    model: PanelModel,
    swaps: _SwapSearch,
    cols: _Columns,
    active: np.ndarray,
    fixed: dict[int, float],
    stats: SolveStats,
    use: list[int],
    base: np.ndarray | None = None,
    stop_at: float = np.inf,
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray]:
    """Column generation for one stage; returns (z, y, columns used, their weights).

    The master only sees the columns in ``use`` (at the start: the support of the previous
    stage), which keeps its LPs small; other generated columns come back into it as soon as
    they price positively, before any new column is searched for.
    """
    sizes = model.types.sizes
    free = np.flatnonzero(active)
    fixed_idx = np.array(sorted(fixed), dtype=np.int64)
    fixed_p = np.array([fixed[int(t)] for t in fixed_idx])
    use = list(use)
    for _ in range(100000):
        shares, counts = cols.matrices()
        sub = np.array(use, dtype=np.int64)
        z, lam, y, mu = _solve_master(shares[sub], free, fixed_idx, fixed_p, stats, base)
        if z >= stop_at:
            return z, y, sub, lam
        w = y / sizes
        threshold = mu + PRICING_TOL
        start = time.perf_counter()
        x = model.solve(w)
        stats.milp_seconds += time.perf_counter() - start
        if float(w @ x) <= threshold:
            return z, y, sub, lam
        values = counts @ w
        values[sub] = -np.inf
        back = np.flatnonzero(values > threshold)
        use.extend(back[np.argsort(-values[back])][: max(50, len(free))].tolist())
        first_new = len(cols)
        if cols.add(x):
            stats.milp_columns += 1
        start = time.perf_counter()
        better = swaps.improve(x, w, SWAP_STEPS)
        if better is not None:
            cols.add(better)
        lam_full = np.zeros(len(counts))
        lam_full[sub] = lam
        stats.heuristic_columns += _heuristic_columns(
            swaps, counts, lam_full, w, threshold, cols, max(MAX_STARTS, len(free) // START_SHARE)
        )
        stats.heuristic_seconds += time.perf_counter() - start
        use.extend(range(first_new, len(cols)))
    raise SolverError("Column generation did not converge.", code="solver.no_convergence")


def _final_distribution(
    shares: sparse.csr_array, fixed: dict[int, float], stats: SolveStats
) -> np.ndarray:
    """min eps s.t. each type reaches its fixed probability minus eps; returns lambda."""
    start = time.perf_counter()
    at = shares.T.tocsr()
    n_cols = at.shape[1]
    idx = np.array(sorted(fixed), dtype=np.int64)
    p = np.array([fixed[int(t)] for t in idx])
    a_ub = sparse.hstack([-at[idx], sparse.csr_array(-np.ones((len(idx), 1)))], format="csc")
    cost = np.zeros(n_cols + 1)
    cost[-1] = 1.0
    a_eq = sparse.csr_array(np.concatenate([np.ones(n_cols), [0.0]])[None, :])
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
    stats.master_calls += 1
    stats.master_seconds += time.perf_counter() - start
    if res.status != 0:
        raise SolverError(
            f"The final LP failed: {res.message}", code="solver.lp_failed", status=res.status
        )
    return np.maximum(res.x[:-1], 0.0)
