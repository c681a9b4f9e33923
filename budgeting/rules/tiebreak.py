"""Tie rules: which of several exactly tied projects goes first.

- ``TieBreak.by_id()`` — project id compared as text (pabutools' ``lexico_tie_breaking``, the
  default): ``"10"`` comes before ``"9"``.
- ``TieBreak.by_order(ids)`` — an explicit order, e.g. drawn publicly before the count.
- ``TieBreak.min_cost()`` — lowest cost, then most votes, then id as text.
- ``TieBreak.max_votes()`` — most votes, then lowest cost, then id as text.
- ``TieBreak.refuse()`` — raise :class:`TieRefused` naming the tied projects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .errors import TieRefused, VariantError

MODES = ("id", "order", "min_cost", "max_votes", "refuse")


@dataclass(frozen=True)
class TieBreak:
    """A tie rule; ``order`` is only used by mode ``"order"``."""

    mode: str = "id"
    order: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise VariantError("variant.unknown_tie_rule", f"unknown tie rule {self.mode!r}")

    @classmethod
    def by_id(cls) -> TieBreak:
        return cls("id")

    @classmethod
    def by_order(cls, ids: Sequence[str]) -> TieBreak:
        return cls("order", tuple(ids))

    @classmethod
    def min_cost(cls) -> TieBreak:
        return cls("min_cost")

    @classmethod
    def max_votes(cls) -> TieBreak:
        return cls("max_votes")

    @classmethod
    def refuse(cls) -> TieBreak:
        return cls("refuse")

    def describe(self) -> str:
        """Short name used in variant descriptions."""
        return f"order:{','.join(self.order)}" if self.mode == "order" else self.mode

    def keys(
        self, ids: Sequence[str], costs: Sequence[Fraction], votes: Sequence[int]
    ) -> list[tuple]:
        """A sort key per project index: smaller key wins a tie."""
        if self.mode == "order":
            rank = {pid: i for i, pid in enumerate(self.order)}
            missing = [pid for pid in ids if pid not in rank]
            if missing:
                raise VariantError(
                    "variant.tie_order_incomplete",
                    f"tie order lacks projects {', '.join(missing[:10])}",
                    missing=missing,
                )
            return [(rank[pid],) for pid in ids]
        if self.mode == "min_cost":
            return [(c, -v, pid) for pid, c, v in zip(ids, costs, votes, strict=True)]
        if self.mode == "max_votes":
            return [(-v, c, pid) for pid, c, v in zip(ids, costs, votes, strict=True)]
        return [(pid,) for pid in ids]


class TieResolver:
    """A tie rule bound to one election's projects."""

    def __init__(
        self, rule: TieBreak, ids: Sequence[str], costs: Sequence[Fraction], votes: Sequence[int]
    ) -> None:
        self.rule = rule
        self.ids = list(ids)
        self.key = rule.keys(ids, costs, votes)

    @property
    def refuses(self) -> bool:
        return self.rule.mode == "refuse"

    def pick(self, tied: Sequence[int], stage: str) -> int:
        """The winning project index among exactly tied ``tied`` (refuse: raise if > 1)."""
        if len(tied) == 1:
            return tied[0]
        if self.refuses:
            raise TieRefused(sorted(self.ids[p] for p in tied), stage)
        return min(tied, key=lambda p: self.key[p])

    def sort(self, projects: Sequence[int]) -> list[int]:
        """Projects ordered by the tie rule (refuse: by id, callers check ties themselves)."""
        return sorted(projects, key=lambda p: self.key[p])
