"""Fixtures for the sampling tests: the shared data sets and cached selections."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sampling.formats import Instance, read_instance
from sampling.stage2 import SelectionResult, select_probabilities

# unchanged copies of ../shared/data/sortition live in tests/data; override with an env var
DATA = Path(
    os.environ.get(
        "TINGET_SORTITION_DATA",
        Path(__file__).resolve().parents[1] / "data" / "sortition",
    )
)
HOUSEHOLD = ("primary_address1", "primary_zip")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def example_small() -> Instance:
    d = DATA / "example_small_20"
    return read_instance(d / "categories.csv", d / "respondents.csv")


@pytest.fixture(scope="session")
def sa_fixture() -> Instance:
    d = DATA / "sa_fixture_22"
    return read_instance(d / "features.csv", d / "candidates.csv", household_columns=HOUSEHOLD)


@pytest.fixture(scope="session")
def opendlp_docs() -> Instance:
    d = DATA / "opendlp_docs_example_20"
    return read_instance(d / "Categories_csv_example.csv", d / "Respondents_csv_example.csv")


@pytest.fixture(scope="session")
def sa_leximin(sa_fixture: Instance) -> SelectionResult:
    return select_probabilities(sa_fixture.pool, sa_fixture.quotas, 22, "leximin")


@pytest.fixture(scope="session")
def opendlp_leximin(opendlp_docs: Instance) -> SelectionResult:
    return select_probabilities(opendlp_docs.pool, opendlp_docs.quotas, 20, "leximin")
