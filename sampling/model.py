"""Plain data for stage 2: quotas, volunteers, the pool, and the instance built from them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Quota:
    """Bounds on how many panel members have ``category = value``.

    ``min_flex``/``max_flex`` bound how far a suggested relaxation may move ``min``/``max``
    (``min_flex <= min``, ``max_flex >= max``); ``None`` means "no limit".
    """

    category: str
    value: str
    min: int
    max: int
    min_flex: int | None = None
    max_flex: int | None = None


@dataclass(frozen=True, eq=False)
class Volunteer:
    """One person in the pool: an id, one value per quota category, an optional household."""

    id: str
    features: Mapping[str, str]
    household: tuple[str, ...] | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Pool:
    """The volunteers, in file order."""

    volunteers: tuple[Volunteer, ...]

    def __len__(self) -> int:
        return len(self.volunteers)

    @property
    def ids(self) -> list[str]:
        return [v.id for v in self.volunteers]


def categories_of(quotas: Sequence[Quota]) -> list[str]:
    """Categories in the order they first appear among the quotas."""
    seen: dict[str, None] = {}
    for q in quotas:
        seen.setdefault(q.category, None)
    return list(seen)


def household_key(values: Sequence[str]) -> tuple[str, ...] | None:
    """Normalised household key (trimmed, case-insensitive); ``None`` if all parts are blank."""
    key = tuple(" ".join(v.split()).casefold() for v in values)
    return key if any(key) else None
