"""Fuzzed .pb input gives an Election or a PbFormatError — never another exception."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budgeting.rules import Election, PbFormatError, read_pb, write_pb

from .strategies import elections
from .test_pb_format import GOOD

LINES = GOOD.splitlines()
# TINGET_FUZZ_EXAMPLES=5000 for a longer local run
FUZZ = settings(
    max_examples=int(os.environ.get("TINGET_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
PIECES = st.sampled_from(
    [
        ";",
        ",",
        '"',
        "\n",
        "META",
        "PROJECTS",
        "VOTES",
        "None",
        "-1",
        "1e999",
        "nan",
        "p1",
        "v1",
        "\ufeff",
        "\x00",
        "9" * 40,
        "",
        " ",
    ]
)


def read_or_error(text: str) -> None:
    try:
        election = read_pb(text)
    except PbFormatError as err:
        assert err.code.startswith("pb.") and err.message
        assert err.line is None or err.line >= 1
    else:
        assert isinstance(election, Election)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(LINES) - 1), PIECES, st.integers(0, 40)), max_size=6))
def test_mutated_good_file_reads_or_fails_cleanly(edits) -> None:
    lines = list(LINES)
    for index, piece, pos in edits:
        line = lines[index]
        lines[index] = line[:pos] + piece + line[pos + 1 :]
    read_or_error("\n".join(lines))


@FUZZ
@given(st.lists(st.sampled_from(LINES), max_size=25))
def test_shuffled_and_repeated_lines_read_or_fail_cleanly(lines) -> None:
    read_or_error("META\n" + "\n".join(lines))


@FUZZ
@given(st.text(max_size=300))
def test_arbitrary_text_reads_or_fails_cleanly(text) -> None:
    read_or_error("META\n" + text)


@FUZZ
@given(st.binary(max_size=200))
def test_arbitrary_bytes_read_or_fail_cleanly(data) -> None:
    try:
        election = read_pb(b"META\n" + data)
    except PbFormatError as err:
        assert err.code.startswith("pb.")
    else:
        assert isinstance(election, Election)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["approval", "cumulative", "ordinal"]).flatmap(elections))
def test_write_then_read_gives_the_same_election(election) -> None:
    once = read_pb(write_pb(election))
    assert (once.projects, once.ballots, once.budget) == (
        election.projects,
        election.ballots,
        election.budget,
    )
    assert read_pb(write_pb(once)) == once
