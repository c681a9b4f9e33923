"""Every reference outcome of pabutools 1.2.3 is reproduced: same winners, order and cost."""

from __future__ import annotations

import pytest

from budgeting.rules import count
from budgeting.rules.election import format_amount

from .conftest import REFERENCE_ROWS, election_from_data


@pytest.mark.parametrize(
    "row", REFERENCE_ROWS, ids=[f"{r['file'][:24]}-{r['variant']}" for r in REFERENCE_ROWS]
)
def test_count_matches_pabutools_reference(row: dict) -> None:
    result = count(election_from_data(row["file"]), row["variant"])
    assert result.winners == row["winners_in_order"]
    assert format_amount(result.total_cost) == row["total_cost"]
    assert result.variant["name"] == row["variant"]


def test_wieliczka_add1_with_integral_endowments_reproduces_official_outcome() -> None:
    election = election_from_data("Poland_Wieliczka_2023_Green_Budget.pb")
    official = sorted(p.id for p in election.projects if p.meta.get("selected") == "1")
    result = count(election, "mes_cost_add1_integral")
    assert sorted(result.winners) == official
    assert len(official) == 30 and format_amount(result.total_cost) == "995079"
    assert 306 <= result.endowment <= 315
    assert result.variant["endowment_start"] == "floor(B/n)"


@pytest.mark.parametrize("name", ["Netherlands_Assen_2024.pb", "Poland_Swiecie_2023.pb"])
def test_pabutools_add1_reproduces_official_outcome(name: str) -> None:
    election = election_from_data(name)
    official = sorted(p.id for p in election.projects if p.meta.get("selected") == "1")
    assert sorted(count(election, "mes_cost_add1").winners) == official


def test_phragmen_reports_winners_sorted_by_id_and_keeps_selection_order() -> None:
    result = count(election_from_data("Netherlands_Assen_2024.pb"), "phragmen")
    assert result.winners == sorted(result.winners)
    assert sorted(result.selection_order) == result.winners
    assert result.selection_order != result.winners
