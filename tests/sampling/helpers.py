"""Test helpers: quota checks and a brute-force LEXIMIN over explicitly listed panels."""

from __future__ import annotations

from itertools import combinations

import numpy as np
from scipy.optimize import linprog

from sampling.model import Pool, Quota


def panel_meets_quotas(panel_ids, pool: Pool, quotas, panel_size: int) -> bool:
    by_id = {v.id: v for v in pool.volunteers}
    people = [by_id[i] for i in panel_ids]
    if len(people) != panel_size or len(set(panel_ids)) != panel_size:
        return False
    households = [v.household for v in people if v.household is not None]
    if len(households) != len(set(households)):
        return False
    for q in quotas:
        count = sum(1 for v in people if v.features[q.category] == q.value)
        if not q.min <= count <= q.max:
            return False
    return True


def feasible_panels(pool: Pool, quotas: list[Quota], k: int) -> list[tuple[int, ...]]:
    ids = pool.ids
    return [
        c
        for c in combinations(range(len(ids)), k)
        if panel_meets_quotas([ids[i] for i in c], pool, quotas, k)
    ]


def brute_force_leximin(n: int, panels: list[tuple[int, ...]]) -> np.ndarray:
    """Exact LEXIMIN by the textbook method: maximise the minimum over unfixed agents, then
    fix every agent who cannot exceed it (one LP per agent), repeat."""
    a = np.zeros((n, len(panels)))
    for j, p in enumerate(panels):
        a[list(p), j] = 1.0
    reachable = a.sum(axis=1) > 0
    fixed = {i: 0.0 for i in range(n) if not reachable[i]}
    while len(fixed) < n:
        free = [i for i in range(n) if i not in fixed]
        z = _max_min(a, free, fixed)
        for i in free:
            best = _max_one(a, i, free, fixed, z)
            if best <= z + 1e-7:
                fixed[i] = z
    return np.array([fixed[i] for i in range(n)])


def _constraints(a, free, fixed, z_col: bool):
    rows, rhs = [], []
    for i in free:
        rows.append(np.concatenate([-a[i], [1.0]]) if z_col else -a[i])
        rhs.append(0.0)
    for i, p in fixed.items():
        rows.append(np.concatenate([-a[i], [0.0]]) if z_col else -a[i])
        rhs.append(-p + 1e-9)
    return np.array(rows), np.array(rhs)


def _max_min(a, free, fixed) -> float:
    m = a.shape[1]
    a_ub, b_ub = _constraints(a, free, fixed, True)
    res = linprog(
        np.concatenate([np.zeros(m), [-1.0]]),
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=np.concatenate([np.ones(m), [0.0]])[None, :],
        b_eq=[1.0],
        bounds=[(0, None)] * m + [(None, None)],
        method="highs",
    )
    return float(res.x[-1])


def _max_one(a, i, free, fixed, z) -> float:
    m = a.shape[1]
    rows, rhs = [], []
    for j in free:
        rows.append(-a[j])
        rhs.append(-z + 1e-9)
    for j, p in fixed.items():
        rows.append(-a[j])
        rhs.append(-p + 1e-9)
    res = linprog(
        -a[i],
        A_ub=np.array(rows),
        b_ub=np.array(rhs),
        A_eq=np.ones((1, m)),
        b_eq=[1.0],
        bounds=[(0, None)] * m,
        method="highs",
    )
    return float(-res.fun)
