"""Infeasible quotas are never relaxed silently; extremes are reported with reasons."""

from __future__ import annotations

import dataclasses
import json

import pytest

from sampling.cli import main
from sampling.diagnosis import is_feasible
from sampling.errors import QuotaInfeasible
from sampling.model import Pool, Quota, Volunteer
from sampling.stage2 import select_probabilities


def _apply(quotas, relaxation):
    out = []
    for q in quotas:
        for r in relaxation:
            if (r.category, r.value) == (q.category, q.value):
                q = dataclasses.replace(q, **{r.side: r.proposed})
        out.append(q)
    return out


def test_infeasible_quotas_raise_a_typed_error_naming_a_minimal_conflict(opendlp_docs):
    with pytest.raises(QuotaInfeasible) as excinfo:
        select_probabilities(opendlp_docs.pool, opendlp_docs.quotas, 18)
    error = excinfo.value
    assert error.code == "quota.infeasible"
    named = {(b.category, b.value, b.side) for b in error.conflicting}
    assert named == {("disability", "Yes", "min"), ("disability", "No", "min")}
    assert "disability=No min 16" in error.message


def test_smallest_relaxation_makes_the_quotas_feasible(opendlp_docs):
    with pytest.raises(QuotaInfeasible) as excinfo:
        select_probabilities(opendlp_docs.pool, opendlp_docs.quotas, 22)
    relaxation = excinfo.value.relaxation
    assert [(r.category, r.value, r.side, r.current, r.proposed) for r in relaxation] == [
        ("disability", "Yes", "max", 4, 6)
    ]
    relaxed = _apply(opendlp_docs.quotas, relaxation)
    assert is_feasible(opendlp_docs.pool, relaxed, 22)


def test_conflict_across_categories_is_minimal():
    people = [("yf", 1), ("ym", 5), ("of", 6)]
    pool = Pool(
        tuple(
            Volunteer(
                f"{kind}{i}",
                {
                    "gender": "F" if kind[1] == "f" else "M",
                    "age": "young" if kind[0] == "y" else "old",
                },
            )
            for kind, count in people
            for i in range(count)
        )
    )
    quotas = [
        Quota("gender", "F", 5, 6),
        Quota("gender", "M", 0, 6),
        Quota("age", "young", 3, 6),
        Quota("age", "old", 0, 6),
    ]
    with pytest.raises(QuotaInfeasible) as excinfo:
        select_probabilities(pool, quotas, 6)
    named = {(b.category, b.value, b.side, b.bound) for b in excinfo.value.conflicting}
    assert named == {("gender", "F", "min", 5), ("age", "young", "min", 3)}
    assert "gender=F min 5" in excinfo.value.message
    # dropping either named bound makes the quotas feasible again
    assert is_feasible(pool, [quotas[0].__class__("gender", "F", 0, 6), *quotas[1:]], 6)
    assert is_feasible(pool, [*quotas[:2], Quota("age", "young", 0, 6), quotas[3]], 6)


def test_opendlp_docs_example_reports_never_and_always_selected(opendlp_leximin):
    assert len(opendlp_leximin.never_selected) == 29
    assert len(opendlp_leximin.always_selected) == 11
    assert opendlp_leximin.min_probability == 0.0
    for note in opendlp_leximin.never_selected:
        assert opendlp_leximin.probabilities[note.id] < 1e-7 and note.reason
    forced = [n for n in opendlp_leximin.always_selected if n.bounds]
    assert forced and all("every feasible panel" in n.reason for n in forced)


def test_cli_diagnose_prints_the_conflict(data_dir, capsys):
    d = data_dir / "opendlp_docs_example_20"
    code = main(
        [
            "diagnose",
            "--features",
            str(d / "Categories_csv_example.csv"),
            "--people",
            str(d / "Respondents_csv_example.csv"),
            "--panel-size",
            "18",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["feasible"] is False
    assert {c["value"] for c in out["conflicting"]} == {"Yes", "No"}


def test_cli_probabilities_on_infeasible_quotas_exits_2_with_the_code(data_dir, capsys):
    d = data_dir / "opendlp_docs_example_20"
    code = main(
        [
            "probabilities",
            "--features",
            str(d / "Categories_csv_example.csv"),
            "--people",
            str(d / "Respondents_csv_example.csv"),
            "--panel-size",
            "22",
        ]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 2 and out["error"] == "quota.infeasible" and out["relaxation"]
