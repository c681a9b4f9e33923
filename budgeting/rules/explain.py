"""Explanations of a count as plain data (amounts as exact decimal text), per voter and project.

Method of Equal Shares: each voter's share, which winners they paid for and how much, what is
left; for each project a voter supported that lost: what it cost, what its supporters could
still pay at the end (effective support), which winners took its supporters' money, and how
many more supporters with a full share it would have needed. Greedy: rank, votes, and
"skipped because only X was left". The web layer turns these dicts into sentences.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import numpy as np

from .election import format_amount
from .errors import RulesError
from .mes import MesRun, paid_matrix

if TYPE_CHECKING:
    from .counting import Result
    from .profile import Profile


def _amount(x: Fraction) -> str:
    """Exact decimal if possible, else rounded to 2 decimals (MES prices can be 1/3)."""
    text = format_amount(x)
    return text if "/" not in text else f"{float(x):.2f}"


def _group_of(result: Result, voter_id: str) -> int:
    assert result.election is not None and result.profile is not None
    for i, ballot in enumerate(result.election.ballots):
        if ballot.voter_id == voter_id:
            return int(result.profile.group_of_ballot[i])
    raise RulesError("explain.unknown_voter", f"no ballot from voter {voter_id!r}", voter=voter_id)


def _project_index(result: Result, project_id: str) -> int:
    assert result.profile is not None
    try:
        return result.profile.ids.index(project_id)
    except ValueError:
        raise RulesError(
            "explain.unknown_project", f"no project {project_id!r}", project=project_id
        ) from None


def _price(run: MesRun, r: int) -> Fraction:
    return run.prices[run.paid_rounds[r]]


def _paid(run: MesRun) -> np.ndarray:
    cached = getattr(run, "_paid_matrix", None)
    if cached is None:
        cached = paid_matrix(run)
        run._paid_matrix = cached  # type: ignore[attr-defined]
    return cached


def _budget_before(run: MesRun, g: int, upto: int) -> Fraction:
    """Exact budget of group ``g`` before round column ``upto`` (never exhausted before it)."""
    b = run.endowment
    for r in range(upto):
        u = int(_paid(run)[g, r])
        if u:
            b -= _price(run, r) * u
    return b


def _payments(run: MesRun, g: int) -> dict[int, Fraction]:
    """Winner project -> amount group ``g`` paid for it in the MES run."""
    out: dict[int, Fraction] = {}
    for r in range(len(run.paid_rounds)):
        u = int(_paid(run)[g, r])
        if u:
            out[run.paid_rounds[r]] = _price(run, r) * u
    ex = int(run.exhausted_round[g])
    if ex >= 0:
        out[run.paid_rounds[ex]] = _budget_before(run, g, ex)
    return out


def _final_budget(run: MesRun, g: int) -> Fraction:
    if int(run.exhausted_round[g]) >= 0:
        return Fraction(0)
    return _budget_before(run, g, len(run.paid_rounds))


def _mes_project_loss(run: MesRun, profile: Profile, p: int) -> dict[str, Any]:
    """For a project MES did not buy: leftover money of its supporters and where it went."""
    sup = profile.supporters[p]
    w = profile.weights
    could = Fraction(0)
    taken: dict[int, Fraction] = {}
    for g in sup.tolist():
        could += _final_budget(run, g) * int(w[g])
        for winner, amount in _payments(run, g).items():
            taken[winner] = taken.get(winner, Fraction(0)) + amount * int(w[g])
    cost = profile.costs[p]
    missing = max(cost - could, Fraction(0))
    extra = math.ceil(missing / run.endowment) if missing and run.endowment > 0 else 0
    top = sorted(taken.items(), key=lambda kv: (-kv[1], profile.ids[kv[0]]))
    return {
        "cost": _amount(cost),
        "supporters": profile.support_weight(p),
        "supporters_could_still_pay": _amount(could),
        "effective_support_percent": _amount(min(could / cost, Fraction(1)) * 100)
        if cost
        else "100",
        "budget_taken_by": [
            {"project": profile.ids[q], "amount": _amount(a)} for q, a in top if a > 0
        ],
        "extra_supporters_needed": extra,
        "extra_supporters_note": "voters with a full share who support only this project",
    }


def _greedy_step(result: Result, p: int) -> dict[str, Any] | None:
    if result.greedy is None:
        return None
    for step in result.greedy.steps:
        if step.project == p:
            out: dict[str, Any] = {
                "rank": step.rank,
                "status": step.status,
                "left_when_reached": _amount(step.left_before),
                "score_per_cost": "infinite" if step.density is None else _amount(step.density),
            }
            if step.status == "skipped":
                out["reason"] = "skipped because only the amount left was available"
            return out
    return {"status": "initial"}


def explain_project(result: Result, project_id: str) -> dict[str, Any]:
    """Plain-data account of one project's fate."""
    profile = result.profile
    assert profile is not None
    p = _project_index(result, project_id)
    won = project_id in result.winners
    out: dict[str, Any] = {
        "project": project_id,
        "cost": _amount(profile.costs[p]),
        "votes": profile.votes[p],
        "selected": won,
        "position": result.selection_order.index(project_id) + 1 if won else None,
        "rule": result.variant.get("rule"),
    }
    run = result.mes
    if run is not None:
        if p in run.prices:
            r = run.paid_rounds.index(p)
            paid_full = sum(
                int(profile.weights[g])
                for g in profile.supporters[p].tolist()
                if int(run.exhausted_round[g]) == r
            )
            out["equal_shares"] = {
                "round": r + 1,
                "price_per_utility_unit": _amount(run.prices[p]),
                "supporters": profile.support_weight(p),
                "supporters_who_gave_all_they_had": paid_full,
            }
        elif p in run.winners:
            out["equal_shares"] = {"round": 0, "note": "free project, selected first"}
        else:
            loss = _mes_project_loss(run, profile, p)
            if p in run.removed:
                loss["unaffordable_from_round"] = run.removed[p] + 1
            out["equal_shares"] = loss
    step = _greedy_step(result, p)
    if step is not None:
        out["greedy"] = step
    if result.phragmen is not None and won:
        k = result.phragmen.winners.index(p)
        out["phragmen"] = {"round": k + 1, "load": _amount(result.phragmen.loads[k])}
    return out


def explain_voter(result: Result, voter_id: str) -> dict[str, Any]:
    """Plain-data account for one voter: share, payments, what is left, supported losers."""
    profile = result.profile
    assert profile is not None
    g = _group_of(result, voter_id)
    ids = profile.ids
    if profile.grouped:
        supported = [p for p in range(profile.num_projects) if g in profile.supporters[p]]
    else:  # greedy: the projects listed on the ballot
        assert result.election is not None
        listed = set(result.election.ballots[g].projects)
        supported = [p for p in range(profile.num_projects) if ids[p] in listed]
    out: dict[str, Any] = {
        "voter": voter_id,
        "supported": [ids[p] for p in supported],
        "supported_winners": [ids[p] for p in supported if ids[p] in result.winners],
        "rule": result.variant.get("rule"),
    }
    run = result.mes
    if run is not None:
        pays = _payments(run, g)
        out["share"] = _amount(run.endowment)
        out["paid"] = [{"project": ids[q], "amount": _amount(a)} for q, a in pays.items() if a > 0]
        out["left"] = _amount(_final_budget(run, g))
        out["funded_by_fill_up"] = [
            ids[p] for p in supported if ids[p] in result.winners and p not in run.winners
        ]
        out["lost"] = [
            {"project": ids[p], **_mes_project_loss(run, profile, p)}
            for p in supported
            if ids[p] not in result.winners
        ]
    elif result.greedy is not None:
        out["projects"] = [
            {"project": ids[p], **(_greedy_step(result, p) or {})} for p in supported
        ]
    return out
