"""Profile types and the panel MILP.

Volunteers with the same value in every quota category and no housemate in the pool are
interchangeable, so the optimisation works on *types*: a panel is a vector of counts per type.
Volunteers who share a household with another volunteer keep a type of their own, and a household
row (at most one member) joins the quota rows. ``PanelModel.best_panel`` solves the pricing MILP
with HiGHS through ``scipy.optimize.milp``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from sampling.errors import SamplingError, SolverError
from sampling.model import Pool, Quota, categories_of


@dataclass(frozen=True)
class TypeModel:
    """The pool reduced to types, with the quota matrix on types."""

    quotas: tuple[Quota, ...]
    categories: tuple[str, ...]
    panel_size: int
    ids: tuple[str, ...]  # volunteer ids, pool order
    members: tuple[tuple[int, ...], ...]  # per type: volunteer indices (sorted by id)
    profiles: tuple[tuple[str, ...], ...]  # per type: one value per category
    sizes: np.ndarray  # per type: number of members
    quota_matrix: np.ndarray  # quotas x types, 0/1
    households: tuple[tuple[int, ...], ...]  # type indices of multi-member households
    type_of: np.ndarray  # per volunteer: its type

    @property
    def n_types(self) -> int:
        return len(self.members)

    def value_count(self, quota_index: int) -> int:
        """Volunteers in the pool holding the value of quota ``quota_index``."""
        return int(self.quota_matrix[quota_index] @ self.sizes)


def build_types(pool: Pool, quotas: Sequence[Quota], panel_size: int) -> TypeModel:
    """Group volunteers into types; quota values must already be validated."""
    if panel_size < 1:
        raise SamplingError(
            f"The panel size must be at least 1, got {panel_size}.",
            code="panel.size_invalid",
            panel_size=panel_size,
        )
    if panel_size > len(pool):
        raise SamplingError(
            f"The panel size {panel_size} is larger than the pool of {len(pool)} volunteers.",
            code="panel.size_exceeds_pool",
            panel_size=panel_size,
            pool_size=len(pool),
        )
    cats = categories_of(quotas)
    household_count: dict[tuple[str, ...], int] = {}
    for v in pool.volunteers:
        if v.household is not None:
            household_count[v.household] = household_count.get(v.household, 0) + 1
    groups: dict[tuple, list[int]] = {}
    for i, v in enumerate(pool.volunteers):
        profile = tuple(v.features[c] for c in cats)
        shared = v.household is not None and household_count[v.household] > 1
        key = (profile, v.id) if shared else (profile, "")
        groups.setdefault(key, []).append(i)
    ids = tuple(v.id for v in pool.volunteers)
    keys = sorted(groups, key=lambda k: (k[0], k[1], min(ids[i] for i in groups[k])))
    members = tuple(tuple(sorted(groups[k], key=lambda i: ids[i])) for k in keys)
    profiles = tuple(k[0] for k in keys)
    type_of = np.empty(len(pool), dtype=np.int64)
    for t, mem in enumerate(members):
        type_of[list(mem)] = t
    cat_pos = {c: j for j, c in enumerate(cats)}
    qm = np.zeros((len(quotas), len(members)))
    for r, q in enumerate(quotas):
        j = cat_pos[q.category]
        for t, prof in enumerate(profiles):
            if prof[j] == q.value:
                qm[r, t] = 1.0
    hh: dict[tuple[str, ...], list[int]] = {}
    for t, mem in enumerate(members):
        v = pool.volunteers[mem[0]]
        if len(mem) == 1 and v.household is not None and household_count[v.household] > 1:
            hh.setdefault(v.household, []).append(t)
    households = tuple(tuple(ts) for _, ts in sorted(hh.items()))
    return TypeModel(
        quotas=tuple(quotas),
        categories=tuple(cats),
        panel_size=panel_size,
        ids=ids,
        members=members,
        profiles=profiles,
        sizes=np.array([len(m) for m in members], dtype=float),
        quota_matrix=qm,
        households=households,
        type_of=type_of,
    )


class PanelModel:
    """The feasible-panel polytope on types as a MILP; solve it for different objectives."""

    def __init__(
        self,
        types: TypeModel,
        lower: np.ndarray | None = None,
        upper: np.ndarray | None = None,
        time_limit: float | None = None,
    ) -> None:
        self.types = types
        n = types.n_types
        lo = np.array([q.min for q in types.quotas], dtype=float) if lower is None else lower
        hi = np.array([q.max for q in types.quotas], dtype=float) if upper is None else upper
        rows = [sparse.csr_matrix(types.quota_matrix), sparse.csr_matrix(np.ones((1, n)))]
        row_lo = [lo, np.array([types.panel_size])]
        row_hi = [hi, np.array([types.panel_size])]
        if types.households:
            h = sparse.lil_matrix((len(types.households), n))
            for r, ts in enumerate(types.households):
                for t in ts:
                    h[r, t] = 1.0
            rows.append(h.tocsr())
            row_lo.append(np.zeros(len(types.households)))
            row_hi.append(np.ones(len(types.households)))
        self.matrix = sparse.vstack(rows).tocsr()
        self.row_lower, self.row_upper = np.concatenate(row_lo), np.concatenate(row_hi)
        self.constraint = LinearConstraint(self.matrix, self.row_lower, self.row_upper)
        self.integrality = np.ones(n)
        self.time_limit = time_limit
        self.calls = 0

    def solve(
        self,
        objective: np.ndarray,
        var_lower: np.ndarray | None = None,
        var_upper: np.ndarray | None = None,
        row_lower: np.ndarray | None = None,
        row_upper: np.ndarray | None = None,
    ) -> np.ndarray | None:
        """Maximise ``objective @ x`` over feasible panels; ``None`` if there is none.

        ``row_lower``/``row_upper`` narrow the rows (quotas, then the panel size, then the
        households, as in ``matrix``), e.g. to keep a face of the polytope.
        """
        self.calls += 1
        lo = np.zeros(self.types.n_types) if var_lower is None else var_lower
        up = self.types.sizes if var_upper is None else var_upper
        options: dict = {"mip_rel_gap": 1e-9, "presolve": True}
        if self.time_limit is not None:
            options["time_limit"] = self.time_limit
        constraint = self.constraint
        if row_lower is not None or row_upper is not None:
            constraint = LinearConstraint(
                self.matrix,
                self.row_lower if row_lower is None else row_lower,
                self.row_upper if row_upper is None else row_upper,
            )
        res = milp(
            -np.asarray(objective, dtype=float),
            constraints=[constraint],
            integrality=self.integrality,
            bounds=Bounds(lo, up),
            options=options,
        )
        if res.status == 2:  # infeasible
            return None
        if res.x is None:
            raise SolverError(
                f"The panel MILP failed: {res.message}",
                code="solver.milp_failed",
                status=res.status,
            )
        return np.rint(res.x)

    def feasible(self) -> bool:
        """Is there any panel meeting all quotas?"""
        return self.solve(np.zeros(self.types.n_types)) is not None
