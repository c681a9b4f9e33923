"""Tinget's two-stage lottery engine (numpy/scipy only, no web framework).

* :mod:`sampling.stage1` — which households get an invitation letter;
* :mod:`sampling.stage2` — fair panel selection (LEXIMIN, MAXIMIN, LEGACY) and replacements;
* :mod:`sampling.lottery` — committed uniform lottery and seeded draw;
* :mod:`sampling.diagnosis` — infeasible quotas, conflicting sets, relaxations;
* :mod:`sampling.formats` — readers for the paper, Sortition Foundation and OpenDLP formats.
"""
