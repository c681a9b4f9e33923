"""Stage 1 invitations and replacement selection."""

from __future__ import annotations

import pytest
from scipy.stats import binom

from sampling.errors import SamplingError
from sampling.model import Pool, Quota, Volunteer
from sampling.stage1 import Household, draw_invitations, invitations_needed
from sampling.stage2 import select_replacements


def _register():
    return [Household(f"h{i}", f"street {i}", "north" if i % 3 else "south") for i in range(900)]


def test_invitations_meet_the_need_with_the_stated_probability_and_no_more():
    n = invitations_needed(20, 0.1, 0.95)
    assert binom.sf(19, n, 0.1) >= 0.95 > binom.sf(19, n - 1, 0.1)


def test_areas_that_answer_less_get_more_letters():
    draw = draw_invitations(
        _register(), {"north": 10, "south": 10}, {"north": 0.2, "south": 0.1}, "s3cret"
    )
    plans = {p.stratum: p for p in draw.plans}
    assert plans["south"].invitations > 1.8 * plans["north"].invitations
    assert all(p.probability_enough >= 0.95 for p in draw.plans)


def test_invitation_draw_is_reproducible_one_per_household_with_unique_tokens():
    a = draw_invitations(_register(), {"north": 10, "south": 10}, {}, "s3cret", default_rate=0.2)
    b = draw_invitations(_register(), {"north": 10, "south": 10}, {}, "s3cret", default_rate=0.2)
    c = draw_invitations(_register(), {"north": 10, "south": 10}, {}, "other", default_rate=0.2)
    assert a == b and a.invitations != c.invitations
    ids = [i.household_id for i in a.invitations]
    assert len(ids) == len(set(ids))
    assert len({i.token for i in a.invitations}) == len(ids)


def test_too_small_register_is_a_typed_error():
    with pytest.raises(SamplingError) as excinfo:
        draw_invitations(_register(), {"south": 100}, {"south": 0.1}, "s")
    assert excinfo.value.code == "stage1.register_too_small"


def _pool():
    people = []
    for i in range(24):
        people.append(
            Volunteer(
                f"v{i:02d}",
                {"g": "F" if i % 2 else "M", "a": "young" if i % 3 == 0 else "old"},
                household=(f"house{i // 2}",) if i >= 20 else None,
            )
        )
    return Pool(tuple(people))


QUOTAS = [
    Quota("g", "F", 3, 3),
    Quota("g", "M", 3, 3),
    Quota("a", "young", 2, 6),
    Quota("a", "old", 0, 6),
]


def test_replacements_use_residual_quotas_and_exclude_the_panel_and_housemates():
    pool = _pool()
    by_id = {v.id: v for v in pool.volunteers}
    panel = [by_id[i] for i in ("v00", "v01", "v03", "v05", "v06", "v20")]
    plan = select_replacements(pool, QUOTAS, 6, panel, dropped=["v00", "v01"])
    assert plan.needed == 2
    residual = {(q.category, q.value): (q.min, q.max) for q in plan.residual_quotas}
    # kept: v03 F young, v05 F old, v06 M young, v20 M old -> F 2, M 2, young 2
    assert residual[("g", "F")] == (1, 1) and residual[("g", "M")] == (1, 1)
    assert residual[("a", "young")] == (0, 4)
    candidates = {v.id for v in plan.candidates.volunteers}
    assert not candidates & {v.id for v in panel}
    assert "v21" not in candidates  # housemate of v20, who stays
    probs = plan.selection.probabilities
    assert sum(probs.values()) == pytest.approx(2)


def test_unknown_dropout_is_a_typed_error():
    pool = _pool()
    with pytest.raises(SamplingError) as excinfo:
        select_replacements(pool, QUOTAS, 6, list(pool.volunteers[:6]), dropped=["nobody"])
    assert excinfo.value.code == "replacement.unknown_member"
