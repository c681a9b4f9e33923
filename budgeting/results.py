"""Counting a round with ``budgeting.rules``: the tie check and the publicly drawn order, the
anonymised election, the stored result with explanations, a group's recorded agreement, the
results bundle (.pb + JSON) and its recount, and counting a .pb file from elsewhere.

Ties: projects are ordered by lowest cost, then most votes (a published rule), and projects
equal in both by a lot drawn in public before the count. The count refuses to run while such
projects exist without a recorded draw, so no tie is ever broken silently."""

from __future__ import annotations

import io
import json
import secrets
import zipfile
import zlib
from collections import Counter
from functools import lru_cache
from itertools import groupby
from typing import Any

from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import User
from budgeting.rules import (
    Ballot as RulesBallot,
)
from budgeting.rules import (
    Election,
    Project,
    RulesError,
    TieBreak,
    count,
    read_pb,
    write_pb,
)

from .models import Ballot, Proposal, Result, Round
from .services import BudgetingError

VOTE_TYPE = {"approval": "approval", "knapsack": "approval", "points": "cumulative"}
VOTE_TYPE["ranking"] = "ordinal"


def latest_result(round_: Round) -> Result | None:
    return db.session.scalar(
        select(Result).where(Result.round_id == round_.id).order_by(Result.id.desc()).limit(1)
    )


def _ballots(round_: Round) -> list[Ballot]:
    return list(
        db.session.scalars(select(Ballot).where(Ballot.round_id == round_.id).order_by(Ballot.id))
    )


def vote_counts(round_: Round) -> Counter[int]:
    """How many ballots list each proposal."""
    return Counter(pid for ballot in _ballots(round_) for pid in ballot.projects)


def possible_ties(round_: Round) -> list[list[Proposal]]:
    """Groups of accepted proposals the published tie rule cannot tell apart: same cost and
    the same number of votes. Only a drawn lot can order them."""
    votes = vote_counts(round_)

    def key(p: Proposal) -> tuple[int, int]:
        return (p.cost, -votes[p.id])

    ordered = sorted(round_.accepted, key=key)
    return [group for _, g in groupby(ordered, key=key) if len(group := list(g)) > 1]


def undrawn_ties(round_: Round) -> list[list[Proposal]]:
    drawn = set(round_.tie_order or [])
    return [g for g in possible_ties(round_) if not all(p.id in drawn for p in g)]


def record_tie_order(round_: Round, order: list[int], note: str, actor: User | None) -> None:
    """Record the order in which tied projects were drawn in public (e.g. lots from a hat)."""
    if round_.phase != "closed":
        raise BudgetingError("tie.not_closed")
    accepted = {p.id for p in round_.accepted}
    if not order or len(set(order)) != len(order) or not set(order) <= accepted:
        raise BudgetingError("tie.bad_order")
    needed = {p.id for g in possible_ties(round_) for p in g}
    if not needed <= set(order):
        raise BudgetingError("tie.incomplete")
    round_.tie_order = list(order)
    round_.tie_note = (note or "").strip()
    audit.record("round.tie_order", round_, actor=actor, order=list(order), note=round_.tie_note)


def tie_break(round_: Round) -> TieBreak:
    """Lowest cost, then most votes, then the drawn lot, as one explicit order for the rules."""
    votes = vote_counts(round_)
    drawn = {pid: i for i, pid in enumerate(round_.tie_order or [])}
    order = sorted(round_.accepted, key=lambda p: (p.cost, -votes[p.id], drawn.get(p.id, 0), p.id))
    return TieBreak.by_order([str(p.id) for p in order])


def build_election(round_: Round) -> tuple[Election, dict[str, str]]:
    """The round as a pabulib election with anonymous voter ids in random order, and the
    private map from voter-code id to anonymous id."""
    projects = [
        Project(str(p.id), p.cost, name=p.title, meta=_project_meta(p)) for p in round_.accepted
    ]
    ballots = _ballots(round_)
    secrets.SystemRandom().shuffle(ballots)  # the order of voting must not be recoverable
    keys: dict[str, str] = {}
    rules_ballots = []
    for number, ballot in enumerate(ballots, start=1):
        keys[str(ballot.voter_code_id)] = str(number)
        rules_ballots.append(
            RulesBallot(
                str(number),
                tuple(str(pid) for pid in ballot.projects),
                None if ballot.points is None else tuple(ballot.points),
                meta={"voting_method": "internet" if ballot.method == "online" else "paper"},
            )
        )
    election = Election(
        round_.budget, projects, rules_ballots, VOTE_TYPE[round_.ballot_type], _meta(round_)
    )
    return election, keys


def _project_meta(p: Proposal) -> dict[str, str]:
    return {
        "category": p.applicant_type or "",
        "subunit": p.neighbourhood.name if p.neighbourhood else "",
    }


def _meta(round_: Round) -> dict[str, str]:
    meta = {
        "description": round_.title,
        "country": "Norway",
        "unit": "Trondheim",
        "instance": str(round_.year or ""),
        "currency": round_.currency,
        "rule": round_.rule_variant,
        "ballot_type": round_.ballot_type,
    }
    if round_.neighbourhood is not None:
        meta["subunit"] = round_.neighbourhood.name
    limits = {
        "min_length": round_.min_projects,
        "max_length": round_.max_projects,
        "max_sum_points": round_.max_points if round_.ballot_type == "points" else None,
        "max_sum_cost": round_.max_cost if round_.ballot_type == "knapsack" else None,
    }
    meta.update({k: str(v) for k, v in limits.items() if v is not None})
    return meta


def count_round(round_: Round, actor: User | None = None) -> Result:
    """Count the closed round with its rule; stored and audited in the caller's transaction."""
    if round_.phase != "closed":
        raise BudgetingError("count.not_closed")
    if round_.paper_needs_confirmation and any(
        b.method == "paper" and b.confirmed_at is None for b in _ballots(round_)
    ):
        raise BudgetingError("count.unconfirmed_paper")
    ties = undrawn_ties(round_)
    if ties:
        raise BudgetingError("count.tie_order_needed", groups=[[p.id for p in g] for g in ties])
    election, keys = build_election(round_)
    election.validate(strict=True)
    tie = tie_break(round_)
    outcome = count(election, round_.rule_variant, tie)
    result = Result(
        round_id=round_.id,
        method="count",
        variant=round_.rule_variant,
        winners=[int(pid) for pid in outcome.winners],
        total_cost=int(outcome.total_cost),
        num_ballots=len(election.ballots),
        summary={**outcome.summary(), "tie_order": list(tie.order)},
        projects={p.id: outcome.explain_project(p.id) for p in election.projects},
        pb_text=write_pb(election),
        voter_keys=keys,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(result)
    db.session.flush()
    audit.record(
        "round.counted",
        round_,
        actor=actor,
        result=result.id,
        variant=result.variant,
        winners=result.winners,
        ballots=result.num_ballots,
    )
    return result


def record_agreement(
    round_: Round,
    funded: list[int],
    support: dict[int, int],
    note: str,
    actor: User | None = None,
) -> Result:
    """A youth group decided together: record what was agreed and each idea's support."""
    if round_.kind != "youth":
        raise BudgetingError("agreement.not_a_group")
    if round_.phase not in ("voting", "closed"):
        raise BudgetingError("agreement.phase")
    note = (note or "").strip()
    if not note:
        raise BudgetingError("agreement.note_needed")
    ideas = {p.id: p for p in round_.accepted}
    if not funded or not set(funded) <= set(ideas):
        raise BudgetingError("agreement.nothing_funded")
    total = sum(ideas[pid].cost for pid in funded)
    if total > round_.budget:
        raise BudgetingError("agreement.over_budget", total=total, budget=round_.budget)
    result = Result(
        round_id=round_.id,
        method="agreement",
        variant="agreement",
        winners=list(funded),
        total_cost=total,
        projects={
            str(pid): {"support": max(int(support.get(pid, 0)), 0), "selected": pid in funded}
            for pid in ideas
        },
        note=note,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(result)
    db.session.flush()
    audit.record("round.agreement", round_, actor=actor, result=result.id, winners=funded)
    return result


# --- Explanations --------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _recounted(result_id: int, pb_text: str, variant: str, order: tuple[str, ...]):
    # Explaining one voter needs the full count; small rounds recount in milliseconds, and the
    # cache keeps it to one count per result and process.
    return count(read_pb(pb_text), variant, TieBreak.by_order(order))


def explain_for_code(result: Result, voter_code_id: int) -> dict[str, Any] | None:
    """The per-voter explanation from ``budgeting.rules`` for a code that voted, else None."""
    anon = result.voter_keys.get(str(voter_code_id))
    if result.method != "count" or anon is None:
        return None
    outcome = _recounted(
        result.id, result.pb_text, result.variant, tuple(result.summary.get("tie_order", ()))
    )
    return outcome.explain_voter(anon)


# --- Bundle --------------------------------------------------------------------------------


def result_json(round_: Round, result: Result) -> dict[str, Any]:
    return {
        "round": round_.title,
        "budget": round_.budget,
        "currency": round_.currency,
        "variant": result.variant,
        "tie_break": "order:" + ",".join(result.summary.get("tie_order", [])),
        "tie_note": round_.tie_note,
        "winners": [str(pid) for pid in result.winners],
        "total_cost": result.total_cost,
        "ballots": result.num_ballots,
        "summary": result.summary,
        "projects": result.projects,
        "counted_at": result.created_at.isoformat(timespec="seconds"),
    }


README = """Tinget results bundle

ballots.pb   the anonymised ballots (pabulib .pb format, https://pabulib.org/format)
result.json  the rule variant, the tie order and the winners

Recount with Tinget's engine:
  python -m budgeting.rules ballots.pb --variant {variant} --tie-break "{tie}"
or with pabutools (https://pypi.org/project/pabutools/).
"""


def export_bundle(round_: Round, result: Result) -> bytes:
    """A zip with the anonymised ballots as .pb, the result JSON and how to recount."""
    if result.method != "count":
        raise BudgetingError("bundle.no_ballots")
    data = result_json(round_, result)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ballots.pb", result.pb_text)
        archive.writestr("result.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("README.txt", README.format(variant=result.variant, tie=data["tie_break"]))
    return buffer.getvalue()


MAX_UNPACKED_BYTES = 64 * 1024 * 1024


def read_upload(data: bytes) -> tuple[Election, dict[str, Any] | None]:
    """A .pb file, or a results bundle (zip with ballots.pb and result.json)."""
    try:
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if "ballots.pb" not in names:
                    raise BudgetingError("import.no_pb")
                # A small zip can unpack to gigabytes: refuse before reading.
                if sum(archive.getinfo(n).file_size for n in names) > MAX_UNPACKED_BYTES:
                    raise BudgetingError("import.bad_zip")
                expected = (
                    json.loads(archive.read("result.json")) if "result.json" in names else None
                )
                if expected is not None and not isinstance(expected, dict):
                    raise BudgetingError("import.bad_json")
                return read_pb(archive.read("ballots.pb")), expected
        return read_pb(data), None
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error):
        # corrupt, encrypted or of a compression method Python does not read
        raise BudgetingError("import.bad_zip") from None
    except (ValueError, KeyError):
        raise BudgetingError("import.bad_json") from None
    except RulesError as error:
        raise BudgetingError(
            "import.pb_error", line=error.params.get("line"), detail=error.message
        ) from None


def count_upload(data: bytes, variant: str | None = None) -> dict[str, Any]:
    """Count an uploaded .pb (election held elsewhere) or recount a bundle. With a bundle, the
    bundle's variant and tie order are used and the winners compared with the published ones."""
    election, expected = read_upload(data)
    tie = TieBreak.by_id()
    if expected is not None:
        variant = variant or expected.get("variant")
        text = str(expected.get("tie_break", ""))
        if text.startswith("order:"):
            tie = TieBreak.by_order([t for t in text[6:].split(",") if t])
    variant = variant or election.meta.get("rule") or "greedy_cost"
    if not isinstance(variant, str):  # result.json is the uploader's: any JSON value
        raise BudgetingError("import.bad_json")
    try:
        outcome = count(election, variant, tie)
    except RulesError as error:
        raise BudgetingError("import.count_error", detail=error.message) from None
    names = {p.id: p.name or p.id for p in election.projects}
    return {
        "variant": variant,
        "description": election.meta.get("description", ""),
        "budget": int(election.budget),
        "ballots": len(election.ballots),
        "winners": [(pid, names[pid]) for pid in outcome.winners],
        "total_cost": int(outcome.total_cost),
        "projects": [
            outcome.explain_project(p.id) | {"name": names[p.id]} for p in election.projects
        ],
        "expected": None if expected is None else expected.get("winners"),
        "matches": None if expected is None else outcome.winners == expected.get("winners"),
    }
