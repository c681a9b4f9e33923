"""LEGACY: the Sortition Foundation's old greedy selection, kept for comparison only.

Each step picks the quota value with the largest ratio (min − selected)/remaining, selects a
random remaining volunteer with that value, removes his or her housemates, and removes everyone
whose value reached its maximum. A run that can no longer meet some minimum is retried.
"""

from __future__ import annotations

import numpy as np

from sampling.panels import TypeModel


def legacy_panel(
    types: TypeModel, household_of: np.ndarray, rng: np.random.Generator, max_attempts: int = 100
) -> list[int] | None:
    """One LEGACY panel as volunteer indices, or ``None`` if every attempt failed."""
    q_people = types.quota_matrix[:, types.type_of].astype(bool)  # quotas x people
    lo = np.array([q.min for q in types.quotas])
    hi = np.array([q.max for q in types.quotas])
    for _ in range(max_attempts):
        panel = _attempt(types.panel_size, q_people, lo, hi, household_of, rng)
        if panel is not None:
            return panel
    return None


def _attempt(k, q_people, lo, hi, household_of, rng) -> list[int] | None:
    alive = np.ones(q_people.shape[1], dtype=bool)
    selected = np.zeros(len(lo), dtype=int)
    panel: list[int] = []
    for _ in range(k):
        remaining = q_people[:, alive].sum(axis=1)
        if np.any(remaining < lo - selected):
            return None
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(remaining > 0, (lo - selected) / np.maximum(remaining, 1), -np.inf)
        if not np.isfinite(ratio).any():
            return None
        value = int(np.argmax(ratio))
        candidates = np.flatnonzero(alive & q_people[value])
        person = int(rng.choice(candidates))
        panel.append(person)
        selected += q_people[:, person]
        alive[person] = False
        if household_of[person] >= 0:
            alive &= household_of != household_of[person]
        for full in np.flatnonzero(selected >= hi):
            alive &= ~q_people[full]
    if np.any(selected < lo) or np.any(selected > hi):
        return None
    return panel
