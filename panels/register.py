"""Reading a household register (CSV) for the stage-1 invitation draw.

Good rows are kept and bad rows are listed with their row number, column and a code the web
layer translates; the file as a whole is refused only when it cannot be read at all."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from sampling.stage1 import Household

MAX_ROWS = 200_000

#: Accepted header names (compared case-insensitively, trimmed) for each field.
COLUMNS = {
    "id": ("id", "household_id", "household", "husstand", "husstand_id", "husstandsnummer"),
    "address": ("address", "adresse"),
    "area": ("area", "neighbourhood", "område", "omrade", "bydel"),
    "sub_area": ("sub_area", "subarea", "delområde", "delomrade", "nabolag"),
}


@dataclass(frozen=True)
class RowProblem:
    row: int  # 1-based line number in the file, header = 1
    column: str
    code: str
    params: dict = field(default_factory=dict)


@dataclass
class RegisterImport:
    households: list[Household]
    problems: list[RowProblem]
    strata_columns: list[str]
    encoding: str


class RegisterFileError(ValueError):
    """The file cannot be read as a register at all (nothing is imported)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) first; spreadsheet exports in Norway are often Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def read_register(data: bytes, known_areas: Iterable[str] | None = None) -> RegisterImport:
    """Parse ``data``; ``known_areas`` (names or slugs, any case) restricts the area column."""
    text, encoding = decode(data)
    if not text.strip():
        raise RegisterFileError("register.empty")
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), _dialect(text)))
    except csv.Error:  # a stray quote or line break, a cell beyond the csv module's limit
        raise RegisterFileError("register.not_csv") from None
    header = [h.strip().casefold() for h in rows[0]]
    positions: dict[str, int] = {}
    for name, accepted in COLUMNS.items():
        for index, heading in enumerate(header):
            if heading in accepted:
                positions[name] = index
                break
    missing = [name for name in ("id", "address", "area") if name not in positions]
    if missing:
        raise RegisterFileError("register.missing_columns", columns=missing, found=rows[0])
    if len(rows) - 1 > MAX_ROWS:
        raise RegisterFileError("register.too_many_rows", maximum=MAX_ROWS)
    used = set(positions.values())
    strata = [(i, rows[0][i].strip()) for i in range(len(header)) if i not in used and header[i]]
    areas = {a.casefold(): a for a in known_areas} if known_areas is not None else None

    households: list[Household] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines at the end of spreadsheet exports
        cells = [c.strip() for c in row] + [""] * (len(header) - len(row))
        household_id = cells[positions["id"]]
        address = " ".join(cells[positions["address"]].split())
        area = cells[positions["area"]]
        sub_area = cells[positions["sub_area"]] if "sub_area" in positions else ""
        row_problems = []
        if not household_id:
            row_problems.append(RowProblem(line, rows[0][positions["id"]], "register.missing_id"))
        elif household_id in seen:
            row_problems.append(
                RowProblem(
                    line,
                    rows[0][positions["id"]],
                    "register.duplicate_id",
                    {"id": household_id, "first_row": seen[household_id]},
                )
            )
        if not address:
            row_problems.append(
                RowProblem(line, rows[0][positions["address"]], "register.missing_address")
            )
        if not area:
            row_problems.append(
                RowProblem(line, rows[0][positions["area"]], "register.missing_area")
            )
        elif areas is not None and area.casefold() not in areas:
            row_problems.append(
                RowProblem(
                    line, rows[0][positions["area"]], "register.unknown_area", {"area": area}
                )
            )
        if row_problems:
            problems.extend(row_problems)
            continue
        seen[household_id] = line
        households.append(
            Household(
                id=household_id,
                address=address,
                area=areas[area.casefold()] if areas is not None else area,
                sub_area=sub_area,
                strata={name: cells[i] for i, name in strata} or None,
            )
        )
    return RegisterImport(households, problems, [name for _, name in strata], encoding)
