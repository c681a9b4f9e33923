"""Method of Equal Shares, exactly as pabutools 1.2.3 computes it, but fast.

Exactness: every voter budget is ``e - sum_r rho_r * U[g, r]`` (``e`` the endowment, ``rho_r``
the exact price per utility unit of the r-th winner, ``U`` the integer utilities that group
``g`` paid at that price) or exactly 0 once the voter paid all it had. Sums of budgets over any
set of voters are therefore integer combinations of a few exact fractions (the integer
coefficients come from a float matrix product whose partial sums stay below 2**52, so they are
exact). Floats are used only to *screen*: each float estimate carries an error
bound, every decision whose float margin is not larger than that bound is recomputed with exact
fractions, so the winners are those of exact rational arithmetic.

Speed: identical ballots are grouped; each round evaluates projects in order of their previous
price (a lower bound, since budgets only shrink) and stops when no remaining project can beat
the best price found, as pabutools does; the price of a project is one vectorised sweep.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .errors import RulesError
from .profile import Profile
from .tiebreak import TieResolver

REL = 1e-9  # relative safety factor on float error estimates


@dataclass
class MesRun:
    """Outcome and trace of one MES run at endowment ``endowment`` per voter."""

    endowment: Fraction
    winners: list[int]  # project indices in selection order (zero-cost supported ones first)
    prices: dict[int, Fraction]  # winner -> exact price per utility unit (payment / util_int)
    paid_rounds: list[int]  # winner project of each paid round
    # per paid round: (groups that paid the price, sorted; their util_int); others paid all
    paid_cols: list[tuple[np.ndarray, np.ndarray]]
    exhausted_round: np.ndarray  # per group: paid round in which it gave all it had, or -1
    removed: dict[int, int] = field(default_factory=dict)  # project -> round found unaffordable
    rounds: list[dict] = field(default_factory=list)  # per round: winner, price, tied projects
    num_groups: int = 0
    # per paid round: float of the winner's price (per unit of true utility) and a lower bound
    # on the price of every other project still in the race (inf if none) — used by Add1
    round_prices: list[Fraction] = field(default_factory=list)
    round_floors: list[float] = field(default_factory=list)
    # per paid round: exact prices of the runner-ups that were computed exactly (not in floors)
    round_close: list[dict[int, Fraction]] = field(default_factory=list)


def paid_matrix(run: MesRun) -> np.ndarray:
    """Dense groups x paid-rounds matrix of util_int paid at the round's price (0 = none)."""
    out = np.zeros((run.num_groups, len(run.paid_cols)), dtype=np.int64)
    for r, (gs, us) in enumerate(run.paid_cols):
        out[gs, r] = us
    return out


class _State:
    """Budgets of all groups during a run (exact representation + float mirror)."""

    def __init__(self, profile: Profile, endowment: Fraction, capacity: int) -> None:
        g = profile.num_groups
        self.e = Fraction(endowment)
        self.ef = float(endowment)
        self.w = profile.weights
        self.bf = np.full(g, self.ef)
        self.zero = np.zeros(g, dtype=bool)
        self.cols: list[tuple[np.ndarray, np.ndarray]] = []
        self.g = g
        # one column per paid round, reused across runs on the same profile (Fortran order:
        # writing a round touches one contiguous column)
        buffer = profile.__dict__.get("_dense_buffer")
        if buffer is None or buffer.shape[1] < capacity + 1:
            buffer = np.zeros((g, capacity + 1), dtype=np.float64, order="F")
            profile.__dict__["_dense_buffer"] = buffer
        self.dense = buffer
        self.cache: dict[int, tuple] = profile.__dict__.setdefault("_float_arrays", {})
        if (
            int(profile.weights.sum())
            * max((int(u.max()) for u in profile.utils if len(u)), default=1)
            >= 2**52
        ):
            raise RulesError(
                "count.too_large", "utilities too large for this engine (sum over 2**52)"
            )
        self.rho: list[Fraction] = []
        self.exhausted = np.full(g, -1, dtype=np.int64)
        # absolute error bound of float budgets (grows a little with every round)
        self.tol = abs(self.ef) * 1e-13 + 1e-300

    def project_arrays(self, sup: np.ndarray, u: np.ndarray) -> tuple:
        """Float weights, utilities, weighted utilities and their sums for one project."""
        key = id(sup)
        hit = self.cache.get(key)
        if hit is None or hit[0] is not sup:
            w = self.w[sup].astype(np.float64)
            uf = u.astype(np.float64)
            uw = uf * w
            hit = (sup, (w, uf, uw, float(w.sum()), float(uw.sum())))
            self.cache[key] = hit
        return hit[1]

    def exact_budget(self, g: int) -> Fraction:
        """Exact budget of group ``g`` now."""
        if self.zero[g]:
            return Fraction(0)
        b = self.e
        row = self.dense[g, : len(self.rho)]
        for r in np.flatnonzero(row).tolist():
            b -= self.rho[r] * int(row[r])
        return b

    def exact_sum(self, groups: np.ndarray) -> Fraction:
        """Exact sum of weighted budgets of ``groups`` (non-exhausted ones contribute).

        The integer coefficients sum_g w_g * util_g,r are computed with a float matrix product
        on a dense copy of the paid utilities; it is exact because every partial sum is an
        integer below 2**53 (checked), so only the final combination needs fractions.
        """
        live = groups[~self.zero[groups]]
        if len(live) == 0:
            return Fraction(0)
        w = self.w[live]
        total = self.e * int(w.sum())
        if self.rho:
            r = len(self.rho)
            coef = w.astype(np.float64) @ self.dense[live, :r]
            for rho, c in zip(self.rho, coef.tolist(), strict=True):
                if c:
                    total -= rho * int(c)
        return total

    def record(self, gs: np.ndarray, us: np.ndarray) -> None:
        """Store a paid round: groups ``gs`` paid the price for ``us`` utility units each."""
        r = len(self.cols)
        self.dense[:, r] = 0.0
        self.dense[gs, r] = us
        self.cols.append((gs, us))


def _float_price(st: _State, cost: float, sup: np.ndarray, u: np.ndarray):
    """Float price per utility unit and its error bound, None if clearly unaffordable.

    Returns "maybe" when affordability is too close to call in floats. The price is found by
    the poor/rich fixed point: start with everybody paying price*u, move those who cannot
    afford it to "pays all", recompute; the price only rises and the poor set only grows.
    """
    b = st.bf[sup]  # exhausted groups hold exactly 0.0
    w, uf, uw, wsum, den_all = st.project_arrays(sup, u)
    bw = b * w
    total = float(bw.sum())
    tol_total = wsum * st.tol + REL * cost
    if total < cost - tol_total:
        return None
    if total <= cost + tol_total:
        return "maybe"
    rho = cost / den_all
    paid = 0.0
    den = den_all
    count = -1
    for _ in range(60):
        poor = b < rho * uf
        n_poor = int(np.count_nonzero(poor))
        if n_poor == count:
            break
        count = n_poor
        paid = float(bw[poor].sum())
        den = den_all - float(uw[poor].sum())
        if den <= 0:
            return "maybe"
        rho = (cost - paid) / den
    else:
        return _float_price_sorted(b, uf, w, cost, wsum, st.tol)
    err = (cost + paid + wsum * st.tol) * 1e-10 / den + 1e-300
    return rho, err


def _float_price_sorted(b, uf, w, cost: float, wsum: float, tol: float):
    """The same price by one sorted sweep (used when the fixed point is slow to settle)."""
    order = np.argsort(b / uf, kind="stable")
    bs, us, ws = b[order], uf[order], w[order]
    paid = np.concatenate(([0.0], np.cumsum(bs * ws)[:-1]))
    uw = us * ws
    den = float(uw.sum()) - np.concatenate(([0.0], np.cumsum(uw)[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = (cost - paid) / den
        ok = rho * us <= bs * (1 + 1e-12) + tol
    k = int(np.argmax(ok)) if ok.any() else len(ok) - 1
    err = (cost + float(paid[k]) + wsum * tol) * 1e-10 / float(den[k]) + 1e-300
    return float(rho[k]), err


def _exact_price(
    st: _State, cost: Fraction, sup: np.ndarray, u: np.ndarray, rho_f: float, err: float
) -> Fraction | None:
    """Exact smallest price with sum_i min(b_i, price*u_i) = cost, or None if unaffordable."""
    uf = u.astype(np.float64)
    b = np.where(st.zero[sup], 0.0, st.bf[sup])
    margin = err * uf + st.tol * 4
    target = rho_f * uf
    poor = st.zero[sup] | (b < target - margin)
    rich = ~st.zero[sup] & (b > target + margin)
    amb = ~poor & ~rich
    paid = st.exact_sum(sup[poor])
    den = int((u[rich] * st.w[sup[rich]]).sum())
    amb_idx = np.nonzero(amb)[0]
    entries = []
    for i in amb_idx.tolist():
        g = int(sup[i])
        entries.append(
            (st.exact_budget(g) / int(u[i]), st.exact_budget(g), int(u[i]), int(st.w[g]))
        )
    entries.sort(key=lambda t: t[0])
    den += sum(ui * wi for _, _, ui, wi in entries)
    for _, bg, ui, wi in entries:
        if den == 0:
            break
        rho = (cost - paid) / den
        if rho * ui <= bg:
            return rho
        paid += bg * wi
        den -= ui * wi
    if den == 0:
        return None if paid < cost else Fraction(0)
    rho = (cost - paid) / den
    return rho if _boundary_holds(st, sup, u, b, poor, rich, rho) else None


def _boundary_holds(st, sup, u, b, poor, rich, rho: Fraction) -> bool:
    """Exact check of the float classification at its edges: the richest "poor" supporter
    cannot pay more than rho*u and the poorest "rich" one can (float budgets are within
    ``st.tol`` of the exact ones, so every other entry is ordered correctly)."""
    uf = u.astype(np.float64)
    live_poor = np.nonzero(poor & ~st.zero[sup])[0]
    if len(live_poor):
        i = int(live_poor[np.argmax(b[live_poor] / uf[live_poor])])
        if st.exact_budget(int(sup[i])) > rho * int(u[i]):
            return False
    rich_idx = np.nonzero(rich)[0]
    if len(rich_idx):
        i = int(rich_idx[np.argmin(b[rich_idx] / uf[rich_idx])])
        if st.exact_budget(int(sup[i])) < rho * int(u[i]):
            return False
    return True


def _exact_price_slow(
    st: _State, cost: Fraction, sup: np.ndarray, u: np.ndarray
) -> Fraction | None:
    """Reference sweep over every supporter in exact fractions (used as a fallback)."""
    entries = sorted(
        (
            (st.exact_budget(int(g)) / int(ui), st.exact_budget(int(g)), int(ui), int(st.w[g]))
            for g, ui in zip(sup.tolist(), u.tolist(), strict=True)
        ),
        key=lambda t: t[0],
    )
    if sum((bg * wi for _, bg, _, wi in entries), Fraction(0)) < cost:
        return None
    paid, den = Fraction(0), sum(ui * wi for _, _, ui, wi in entries)
    for _, bg, ui, wi in entries:
        rho = (cost - paid) / den
        if rho * ui <= bg:
            return rho
        paid += bg * wi
        den -= ui * wi
    return None


def exact_price(
    st: _State, profile: Profile, p: int, rho_f: float | None, err: float
) -> Fraction | None:
    """Exact price of project ``p`` given a float estimate (checked, with a slow fallback)."""
    sup, u, cost = profile.supporters[p], profile.utils[p], profile.costs[p]
    if rho_f is None:
        return _exact_price_slow(st, cost, sup, u)
    rho = _exact_price(st, cost, sup, u, rho_f, err)
    if rho is None or abs(float(rho) - rho_f) > 1e3 * err + 1e-12 * abs(rho_f):
        return _exact_price_slow(st, cost, sup, u)
    return rho


def _pay(st: _State, profile: Profile, p: int, rho: Fraction, column: int) -> None:
    """Supporters of winner ``p`` pay min(budget, rho*u); exact split into poor and rich."""
    sup, u = profile.supporters[p], profile.utils[p]
    rho_f = float(rho)
    uf = u.astype(np.float64)
    b = st.bf[sup]
    live = ~st.zero[sup]
    margin = (abs(rho_f) * 1e-12) * uf + st.tol * 4
    rich = live & (b > rho_f * uf + margin)
    pays_all = live & (b < rho_f * uf - margin)
    for i in np.nonzero(live & ~rich & ~pays_all)[0].tolist():
        g = int(sup[i])
        if st.exact_budget(g) > rho * int(u[i]):
            rich[i] = True
        else:
            pays_all[i] = True
    gr = sup[rich]
    st.record(gr, u[rich])
    st.bf[gr] -= rho_f * uf[rich]
    ga = sup[pays_all]
    st.zero[ga] = True
    st.bf[ga] = 0.0
    st.exhausted[ga] = column
    st.rho.append(rho)
    st.tol += abs(rho_f) * float(u.max() if len(u) else 1) * 1e-13 + abs(st.ef) * 1e-15


def _initial_prices(profile: Profile) -> dict[int, float]:
    """Price when nobody is short of money: cost / total utility (a lower bound all run)."""
    cached = getattr(profile, "_initial_prices", None)
    if cached is None:
        cached = {}
        for p in range(profile.num_projects):
            sat = int((profile.utils[p] * profile.weights[profile.supporters[p]]).sum())
            if sat > 0 and profile.costs[p] > 0:
                cached[p] = float(profile.costs[p] / (profile.mult[p] * sat))
        profile._initial_prices = cached  # type: ignore[attr-defined]
    return cached


def run_mes(
    profile: Profile,
    endowment: Fraction,
    tie: TieResolver,
    exclude: frozenset[int] = frozenset(),
    trace: bool = False,
    reach: float = 1.0,
    replay: tuple[list[int], list[float], list[dict[int, Fraction]]] | None = None,
) -> MesRun:
    """One MES run with every voter starting at ``endowment``.

    ``reach`` > 1 evaluates more runner-up projects per round (same outcome) so that the
    recorded ``round_floors`` are tighter. ``replay`` = (first winners, their round floors)
    skips the search in those rounds; the caller guarantees (by an Add1 certificate) that these
    are the winners at this endowment; only their exact prices are computed.
    """
    replay_winners, replay_floors, replay_close = replay or ([], [], [])
    eligible = [
        p
        for p in range(profile.num_projects)
        if p not in exclude and len(profile.supporters[p]) and profile.costs[p] >= 0
    ]
    free = tie.sort([p for p in eligible if profile.costs[p] == 0])
    remaining = [p for p in eligible if profile.costs[p] > 0]
    st = _State(profile, endowment, len(remaining))
    run = MesRun(Fraction(endowment), list(free), {}, [], st.cols, st.exhausted)
    run.num_groups = profile.num_groups
    # lower bounds on each project's true price (ratio price/mult), valid for the whole run
    initial = _initial_prices(profile)
    lower = {p: initial[p] * (1 - 1e-9) for p in remaining}
    alive = set(remaining)
    while alive:
        r = len(run.paid_rounds)
        if r < len(replay_winners):
            p = replay_winners[r]
            rho = _replayed_price(st, profile, p)
            run.round_floors.append(replay_floors[r])
            run.round_close.append(replay_close[r])
        else:
            step = _one_round(st, profile, tie, alive, lower, run, trace, reach)
            if step is None:
                break
            p, rho, close = step
            others = [lower[q] for q in alive if q != p and q not in close]
            run.round_floors.append(min(others) if others else float("inf"))
            run.round_close.append(close)
        run.round_prices.append(rho / profile.mult[p])
        _pay(st, profile, p, rho, len(run.paid_rounds))
        run.winners.append(p)
        run.prices[p] = rho
        run.paid_rounds.append(p)
        alive.discard(p)
    return run


def _replayed_price(st: _State, profile: Profile, p: int) -> Fraction:
    """Exact price of a winner known in advance (see ``replay``)."""
    res = _float_price(st, float(profile.costs[p]), profile.supporters[p], profile.utils[p])
    rho = None
    if res == "maybe":
        rho = exact_price(st, profile, p, None, 0.0)
    elif res is not None:
        rho = exact_price(st, profile, p, *res)
    if rho is None:
        raise RulesError("count.internal", "replayed winner is unaffordable; please report")
    return rho


def _one_round(st, profile, tie, alive, lower, run, trace, reach=1.0):
    """Pick the next winner: (project, exact price) or None when nothing is affordable."""
    best_upper = float("inf")
    estimates: dict[int, tuple[float, float]] = {}
    for p in sorted(alive, key=lambda q: lower[q]):
        if lower[p] > best_upper * reach:
            break
        m = float(profile.mult[p])
        res = _float_price(st, float(profile.costs[p]), profile.supporters[p], profile.utils[p])
        if res is None:
            alive.discard(p)
            run.removed[p] = len(run.paid_rounds)
            continue
        if res == "maybe":
            rho = exact_price(st, profile, p, None, 0.0)
            if rho is None:
                alive.discard(p)
                run.removed[p] = len(run.paid_rounds)
                continue
            rf = float(rho)
            res = (rf, abs(rf) * 1e-12 + 1e-300)
        rho_f, err = res
        true_f, true_err = rho_f / m, err / m
        lower[p] = max(lower[p], true_f - true_err * 2)
        estimates[p] = (rho_f, err)
        best_upper = min(best_upper, true_f + true_err * 2)
    if not estimates:
        return None
    close = [
        p
        for p, (rf, e) in estimates.items()
        if rf / float(profile.mult[p]) - 2 * e / float(profile.mult[p]) <= best_upper
    ]
    exact: dict[int, Fraction] = {}
    for p in close:
        rho = exact_price(st, profile, p, *estimates[p])
        if rho is None:
            alive.discard(p)
            run.removed[p] = len(run.paid_rounds)
            continue
        exact[p] = rho
    if not exact:
        return _one_round(st, profile, tie, alive, lower, run, trace, reach)
    true = {p: rho / profile.mult[p] for p, rho in exact.items()}
    best = min(true.values())
    tied = [p for p, v in true.items() if v == best]
    winner = tie.pick(tied, "equal shares")
    if trace:
        run.rounds.append({"winner": winner, "price": exact[winner], "tied": tied})
    return winner, exact[winner], {q: v for q, v in true.items() if q != winner}
