"""The committed uniform lottery and the seeded draw are reproducible and verifiable."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sampling.lottery import build_lottery, draw, verify
from sampling.stage2 import select_probabilities
from tests.sampling.helpers import panel_meets_quotas

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sa_lottery(sa_fixture, sa_leximin):
    return build_lottery(sa_leximin, sa_fixture.pool, sa_fixture.quotas, 1000)


def test_lottery_has_m_panels_that_all_meet_the_quotas(sa_lottery, sa_fixture):
    assert sa_lottery.size == 1000
    for panel in sa_lottery.panels:
        assert panel_meets_quotas(panel, sa_fixture.pool, sa_fixture.quotas, 22)


def test_lottery_probabilities_stay_close_to_the_fair_ones(sa_lottery, sa_leximin):
    assert sa_lottery.max_deviation < 0.01
    assert min(sa_lottery.probabilities.values()) >= sa_leximin.min_probability - 0.01


def test_commitment_is_the_sha256_of_the_published_payload(sa_lottery):
    assert sa_lottery.commitment == hashlib.sha256(sa_lottery.payload.encode()).hexdigest()
    assert verify(sa_lottery)
    body = json.loads(sa_lottery.payload)
    assert body["inputs"]["panel_size"] == 22 and len(body["lottery"]) == 1000


def test_commitment_changes_when_an_input_changes(sa_fixture, sa_leximin, sa_lottery):
    quotas = list(sa_fixture.quotas)
    changed = build_lottery(sa_leximin, sa_fixture.pool, quotas[:-1] + [quotas[-1]], 1000)
    assert changed.commitment == sa_lottery.commitment
    tweaked = quotas[-1].__class__(quotas[-1].category, quotas[-1].value, 2, 5)
    other = build_lottery(sa_leximin, sa_fixture.pool, quotas[:-1] + [tweaked], 1000)
    assert other.commitment != sa_lottery.commitment


def test_same_seed_gives_the_same_panel_and_seeds_spread_over_the_lottery(sa_lottery):
    first = draw(sa_lottery, "Lotto 2026-11-21: 3 14 15 92 65 35")
    again = draw(sa_lottery, "Lotto 2026-11-21: 3 14 15 92 65 35")
    assert first == again
    indices = {draw(sa_lottery, str(s)).index for s in range(20)}
    assert len(indices) > 15


def test_lottery_of_example_small_is_exactly_fair(example_small):
    result = select_probabilities(example_small.pool, example_small.quotas, 20)
    lottery = build_lottery(result, example_small.pool, example_small.quotas, 1000)
    assert set(lottery.probabilities.values()) == {0.1}


def _cli_draw(hash_seed: str, data_dir) -> dict:
    d = data_dir / "example_small_20"
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "sampling",
            "draw",
            "--features",
            str(d / "categories.csv"),
            "--people",
            str(d / "respondents.csv"),
            "--panel-size",
            "20",
            "--seed",
            "public-7731",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    return json.loads(out.stdout)


def test_draw_is_identical_in_fresh_processes_with_different_hash_seeds(data_dir):
    a = _cli_draw("1", data_dir)
    b = _cli_draw("4242", data_dir)
    assert a["commitment"] == b["commitment"]
    assert a["panel"] == b["panel"] and len(a["panel"]) == 20
