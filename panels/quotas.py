"""Panel quotas from population shares: targets that add up to the panel size exactly, with a
tolerance band around each target that the facilitator can edit before the lottery."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction


class QuotaShareError(ValueError):
    """Shares that cannot be turned into quotas; ``code`` is translated by the web layer."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class SuggestedQuota:
    category: str
    value: str
    share: float
    exact: float  # share × panel size before rounding, shown so the facilitator sees the rounding
    target: int
    min: int
    max: int


def apportion(shares: Mapping[str, float], seats: int) -> dict[str, int]:
    """Largest-remainder (Hamilton) apportionment: integer seats summing to ``seats``.

    Ties in the remainder go to the larger share, then to the value named first, so the result
    does not depend on dictionary or hash order beyond the order the caller gave."""
    if seats < 0:
        raise QuotaShareError("quota.negative_panel_size", panel_size=seats)
    if not shares:
        raise QuotaShareError("quota.no_values")
    bad = [value for value, share in shares.items() if not math.isfinite(share) or share < 0]
    if bad:
        raise QuotaShareError("quota.share_not_a_proportion", values=bad)
    total = sum(Fraction(str(s)) for s in shares.values())
    if total == 0:
        raise QuotaShareError("quota.shares_all_zero")
    exact = {v: Fraction(str(s)) / total * seats for v, s in shares.items()}
    floors = {v: math.floor(x) for v, x in exact.items()}
    left = seats - sum(floors.values())
    order = list(shares)
    ranked = sorted(order, key=lambda v: (-(exact[v] - floors[v]), -exact[v], order.index(v)))
    for value in ranked[:left]:
        floors[value] += 1
    return floors


def quotas_from_shares(
    population: Mapping[str, Mapping[str, float]],
    panel_size: int,
    tolerance: int = 1,
) -> list[SuggestedQuota]:
    """Suggest min/max per category value from population shares (which may be counts or
    proportions; each category is normalised on its own)."""
    if panel_size <= 0:
        raise QuotaShareError("quota.panel_size_not_positive", panel_size=panel_size)
    suggestions: list[SuggestedQuota] = []
    for category, shares in population.items():
        targets = apportion(shares, panel_size)
        total = sum(shares.values())
        for value, share in shares.items():
            target = targets[value]
            suggestions.append(
                SuggestedQuota(
                    category=category,
                    value=value,
                    share=share / total,
                    exact=share / total * panel_size,
                    target=target,
                    min=max(0, target - tolerance),
                    max=min(panel_size, target + tolerance),
                )
            )
    return suggestions
