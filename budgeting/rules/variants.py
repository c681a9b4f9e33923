"""Rule variants: what exactly is counted, named so that every result says which rule ran.

A :class:`Variant` fixes the rule (greedy, Method of Equal Shares, sequential Phragmén), the
satisfaction measure, the completion, the endowment start and increment, and the greedy walk.
``VARIANTS`` maps the command-line names (each equal to a pabutools 1.2.3 call) to variants.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .errors import VariantError

RULES = ("greedy", "mes", "phragmen")
COMPLETIONS = ("none", "greedy", "add1", "add1+greedy", "add1_integral", "add1_integral+greedy")


@dataclass(frozen=True)
class Variant:
    """One precisely defined counting rule.

    - ``rule``: ``greedy`` | ``mes`` | ``phragmen``.
    - ``satisfaction``: ``cost`` | ``cardinality`` | ``points`` | ``borda``.
    - ``completion`` (MES only): ``none``; ``greedy`` (fill up by greedy with cost utilities);
      ``add1`` (rerun MES with endowment B/n + k·increment, k = 0, 1, …, until the outcome is
      exhaustive among MES-eligible projects, or return the previous outcome if one overspends —
      pabutools ``voter_budget_increment``); ``add1_integral`` (start at ⌊B/n⌋, raise by the
      increment while the next outcome still fits the budget); ``…+greedy`` adds a greedy fill-up
      with the same satisfaction measure (pabutools ``completion_by_rule_combination``).
    - ``skip`` (greedy): skip projects that do not fit (True) or stop at the first (False).
    - ``threshold`` (greedy): minimum number of votes a project needs.
    """

    rule: str
    satisfaction: str = "cost"
    completion: str = "none"
    increment: Fraction = Fraction(1)
    skip: bool = True
    threshold: int | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise VariantError("variant.unknown_rule", f"unknown rule {self.rule!r}")
        if self.completion not in COMPLETIONS:
            raise VariantError(
                "variant.unknown_completion", f"unknown completion {self.completion!r}"
            )
        if self.completion != "none" and self.rule != "mes":
            raise VariantError("variant.bad_completion", "completions apply to MES only")
        if Fraction(self.increment) <= 0:
            raise VariantError("variant.bad_increment", "endowment increment must be positive")

    @property
    def add1(self) -> bool:
        return self.completion.startswith("add1")

    @property
    def greedy_fill(self) -> bool:
        return self.completion == "greedy" or self.completion.endswith("+greedy")

    def describe(self) -> dict[str, Any]:
        """Plain data naming every choice (``start``/``increment`` only for Add1)."""
        out: dict[str, Any] = {
            "name": self.name or None,
            "rule": self.rule,
            "satisfaction": self.satisfaction,
            "completion": self.completion,
            "arithmetic": "exact fractions",
        }
        if self.add1:
            out["endowment_start"] = "floor(B/n)" if "integral" in self.completion else "B/n"
            out["endowment_increment"] = str(self.increment)
            out["stop"] = (
                "last endowment whose outcome fits the budget"
                if "integral" in self.completion
                else "first outcome exhaustive among eligible projects (previous if over budget)"
            )
        if self.rule == "greedy":
            out["walk"] = "skip projects that do not fit" if self.skip else "stop at first misfit"
            out["threshold"] = self.threshold
        return out


def _v(name: str, rule: str, sat: str = "cost", completion: str = "none", **kw: Any) -> Variant:
    return Variant(rule, sat, completion, name=name, **kw)


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        _v("greedy_cost", "greedy", "cost"),
        _v("greedy_card", "greedy", "cardinality"),
        _v("greedy_points", "greedy", "points"),
        _v("greedy_borda", "greedy", "borda"),
        _v("greedy_cost_noskip", "greedy", "cost", skip=False),
        _v("mes_cost", "mes", "cost"),
        _v("mes_points", "mes", "points"),
        _v("mes_borda", "mes", "borda"),
        _v("mes_cost+greedy", "mes", "cost", "greedy"),
        _v("mes_points+greedy", "mes", "points", "greedy"),
        _v("mes_borda+greedy", "mes", "borda", "greedy"),
        _v("mes_cost_add1", "mes", "cost", "add1"),
        _v("mes_cost_add1+greedy", "mes", "cost", "add1+greedy"),
        _v("mes_cost_add1_integral", "mes", "cost", "add1_integral"),
        _v("mes_cost_add1_integral+greedy", "mes", "cost", "add1_integral+greedy"),
        _v("phragmen", "phragmen", "cardinality"),
    )
}


def get_variant(variant: str | Variant) -> Variant:
    """A Variant from its name (see ``VARIANTS``) or as given."""
    if isinstance(variant, Variant):
        return variant
    try:
        return VARIANTS[variant]
    except KeyError:
        raise VariantError(
            "variant.unknown", f"unknown variant {variant!r}", variant=str(variant)[:60]
        ) from None
