"""LEXIMIN and MAXIMIN on HiGHS: known instances, brute force, the reference library."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sampling.model import Pool, Quota, Volunteer
from sampling.stage2 import select_probabilities
from tests.sampling.conftest import HOUSEHOLD
from tests.sampling.helpers import brute_force_leximin, feasible_panels, panel_meets_quotas
from tests.sampling.reference import reference_leximin, reference_leximin_pinned


def test_example_small_20_gives_every_respondent_a_tenth(example_small):
    result = select_probabilities(example_small.pool, example_small.quotas, 20)
    assert len(result.probabilities) == 200
    assert all(p == pytest.approx(0.1, abs=1e-9) for p in result.probabilities.values())


def test_sa_fixture_22_minimum_is_one_eleventh(sa_leximin):
    assert sa_leximin.min_probability == pytest.approx(0.0909, abs=1e-4)
    assert sa_leximin.min_probability == pytest.approx(1 / 11, abs=1e-8)


def test_marginals_sum_to_the_panel_size(sa_leximin):
    assert sum(sa_leximin.probabilities.values()) == pytest.approx(22, abs=1e-7)


def test_weights_form_a_distribution_and_every_panel_meets_all_quotas(sa_leximin, sa_fixture):
    weights = [p.weight for p in sa_leximin.panels]
    assert sum(weights) == pytest.approx(1.0, abs=1e-9) and min(weights) > 0
    for panel in sa_leximin.panels:
        ids = [
            t.members[j]
            for t, c in zip(sa_leximin.types, panel.counts, strict=True)
            for j in range(c)
        ]
        assert panel_meets_quotas(ids, sa_fixture.pool, sa_fixture.quotas, 22)


def test_marginals_are_the_weighted_panel_shares(sa_leximin):
    recomputed = {}
    for t in sa_leximin.types:
        index = sa_leximin.types.index(t)
        share = sum(p.weight * p.counts[index] for p in sa_leximin.panels) / len(t.members)
        for i in t.members:
            recomputed[i] = share
    for i, p in sa_leximin.probabilities.items():
        assert recomputed[i] == pytest.approx(p, abs=1e-9)


def test_interchangeable_volunteers_get_equal_probability(sa_leximin):
    for t in sa_leximin.types:
        probs = [sa_leximin.probabilities[i] for i in t.members]
        assert max(probs) - min(probs) < 1e-12


def test_leximin_minimum_is_at_least_maximin_which_is_at_least_legacy(sa_fixture, sa_leximin):
    maximin = select_probabilities(sa_fixture.pool, sa_fixture.quotas, 22, "maximin")
    legacy = select_probabilities(sa_fixture.pool, sa_fixture.quotas, 22, "legacy", legacy_runs=200)
    assert sa_leximin.min_probability >= maximin.min_probability - 1e-9
    assert maximin.min_probability >= legacy.min_probability
    assert legacy.min_probability < 0.08  # the old greedy is visibly less fair here
    assert sum(legacy.probabilities.values()) == pytest.approx(22)


def _sorted_probs(result, pool):
    return np.sort([result.probabilities[i] for i in pool.ids])


def _reference_sorted(instance, k):
    from sortition_algorithms.utils import set_random_provider

    set_random_provider(20260714)
    reference, _ = reference_leximin(instance.pool, instance.quotas, k)
    return np.sort([reference[i] for i in instance.pool.ids])


def test_agrees_with_sortition_algorithms_leximin_on_example_small_20(example_small):
    ours = select_probabilities(example_small.pool, example_small.quotas, 20)
    theirs = _reference_sorted(example_small, 20)
    assert np.abs(_sorted_probs(ours, example_small.pool) - theirs).max() < 1e-5


def test_agrees_with_sortition_algorithms_leximin_on_sa_fixture_22(
    sa_fixture, sa_leximin, data_dir
):
    """The reference prices with EPS = 5e-4 and a barrier LP without crossover, so its upper
    levels wander with the hash seed (seen: from 6e-6 up to 7e-2). It runs here in a fresh
    interpreter with a pinned hash seed. We require the same minimum within 1e-5 and that, at
    the first level where the two differ, ours is the higher one (the reference is then
    lexicographically worse)."""
    d = data_dir / "sa_fixture_22"
    reference = reference_leximin_pinned(
        str(d / "features.csv"), str(d / "candidates.csv"), 22, HOUSEHOLD
    )
    ours = _sorted_probs(sa_leximin, sa_fixture.pool)
    theirs = np.sort([reference[i] for i in sa_fixture.pool.ids])
    assert abs(ours[0] - theirs[0]) < 1e-5
    differ = np.flatnonzero(np.abs(ours - theirs) > 1e-9)
    assert differ.size == 0 or ours[differ[0]] > theirs[differ[0]]


@st.composite
def tiny_instances(draw):
    n = draw(st.integers(4, 9))
    k = draw(st.integers(2, min(4, n - 1)))
    n_cats = draw(st.integers(1, 3))
    values = [draw(st.integers(2, 3)) for _ in range(n_cats)]
    people = []
    for i in range(n):
        features = {f"c{c}": f"v{draw(st.integers(0, values[c] - 1))}" for c in range(n_cats)}
        house = draw(st.sampled_from([None, None, ("h1",), ("h2",)]))
        people.append(Volunteer(str(i), features, house))
    quotas = []
    for c in range(n_cats):
        for v in range(values[c]):
            lo = draw(st.integers(0, 1))
            quotas.append(Quota(f"c{c}", f"v{v}", lo, lo + draw(st.integers(0, k))))
    return Pool(tuple(people)), quotas, k


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_instances())
def test_leximin_equals_brute_force_leximin_on_tiny_instances(instance):
    pool, quotas, k = instance
    panels = feasible_panels(pool, quotas, k)
    if not panels:
        return  # infeasible instances are covered by the diagnosis tests
    expected = brute_force_leximin(len(pool), panels)
    result = select_probabilities(pool, quotas, k, explain=False)
    got = np.array([result.probabilities[i] for i in pool.ids])
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert got.sum() == pytest.approx(k)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_instances())
def test_maximin_reaches_the_largest_possible_minimum_on_tiny_instances(instance):
    pool, quotas, k = instance
    panels = feasible_panels(pool, quotas, k)
    if not panels:
        return
    best_minimum = brute_force_leximin(len(pool), panels).min()
    result = select_probabilities(pool, quotas, k, "maximin", explain=False)
    got = np.array([result.probabilities[i] for i in pool.ids])
    assert got.min() == pytest.approx(best_minimum, abs=1e-6)
    assert got.sum() == pytest.approx(k)
    for panel in result.panels:
        ids = [
            t.members[j] for t, c in zip(result.types, panel.counts, strict=True) for j in range(c)
        ]
        assert panel_meets_quotas(ids, pool, quotas, k)


def test_leximin_falls_back_to_exact_stages_when_fractional_panels_beat_real_ones():
    """Three people who pairwise share a category capped at one, plus a filler, panel of 2:
    half a panel of each pair is fractionally feasible (everyone 1/2), but every real panel is
    one of the three with the filler, so the LEXIMIN is 1/3 each and the filler always."""
    profiles = {
        "p12": ("yes", "yes", "no"),
        "p23": ("no", "yes", "yes"),
        "p13": ("yes", "no", "yes"),
        "filler": ("no", "no", "no"),
    }
    pool = Pool(
        tuple(
            Volunteer(i, {f"c{c}": v for c, v in enumerate(values)})
            for i, values in profiles.items()
        )
    )
    quotas = [Quota(f"c{c}", v, 0, 1 if v == "yes" else 2) for c in range(3) for v in ("yes", "no")]
    result = select_probabilities(pool, quotas, 2)
    assert result.report.detail["fallback"]
    expected = brute_force_leximin(4, feasible_panels(pool, quotas, 2))
    got = np.array([result.probabilities[i] for i in pool.ids])
    np.testing.assert_allclose(got, expected, atol=1e-9)
    np.testing.assert_allclose(got, [1 / 3, 1 / 3, 1 / 3, 1.0], atol=1e-9)


def test_leximin_reaches_the_fractional_target_with_real_panels_on_sa_fixture_22(sa_leximin):
    assert not sa_leximin.report.detail["fallback"]
    assert sa_leximin.report.support <= sa_leximin.report.types + 1


def test_peeling_splits_the_fractional_target_into_real_panels_without_column_generation(
    sa_leximin,
):
    detail = sa_leximin.report.detail
    assert detail["peel_rest"] <= 1e-10
    assert detail["milp_columns"] == 0 and detail["heuristic_columns"] == 0
    assert detail["peel_panels"] <= sa_leximin.report.types + 1
