"""Fixtures for the sampling tests: the shared data sets and cached selections."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sampling.formats import Instance, read_instance
from sampling.stage2 import SelectionResult, select_probabilities


def _data_dir() -> Path:
    """The shared data beside the checkout (../shared/data/sortition), or beside the parent
    of a git worktree (worktrees live one level deeper); override with an env var."""
    if os.environ.get("TINGET_SORTITION_DATA"):
        return Path(os.environ["TINGET_SORTITION_DATA"])
    for parent in Path(__file__).resolve().parents[2:]:
        if (parent / "shared" / "data" / "sortition").is_dir():
            return parent / "shared" / "data" / "sortition"
    return Path(__file__).resolve().parents[3] / "shared" / "data" / "sortition"


DATA = _data_dir()
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
