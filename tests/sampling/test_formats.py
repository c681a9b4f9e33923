"""The readers accept the three formats and name file, row and column for bad input."""

from __future__ import annotations

import json

import pytest

from sampling.cli import main
from sampling.errors import InputError
from sampling.formats import OPENDLP, PAPER, SORTITION_FOUNDATION, read_pool, read_quotas


def test_paper_format_uses_row_numbers_as_ids(example_small):
    assert example_small.format == PAPER
    assert example_small.pool.ids[:3] == ["0", "1", "2"]
    assert example_small.pool.ids[-1] == "199"
    assert [q.value for q in example_small.quotas] == [
        "female",
        "male",
        "liberal",
        "conservative",
    ]


def test_sortition_foundation_format_reads_flex_and_households(sa_fixture):
    assert sa_fixture.format == SORTITION_FOUNDATION
    assert len(sa_fixture.pool) == 150
    female = sa_fixture.quotas[0]
    assert (female.category, female.value, female.min, female.max) == ("Gender", "Female", 11, 12)
    assert (female.min_flex, female.max_flex) == (0, 12)
    assert sa_fixture.pool.volunteers[0].household == ("primary_address10", "primary_zip0")


def test_opendlp_sheet_with_notes_and_blank_trailing_rows_is_read(opendlp_docs):
    assert opendlp_docs.format == OPENDLP
    assert len(opendlp_docs.quotas) == 21
    assert len(opendlp_docs.pool) == 100
    assert opendlp_docs.pool.ids[0] == "1"


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(excinfo):
    return [(p.code, p.row, p.column) for p in excinfo.value.problems]


def test_header_case_extra_columns_and_blank_rows_are_tolerated(tmp_path):
    path = _write(
        tmp_path,
        "features.csv",
        "FEATURE,Value,MIN,Max,comment\nGender,F,1,2,x\nGender,M,1,2,\n,,,,\n\n",
    )
    quotas = read_quotas(path).quotas
    assert [(q.value, q.min, q.max) for q in quotas] == [("F", 1, 2), ("M", 1, 2)]


def test_min_above_max_and_non_numbers_name_row_and_column(tmp_path):
    path = _write(tmp_path, "features.csv", "feature,value,min,max\ng,a,3,2\ng,b,one,2\ng,c,1,-1\n")
    with pytest.raises(InputError) as excinfo:
        read_quotas(path)
    assert _problems(excinfo) == [
        ("input.min_greater_than_max", 2, "min"),
        ("input.not_a_number", 3, "min"),
        ("input.not_a_number", 4, "max"),
    ]
    assert str(path) in excinfo.value.message and "row 2" in excinfo.value.message


def test_duplicate_quota_value_is_reported(tmp_path):
    path = _write(tmp_path, "features.csv", "feature,value,min,max\ng,a,1,2\nG,A,1,2\n")
    with pytest.raises(InputError) as excinfo:
        read_quotas(path)
    assert _problems(excinfo) == [("input.duplicate_value", 3, "value")]


def test_unknown_header_layout_is_reported(tmp_path):
    path = _write(tmp_path, "features.csv", "a,b,c\n1,2,3\n")
    with pytest.raises(InputError) as excinfo:
        read_quotas(path)
    assert excinfo.value.code == "input.unknown_quota_format"


def test_people_problems_are_all_reported_with_row_and_column(tmp_path):
    quotas = read_quotas(
        _write(tmp_path, "f.csv", "feature,value,min,max\nGender,Female,0,1\nGender,Male,0,1\n")
    ).quotas
    people = _write(
        tmp_path,
        "p.csv",
        "ID,GENDER,email\n1,female,a\n2,Robot,b\n1,Male,c\n,Male,d\n3, Male ,e\n\n\n",
    )
    with pytest.raises(InputError) as excinfo:
        read_pool(people, quotas, id_column="id")
    assert _problems(excinfo) == [
        ("input.unknown_value", 3, "GENDER"),
        ("input.duplicate_id", 4, "ID"),
        ("input.blank_id", 5, "ID"),
    ]


def test_value_case_and_spaces_are_normalised_to_the_quota_spelling(tmp_path):
    quotas = read_quotas(
        _write(tmp_path, "f.csv", "feature,value,min,max\nGender,Female,0,1\nGender,Male,0,1\n")
    ).quotas
    pool = read_pool(_write(tmp_path, "p.csv", "id,gender\n1,female\n2, MALE \n"), quotas)
    assert [v.features["Gender"] for v in pool.volunteers] == ["Female", "Male"]


def test_missing_category_column_is_reported(tmp_path):
    quotas = read_quotas(_write(tmp_path, "f.csv", "feature,value,min,max\nage,young,0,1\n")).quotas
    with pytest.raises(InputError) as excinfo:
        read_pool(_write(tmp_path, "p.csv", "id,gender\n1,x\n"), quotas)
    assert _problems(excinfo) == [("input.missing_column", 1, "age")]


def test_cli_reports_bad_input_as_json_with_exit_code_2(tmp_path, capsys):
    features = _write(tmp_path, "f.csv", "feature,value,min,max\ng,a,5,2\n")
    people = _write(tmp_path, "p.csv", "id,g\n1,a\n")
    code = main(
        ["probabilities", "--features", str(features), "--people", str(people), "--panel-size", "1"]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 2
    assert out["error"] == "input.min_greater_than_max"
    assert out["problems"][0]["row"] == 2 and out["problems"][0]["column"] == "min"


def test_cli_reports_usage_errors_as_json(capsys):
    code = main(["probabilities", "--features", "x.csv"])
    out = json.loads(capsys.readouterr().out)
    assert code == 2 and out["error"] == "cli.usage"
