"""Add1 completions of the Method of Equal Shares: raise every voter's endowment and rerun.

``add1_pabutools`` is pabutools' ``voter_budget_increment``: endowments B/n, B/n + d, …; the
first outcome that is exhaustive among MES-eligible projects wins, or the previous one if an
outcome overspends. ``add1_integral`` starts at ⌊B/n⌋ and raises while the next outcome still
fits the budget (the equalshares.net computation that reproduces Wieliczka 2023).

Skipping endowments, exactly. Fix the sequence of winners. Along it, every voter's budget in
every round is a non-decreasing function of the endowment (a winner's price can only fall when
its supporters have more, so what is left after paying can only grow), and every price a
non-increasing one. So if the runs at endowments e1 < e2 select the same winners in the same
order and, in every round r, every other project still in the race at e2 costs more per unit
of utility than the round's winner did at e1 (or exactly as much, when the tie rule prefers
the winner), then at every endowment in between the winner of round r is the same (by
induction over rounds), projects unaffordable at e2 are unaffordable, and the outcome is the
same. The search gallops forward while this certificate holds and bisects where it does not;
endowments between two certified runs are never computed, and a bisection run replays the
rounds already certified instead of searching them. Runner-ups known only by a float lower
bound need a relative margin; anything closer is simply not certified (more reruns).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

from .mes import MesRun, run_mes
from .profile import Profile
from .tiebreak import TieResolver

REACH = 1.1  # evaluate runner-ups up to 1.1x the best price, for tighter certificates
MARGIN = 1e-9


def eligible_projects(profile: Profile) -> list[int]:
    """Projects MES can buy: supported and with a positive cost."""
    return [
        p
        for p in range(profile.num_projects)
        if len(profile.supporters[p]) and profile.costs[p] > 0
    ]


def outcome_cost(profile: Profile, run: MesRun) -> Fraction:
    return sum((profile.costs[p] for p in run.winners), Fraction(0))


def is_exhaustive(profile: Profile, winners: list[int], among: list[int]) -> bool:
    """No project of ``among`` outside ``winners`` still fits the budget."""
    chosen = set(winners)
    cost = sum((profile.costs[p] for p in winners), Fraction(0))
    return all(p in chosen or cost + profile.costs[p] > profile.budget for p in among)


def _round_certified(low: MesRun, high: MesRun, r: int, tie: TieResolver) -> bool:
    """Round r: the winner at ``low`` beats, at every endowment up to ``high``, all others.

    Runner-ups bounded by a float floor need a clear margin; those priced exactly at
    ``high`` may equal the winner's price at ``low`` if the tie rule prefers the winner.
    """
    if low.paid_rounds[r] != high.paid_rounds[r]:
        return False
    price = low.round_prices[r]
    if not high.round_floors[r] > float(price) * (1 + MARGIN) + 1e-300:
        return False
    winner = low.paid_rounds[r]
    for q, other in high.round_close[r].items():
        if other < price:
            return False
        if other == price and (tie.refuses or tie.key[q] < tie.key[winner]):
            return False
    return True


def same_outcome_between(low: MesRun, high: MesRun, tie: TieResolver) -> bool:
    """True if every endowment between ``low`` and ``high`` provably gives the same outcome."""
    if low.winners != high.winners or len(low.round_prices) != len(high.round_floors):
        return False
    return all(_round_certified(low, high, r, tie) for r in range(len(low.paid_rounds)))


def certified_prefix(
    low: MesRun, high: MesRun, tie: TieResolver
) -> tuple[list[int], list[float], list[dict[int, Fraction]]]:
    """Leading rounds that every endowment between ``low`` and ``high`` provably shares.

    Returned with ``high``'s runner-up bounds, which bound the runner-up prices at any
    endowment in between (prices only fall as the endowment rises).
    """
    free_low = low.winners[: len(low.winners) - len(low.paid_rounds)]
    free_high = high.winners[: len(high.winners) - len(high.paid_rounds)]
    if free_low != free_high:
        return [], [], []
    r = 0
    while r < min(len(low.paid_rounds), len(high.paid_rounds)) and _round_certified(
        low, high, r, tie
    ):
        r += 1
    return high.paid_rounds[:r], high.round_floors[:r], high.round_close[:r]


class _Search:
    """Endowment grid start + k*increment, with memoised MES runs."""

    def __init__(self, profile: Profile, tie: TieResolver, start: Fraction, step: Fraction):
        self.profile, self.tie, self.start, self.step = profile, tie, start, step
        self.runs: dict[int, MesRun] = {}

    def run(self, k: int, replay: tuple | None = None) -> MesRun:
        if k not in self.runs:
            endowment = self.start + self.step * k
            self.runs[k] = run_mes(self.profile, endowment, self.tie, reach=REACH, replay=replay)
        return self.runs[k]

    def first_stop(self, stop: Callable[[MesRun], bool], fast: bool) -> int:
        """Smallest k >= 1 with stop(run(k)) (run(0) must not stop)."""
        k, gallop = 0, 1
        while True:
            hi = k + (gallop if fast else 1)
            before = len(self.runs)
            found = self._first_in(k, hi, stop)
            if found is not None:
                return found
            # widen the stride only while whole strides are certified at the cost of one run
            gallop = gallop * 2 if len(self.runs) - before <= 1 else max(1, gallop // 2)
            k = hi

    def _first_in(self, lo: int, hi: int, stop: Callable[[MesRun], bool]) -> int | None:
        """First k in (lo, hi] with stop(run(k)); run(lo) does not stop."""
        if hi == lo + 1:
            return hi if stop(self.run(hi)) else None
        low, high = self.run(lo), self.run(hi)
        if same_outcome_between(low, high, self.tie):
            return None
        mid = (lo + hi) // 2
        self.run(mid, certified_prefix(low, high, self.tie))
        found = self._first_in(lo, mid, stop)
        return found if found is not None else self._first_in(mid, hi, stop)


def add1_pabutools(
    profile: Profile, tie: TieResolver, increment: Fraction, fast: bool = True
) -> tuple[MesRun, int]:
    """pabutools' iterated MES; returns the chosen run and the number of MES runs done."""
    search = _Search(profile, tie, Fraction(profile.budget, profile.n), increment)
    among = eligible_projects(profile)

    def over(run: MesRun) -> bool:
        return outcome_cost(profile, run) > profile.budget

    first = search.run(0)
    if over(first) or is_exhaustive(profile, first.winners, among):
        return first, 1
    k = search.first_stop(lambda r: over(r) or is_exhaustive(profile, r.winners, among), fast)
    chosen = search.run(k - 1) if over(search.run(k)) else search.run(k)
    return chosen, len(search.runs)


def add1_integral(
    profile: Profile, tie: TieResolver, increment: Fraction, fast: bool = True
) -> tuple[MesRun, int]:
    """Integral endowments from ⌊B/n⌋, raised while the next outcome fits the budget."""
    start = Fraction(math.floor(Fraction(profile.budget, profile.n)))
    search = _Search(profile, tie, start, increment)
    among = set(eligible_projects(profile))

    def over(run: MesRun) -> bool:
        return outcome_cost(profile, run) > profile.budget

    def complete(run: MesRun) -> bool:
        return among <= set(run.winners)

    if complete(search.run(0)):
        return search.run(0), 1
    k = search.first_stop(lambda r: over(r) or complete(r), fast)
    chosen = search.run(k - 1) if over(search.run(k)) else search.run(k)
    return chosen, len(search.runs)
