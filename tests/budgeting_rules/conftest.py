"""Fixtures for the PB rules tests: shared pabulib files and reference outcomes."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from budgeting.rules.election import Election
from budgeting.rules.pb import read_pb

# Unchanged copies of ../shared/data live in tests/data so a clean clone can run the checks.
DATA = Path(__file__).resolve().parents[1] / "data" / "pabulib"

REFERENCE_ROWS = [
    json.loads(line)
    for line in (DATA / "reference-outcomes.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


@cache
def election_from_data(name: str) -> Election:
    """A shared pabulib file, read once per test session."""
    return read_pb(DATA / name)


@pytest.fixture
def data_dir() -> Path:
    return DATA
