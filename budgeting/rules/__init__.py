"""Participatory-budgeting counting engine: pabulib I/O, rules, explanations.

Pure Python (numpy and exact ``fractions``); no Flask, no database. Results are identical to
pabutools 1.2.3 for the variants it implements (checked in ``tests/budgeting_rules``).

Public API (stable names for the web layer)::

    from budgeting.rules import Ballot, Election, Project, TieBreak, count, read_pb, write_pb

    election = read_pb("file.pb")            # or read_pb(text); or Election(...) in memory
    result = count(election, "mes_cost_add1+greedy", tie_break=TieBreak.by_id())
    result.winners                           # project ids in selection order
    result.total_cost                        # exact Fraction (format_amount() for text)
    result.variant                           # dict naming rule, satisfaction, completion, …
    result.explain_voter("v17")              # plain data: share, payments, lost projects
    result.explain_project("p3")             # plain data: votes, price, effective support, …

- :mod:`budgeting.rules.pb` — ``read_pb(path_or_text, strict=False) -> Election``,
  ``write_pb(election) -> str``; errors are :class:`PbFormatError` (``code``, ``line``, ``field``).
- :mod:`budgeting.rules.election` — dataclasses ``Election``, ``Project``, ``Ballot``;
  ``Election.validate()`` runs the pabulib checks on an in-memory election.
- :mod:`budgeting.rules.variants` — ``Variant`` and ``VARIANTS`` (greedy_cost, greedy_card,
  greedy_points, greedy_borda, mes_cost, mes_points, mes_borda, mes_*+greedy, mes_cost_add1,
  mes_cost_add1+greedy, mes_cost_add1_integral[+greedy], phragmen, greedy_cost_noskip).
- :mod:`budgeting.rules.tiebreak` — ``TieBreak`` (id as text, explicit order, min_cost,
  max_votes, refuse → :class:`TieRefused` naming the tied projects).
- :mod:`budgeting.rules.counting` — ``count`` and ``Result``.
- :mod:`budgeting.rules.explain` — the explanation functions behind ``Result.explain_*``.
- Command line: ``python -m budgeting.rules FILE.pb --variant V`` (see ``__main__``).

All errors derive from :class:`RulesError` and carry ``code`` and ``params``.
"""

from .counting import Result, count
from .election import Ballot, Election, Project, format_amount
from .errors import PbFormatError, RulesError, TieRefused, VariantError
from .pb import read_pb, write_pb
from .tiebreak import TieBreak
from .variants import VARIANTS, Variant

__all__ = [
    "VARIANTS",
    "Ballot",
    "Election",
    "PbFormatError",
    "Project",
    "Result",
    "RulesError",
    "TieBreak",
    "TieRefused",
    "Variant",
    "VariantError",
    "count",
    "format_amount",
    "read_pb",
    "write_pb",
]
