"""Household register import: good rows kept, bad rows listed by row and column."""

from __future__ import annotations

import pytest

from panels.register import RegisterFileError, read_register

AREAS = ["Lademoen", "Møllenberg", "Tempe-Sorgenfri"]


def test_good_rows_are_kept_and_bad_rows_named_by_row_and_column():
    data = (
        "id,address,area,sub_area\n"
        "h1,Innherredsveien 1,Lademoen,Buran\n"
        ",Nonsens 2,Lademoen,\n"
        "h3,Tempeveien 3,Ranheim,\n"
        "h1,Innherredsveien 1,Lademoen,Buran\n"
        "h5,,Møllenberg,\n"
        "h6,Rosenborggata 6,møllenberg,\n"
    ).encode()
    result = read_register(data, AREAS)
    assert [h.id for h in result.households] == ["h1", "h6"]
    assert result.households[1].area == "Møllenberg"
    assert [(p.row, p.column, p.code) for p in result.problems] == [
        (3, "id", "register.missing_id"),
        (4, "area", "register.unknown_area"),
        (5, "id", "register.duplicate_id"),
        (6, "address", "register.missing_address"),
    ]
    assert result.problems[2].params == {"id": "h1", "first_row": 2}


def test_norwegian_headers_semicolons_and_windows_encoding_are_understood():
    data = "Husstand;Adresse;Bydel;Alder eldste\n17;Nedre Møllenberg gate 2;Møllenberg;67\n\n\n"
    result = read_register(data.encode("cp1252"), AREAS)
    assert result.encoding == "cp1252"
    assert result.households[0].address == "Nedre Møllenberg gate 2"
    assert result.households[0].strata == {"Alder eldste": "67"}
    assert result.strata_columns == ["Alder eldste"]
    assert result.problems == []


def test_a_file_without_the_needed_columns_is_refused_whole():
    with pytest.raises(RegisterFileError) as error:
        read_register(b"name,street\nx,y\n", AREAS)
    assert error.value.code == "register.missing_columns"
    assert error.value.params["columns"] == ["id", "address", "area"]


def test_an_empty_file_is_refused():
    with pytest.raises(RegisterFileError) as error:
        read_register(b"   \n", AREAS)
    assert error.value.code == "register.empty"


def test_short_rows_are_padded_rather_than_crashing():
    result = read_register(b"id,address,area,floor\nh1,Gate 1,Lademoen\n", AREAS)
    assert result.households[0].strata == {"floor": ""}
