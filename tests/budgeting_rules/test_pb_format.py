"""The .pb reader and writer: every shared file reads, round-trips, and errors name the line."""

from __future__ import annotations

from fractions import Fraction

import pytest

from budgeting.rules.election import Ballot, Election, Project
from budgeting.rules.errors import PbFormatError
from budgeting.rules.pb import read_pb, write_pb

from .conftest import DATA, election_from_data

FILES = sorted(p.name for p in DATA.glob("*.pb"))

GOOD = """META
key;value
description;"Test; with ""quotes"" and a semicolon"
num_projects;3
num_votes;3
budget;100.5
vote_type;approval
min_length;1
max_length;2
PROJECTS
project_id;cost;name;selected
p1;50;"Park; benches";1
p2;40.25;Library;1
p3;60;Pool;0
VOTES
voter_id;vote;age
v1;p1,p2;30
v2;p3;41
v3;p2;None
"""


def _broken(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def _error(text: str, strict: bool = False) -> PbFormatError:
    with pytest.raises(PbFormatError) as info:
        read_pb(text, strict=strict)
    return info.value


@pytest.mark.parametrize("name", FILES)
def test_every_shared_file_reads_and_round_trips(name: str) -> None:
    election = election_from_data(name)
    assert int(election.meta["num_votes"]) == len(election.ballots)
    assert read_pb(write_pb(election)) == election


def test_reader_keeps_quoted_fields_exact_amounts_and_metadata() -> None:
    election = read_pb(GOOD)
    assert election.meta["description"] == 'Test; with "quotes" and a semicolon'
    assert election.budget == Fraction(201, 2)
    assert election.projects[0].name == "Park; benches"
    assert election.projects[1].cost == Fraction("40.25")
    assert election.ballots[0] == Ballot("v1", ("p1", "p2"), None, {"age": "30"})
    assert read_pb(write_pb(election)) == election


def test_byte_order_mark_and_bytes_input_are_accepted() -> None:
    assert read_pb(("\ufeff" + GOOD).encode()) == read_pb(GOOD)


@pytest.mark.parametrize(
    ("old", "new", "code", "line", "field"),
    [
        ("v2;p3;41", "v2;p9;41", "pb.unknown_project", 18, "vote"),
        ("v1;p1,p2;30", "v1;p1,p1;30", "pb.duplicate_in_vote", 17, "vote"),
        ("v2;p3;41", "v1;p3;41", "pb.duplicate_voter", 18, "voter_id"),
        ("num_votes;3", "num_votes;4", "pb.count_mismatch", 5, "num_votes"),
        ("num_projects;3", "num_projects;2", "pb.count_mismatch", 4, "num_projects"),
        ("p3;60;Pool;0", "p3;sixty;Pool;0", "pb.bad_number", 14, "cost"),
        ("p3;60;Pool;0", "p3;60;Pool", "pb.field_count", 14, None),
        ("p3;60;Pool;0", "p1;60;Pool;0", "pb.duplicate_project", 14, "project_id"),
        ("vote_type;approval", "vote_type;plurality", "pb.bad_vote_type", 7, "vote_type"),
        ("budget;100.5", "budget;lots", "pb.bad_number", 6, "budget"),
        ("p3;60;Pool;0", "p3;-60;Pool;0", "pb.negative_number", 14, "cost"),
        ('p1;50;"Park; benches";1', 'p1;50;"Park; "benches";1', "pb.csv_syntax", 12, None),
    ],
)
def test_broken_file_error_names_line_and_field(old, new, code, line, field) -> None:
    err = _error(_broken(old, new))
    assert (err.code, err.line, err.field) == (code, line, field)
    assert err.as_dict()["error"] == code


def test_sections_must_come_in_order_and_all_be_present() -> None:
    assert _error(GOOD.replace("PROJECTS\n", "VOTES\n", 1)).code == "pb.section_order"
    assert _error(GOOD.split("VOTES")[0]).code == "pb.section_missing"
    assert _error("hello\nworld\n").code == "pb.no_meta"


def test_missing_budget_is_reported_with_its_key() -> None:
    err = _error(_broken("budget;100.5\n", ""))
    assert (err.code, err.field) == ("pb.missing_meta", "budget")


def test_ballot_limits_are_errors_when_strict_and_recorded_issues_otherwise() -> None:
    text = _broken("v1;p1,p2;30", "v1;p1,p2,p3;30")
    err = _error(text, strict=True)
    assert (err.code, err.line, err.field) == ("pb.ballot_too_long", 17, "vote")
    lenient = read_pb(text)
    assert [i.code for i in lenient.issues] == ["pb.ballot_too_long"]


def test_selected_projects_over_budget_are_flagged() -> None:
    text = _broken("p3;60;Pool;0", "p3;60;Pool;1")
    assert _error(text, strict=True).code == "pb.selected_over_budget"


def test_cumulative_points_are_checked_against_limits() -> None:
    text = (
        "META\nkey;value\nnum_projects;2\nnum_votes;1\nbudget;10\nvote_type;cumulative\n"
        "max_sum_points;10\nPROJECTS\nproject_id;cost\na;5\nb;5\nVOTES\nvoter_id;vote;points\n"
        "x;a,b;8,7\n"
    )
    err = _error(text, strict=True)
    assert (err.code, err.line, err.field) == ("pb.points_limit", 14, "points")
    assert _error(text.replace("8,7", "8")).code == "pb.points_mismatch"


def test_in_memory_election_validates_and_writes() -> None:
    election = Election(
        Fraction(10),
        [Project("a", Fraction(3)), Project("b", Fraction("2.5"), "B")],
        [Ballot("1", ("a", "b")), Ballot("2", ("b",))],
    )
    again = read_pb(write_pb(election))
    assert (again.projects, again.ballots, again.budget) == (
        election.projects,
        election.ballots,
        election.budget,
    )
    assert again.meta["num_votes"] == "2" and read_pb(write_pb(again)) == again
    broken = Election(Fraction(10), election.projects, [Ballot("1", ("a", "zz"))])
    with pytest.raises(PbFormatError) as info:
        broken.validate()
    assert info.value.code == "pb.unknown_project" and info.value.line is None


def test_missing_file_is_a_clear_error() -> None:
    assert _error("/nonexistent/file.pb").code == "pb.unreadable"
