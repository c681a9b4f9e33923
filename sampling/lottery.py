"""The transparent draw: a committed uniform lottery over m panels and a seeded draw from it.

1. ``build_lottery`` rounds the distribution over type panels to multiples of 1/m (an ILP keeps
   every type's marginal as close as possible to its fair value; Flanigan, Kehne & Procaccia,
   NeurIPS 2021), then turns type counts into named volunteers by dealing each type's seats
   round-robin over its members (in an order fixed by a hash of the inputs), so members of a type appear equally often (±1).
2. ``commitment`` is the SHA-256 of a canonical JSON of the inputs (quotas, pool, panel size,
   algorithm) and the m panels; publish it before the draw.
3. ``draw`` takes a seed announced afterwards (e.g. a public lottery number): the panel index is
   drawn by a numpy Generator seeded from SHA-256(commitment, seed). Nothing depends on Python's
   ``hash()`` or set order, so the same inputs and seed give the same panel in any process.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from sampling.errors import LotteryError
from sampling.model import Pool, Quota, categories_of


@dataclass(frozen=True)
class Lottery:
    """m panels (each a sorted tuple of ids), the commitment, and realised probabilities."""

    panels: tuple[tuple[str, ...], ...]
    commitment: str
    probabilities: dict[str, float]
    max_deviation: float  # largest |lottery probability − fair probability|
    algorithm: str
    payload: str  # the canonical JSON that was hashed

    @property
    def size(self) -> int:
        return len(self.panels)


@dataclass(frozen=True)
class Draw:
    """The outcome of a draw: which of the m panels, and who is on it."""

    index: int
    panel: tuple[str, ...]
    seed: str
    commitment: str


def _round_weights(weights: np.ndarray, shares: np.ndarray, m: int) -> np.ndarray:
    """Integer copies per panel summing to m, each floor or ceil of m·weight (ILP rounding)."""
    target = weights * m
    base = np.floor(target + 1e-9)
    extra = int(round(m - base.sum()))
    n_p = len(weights)
    if extra <= 0:
        return base.astype(int)
    frac = target - base
    # variables: d_P in {0,1} (round up), e >= 0: max deviation of any type marginal
    dev = shares.T  # types x panels
    err0 = dev @ (base - target)
    rows = np.vstack(
        [
            np.hstack([dev, -np.ones((dev.shape[0], 1))]),
            np.hstack([-dev, -np.ones((dev.shape[0], 1))]),
            np.hstack([np.ones((1, n_p)), [[0.0]]]),
        ]
    )
    lows = np.concatenate([np.full(2 * dev.shape[0], -np.inf), [extra]])
    highs = np.concatenate([-err0, err0, [extra]])
    up = np.where(frac > 1e-12, 1.0, 0.0)
    if up.sum() < extra:
        up[:] = 1.0
    cost = np.concatenate([np.zeros(n_p), [1.0]])
    res = milp(
        cost,
        constraints=[LinearConstraint(rows, lows, highs)],
        integrality=np.concatenate([np.ones(n_p), [0]]),
        bounds=Bounds(np.zeros(n_p + 1), np.concatenate([up, [np.inf]])),
        # a node limit, not a time limit: the result (and so the commitment) must not depend
        # on how busy the machine is
        options={"node_limit": 200, "mip_rel_gap": 1e-6},
    )
    if res.x is None:  # fall back to largest remainders
        order = np.lexsort((np.arange(n_p), -frac))
        d = np.zeros(n_p)
        d[order[:extra]] = 1
    else:
        d = np.rint(res.x[:n_p])
    return (base + d).astype(int)


def _deal(type_panels: np.ndarray, copies: np.ndarray, members: Sequence[Sequence[str]]):
    pointer = [0] * len(members)
    panels = []
    for p in range(len(copies)):
        for _ in range(int(copies[p])):
            chosen: list[str] = []
            for t, count in enumerate(type_panels[p]):
                mem = members[t]
                for j in range(int(count)):
                    chosen.append(mem[(pointer[t] + j) % len(mem)])
                pointer[t] = (pointer[t] + int(count)) % len(mem)
            panels.append(tuple(sorted(chosen)))
    return panels


def canonical_inputs(pool: Pool, quotas: Sequence[Quota], panel_size: int, algorithm: str) -> dict:
    """The inputs as plain, ordered data (the part of the commitment that is not the panels)."""
    cats = categories_of(quotas)
    return {
        "panel_size": panel_size,
        "algorithm": algorithm,
        "quotas": [[q.category, q.value, q.min, q.max] for q in quotas],
        "pool": sorted(
            [v.id, [v.features[c] for c in cats], list(v.household) if v.household else None]
            for v in pool.volunteers
        ),
    }


def _payload(inputs: dict, panels: Sequence[Sequence[str]]) -> str:
    body = {"version": 1, "inputs": inputs, "lottery": [list(p) for p in panels]}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def build_lottery(result, pool: Pool, quotas: Sequence[Quota], size: int = 1000) -> Lottery:
    """Round ``result`` (a :class:`~sampling.stage2.SelectionResult`) to m = ``size`` panels."""
    if size < 1:
        raise LotteryError(
            f"The lottery size must be at least 1, got {size}.",
            code="lottery.size_invalid",
            size=size,
        )
    type_panels = np.array([p.counts for p in result.panels], dtype=float)
    weights = np.array([p.weight for p in result.panels])
    sizes = np.array([len(t.members) for t in result.types], dtype=float)
    copies = _round_weights(weights, type_panels / sizes, size)
    inputs = canonical_inputs(pool, quotas, result.panel_size, result.algorithm)
    inputs_json = json.dumps(inputs, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    rng = np.random.default_rng(
        int.from_bytes(hashlib.sha256(inputs_json.encode("utf-8")).digest(), "big")
    )
    # a fixed (input-derived) order of members per type spreads co-selection across the lottery
    members = [[t.members[j] for j in rng.permutation(len(t.members))] for t in result.types]
    panels = _deal(type_panels, copies, members)
    counts = {i: 0 for i in pool.ids}
    for panel in panels:
        for i in panel:
            counts[i] += 1
    probs = {i: c / size for i, c in counts.items()}
    deviation = max(abs(probs[i] - result.probabilities[i]) for i in probs)
    payload = _payload(inputs, panels)
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    return Lottery(tuple(panels), digest, probs, deviation, result.algorithm, payload)


def verify(lottery: Lottery) -> bool:
    """Does the commitment match the published payload and panels?"""
    body = json.loads(lottery.payload)
    same_panels = [tuple(p) for p in body["lottery"]] == list(lottery.panels)
    return same_panels and hashlib.sha256(lottery.payload.encode("utf-8")).hexdigest() == (
        lottery.commitment
    )


def draw(lottery: Lottery, seed: str) -> Draw:
    """Draw one of the committed panels with a seed announced after the commitment."""
    if not str(seed).strip():
        raise LotteryError("The seed must not be empty.", code="lottery.seed_empty")
    digest = hashlib.sha256(f"{lottery.commitment}\n{seed}".encode()).digest()
    rng = np.random.default_rng(int.from_bytes(digest, "big"))
    index = int(rng.integers(lottery.size))
    return Draw(index, lottery.panels[index], str(seed), lottery.commitment)
