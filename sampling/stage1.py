"""Stage 1: which households get an invitation letter.

The register is stratified by area. Each stratum needs a number of volunteers (e.g. derived from
the quota minimums); with an expected response rate r, inviting N households yields
Binomial(N, r) volunteers, so we invite the smallest N with P(Binomial(N, r) ≥ need) ≥
``confidence`` — more letters where fewer people answer (self-selection correction, Flanigan et
al., NeurIPS 2020). Households are drawn uniformly without replacement within each stratum by a
numpy Generator seeded from SHA-256 of the seed; each invitation gets a token
HMAC-SHA256(seed, household id), unguessable as long as the seed stays secret and reproducible
from it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import binom

from sampling.errors import SamplingError


@dataclass(frozen=True)
class Household:
    """One entry of the household register."""

    id: str
    address: str
    area: str
    sub_area: str = ""
    strata: Mapping[str, str] | None = None


@dataclass(frozen=True)
class StratumPlan:
    """How many letters go to one stratum, and why."""

    stratum: str
    households: int
    needed: int
    response_rate: float
    invitations: int
    probability_enough: float


@dataclass(frozen=True)
class Invitation:
    household_id: str
    stratum: str
    token: str


@dataclass(frozen=True)
class InvitationDraw:
    plans: tuple[StratumPlan, ...]
    invitations: tuple[Invitation, ...]


def invitations_needed(needed: int, response_rate: float, confidence: float) -> int:
    """Smallest N with P(Binomial(N, response_rate) >= needed) >= confidence."""
    if needed <= 0:
        return 0
    if not 0 < response_rate <= 1:
        raise SamplingError(
            f"A response rate must be in (0, 1], got {response_rate}.",
            code="stage1.rate_invalid",
            rate=response_rate,
        )
    n = max(needed, int(needed / response_rate))
    while binom.sf(needed - 1, n, response_rate) < confidence:
        n += max(1, n // 50)
    while n > needed and binom.sf(needed - 1, n - 1, response_rate) >= confidence:
        n -= 1
    return n


def _token(seed: str, household_id: str) -> str:
    mac = hmac.new(seed.encode("utf-8"), household_id.encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()[:24]


def draw_invitations(
    register: Sequence[Household],
    needed: Mapping[str, int],
    response_rates: Mapping[str, float],
    seed: str,
    *,
    confidence: float = 0.95,
    default_rate: float | None = None,
) -> InvitationDraw:
    """Draw the households to invite, stratified by area (one invitation per household).

    ``needed[area]`` is the number of volunteers wanted from that area; ``response_rates[area]``
    the expected share of invited households that volunteer (``default_rate`` for areas
    without one). Raises ``stage1.register_too_small`` if an area has too few households.
    """
    if not str(seed):
        raise SamplingError("The seed must not be empty.", code="stage1.seed_empty")
    by_area: dict[str, list[Household]] = {}
    seen: set[str] = set()
    for h in register:
        if h.id in seen:
            raise SamplingError(
                f"Household '{h.id}' appears twice in the register.",
                code="stage1.duplicate_household",
                household=h.id,
            )
        seen.add(h.id)
        by_area.setdefault(h.area, []).append(h)
    digest = hashlib.sha256(f"stage1\n{seed}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest, "big"))
    plans, invitations = [], []
    for area in sorted(needed):
        rate = response_rates.get(area, default_rate)
        if rate is None:
            raise SamplingError(
                f"No response rate for area '{area}'.", code="stage1.rate_missing", area=area
            )
        households = sorted(by_area.get(area, []), key=lambda h: h.id)
        count = invitations_needed(needed[area], rate, confidence)
        if count > len(households):
            raise SamplingError(
                f"Area '{area}' needs {count} invitations but has {len(households)} households.",
                code="stage1.register_too_small",
                area=area,
                needed=count,
                households=len(households),
            )
        chosen = sorted(rng.choice(len(households), size=count, replace=False).tolist())
        prob = float(binom.sf(needed[area] - 1, count, rate)) if needed[area] > 0 else 1.0
        plans.append(StratumPlan(area, len(households), needed[area], rate, count, prob))
        invitations.extend(
            Invitation(households[i].id, area, _token(seed, households[i].id)) for i in chosen
        )
    return InvitationDraw(tuple(plans), tuple(invitations))
