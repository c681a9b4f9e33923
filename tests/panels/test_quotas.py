"""Quotas suggested from population shares."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from panels.quotas import QuotaShareError, apportion, quotas_from_shares


def test_rounding_keeps_the_panel_size_exact():
    # 30 × (1/3, 1/3, 1/3) would round every value to 10; 31 forces one value up.
    assert sum(apportion({"a": 1, "b": 1, "c": 1}, 31).values()) == 31


def test_largest_remainder_gets_the_extra_seat():
    assert apportion({"female": 0.51, "male": 0.47, "other": 0.02}, 20) == {
        "female": 10,
        "male": 10,
        "other": 0,
    }
    # 24 × (0.51, 0.47, 0.02) = 12.24, 11.28, 0.48 → floors 12+11+0 = 23; 0.48 is largest.
    assert apportion({"female": 0.51, "male": 0.47, "other": 0.02}, 24) == {
        "female": 12,
        "male": 11,
        "other": 1,
    }


def test_counts_work_as_well_as_proportions():
    assert apportion({"16-29": 3200, "30-59": 4800, "60+": 2000}, 20) == {
        "16-29": 6,
        "30-59": 10,
        "60+": 4,
    }


def test_ties_are_broken_by_the_order_the_facilitator_gave():
    assert apportion({"x": 1, "y": 1}, 1) == {"x": 1, "y": 0}
    assert apportion({"y": 1, "x": 1}, 1) == {"y": 1, "x": 0}


def test_suggested_bands_surround_the_target_and_stay_within_the_panel():
    quotas = quotas_from_shares({"gender": {"female": 0.5, "male": 0.5}}, 10, tolerance=1)
    assert [(q.value, q.target, q.min, q.max) for q in quotas] == [
        ("female", 5, 4, 6),
        ("male", 5, 4, 6),
    ]
    tiny = quotas_from_shares({"area": {"Buran": 0.02, "Lilleby": 0.98}}, 10, tolerance=2)
    assert [(q.min, q.max) for q in tiny] == [(0, 2), (8, 10)]


@pytest.mark.parametrize(
    ("shares", "code"),
    [
        ({}, "quota.no_values"),
        ({"a": 0, "b": 0}, "quota.shares_all_zero"),
        ({"a": -1, "b": 2}, "quota.share_not_a_proportion"),
        ({"a": float("nan")}, "quota.share_not_a_proportion"),
    ],
)
def test_unusable_shares_raise_a_coded_error(shares, code):
    with pytest.raises(QuotaShareError) as error:
        apportion(shares, 10)
    assert error.value.code == code


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=3), st.integers(0, 1000), min_size=1, max_size=8
    ).filter(lambda d: sum(d.values()) > 0),
    st.integers(0, 300),
)
def test_apportionment_sums_to_the_seats_and_each_value_is_within_one_of_its_exact_share(
    shares, seats
):
    result = apportion(shares, seats)
    assert sum(result.values()) == seats
    total = sum(shares.values())
    for value, count in result.items():
        assert abs(count - shares[value] / total * seats) < 1
