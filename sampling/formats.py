"""Readers for quota and volunteer files in the three formats we meet in practice.

* paper (Flanigan et al. 2021 replication): ``categories.csv`` with ``category,feature,min,max``
  and ``respondents.csv`` with one column per category and no id column (ids are row numbers
  ``"0"`` … ``"n-1"``);
* Sortition Foundation / sortition-algorithms: ``features.csv`` with ``feature,value,min,max``
  (optional ``min_flex,max_flex``) and ``candidates.csv`` with an id column
  (``nationbuilder_id`` by default) and address columns;
* OpenDLP (and the old stratification-app): ``category,name,min,max`` plus free columns such as
  ``Notes``; people with ``external_id``/``unique_id``.

The format is detected from the headers (matched case-insensitively). Every problem is reported
as an :class:`~sampling.errors.InputProblem` naming file, row and column, and all problems in a
file are collected into one :class:`~sampling.errors.InputError`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sampling.errors import InputError, InputProblem
from sampling.model import Pool, Quota, Volunteer, categories_of, household_key

PAPER = "paper"
SORTITION_FOUNDATION = "sortition-foundation"
OPENDLP = "opendlp"

ID_COLUMNS = ("nationbuilder_id", "external_id", "unique_id", "id", "person_id")
VALUE_ALIASES = ("value", "category value", "category_value", "category-value")


@dataclass(frozen=True)
class QuotaFile:
    """Quotas read from a features/categories file, and the detected format."""

    format: str
    quotas: tuple[Quota, ...]


@dataclass(frozen=True)
class Instance:
    """A quota file and a pool read together."""

    format: str
    quotas: tuple[Quota, ...]
    pool: Pool


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _read_rows(source: str | Path, name: str | None = None) -> tuple[str, list[list[str]]]:
    """Read a CSV file (or CSV text when ``name`` is given) into rows."""
    if name is None:
        path = Path(source)
        name = str(path)
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            raise InputError(
                [InputProblem("input.file_not_found", name, None, None, "file not found")]
            ) from None
        except UnicodeDecodeError:
            raise InputError(
                [InputProblem("input.encoding", name, None, None, "the file is not UTF-8 text")]
            ) from None
        except OSError as exc:
            raise InputError(
                [
                    InputProblem(
                        "input.unreadable",
                        name,
                        None,
                        None,
                        f"cannot read the file ({exc.strerror})",
                    )
                ]
            ) from None
    else:
        text = str(source).lstrip("\ufeff")
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise InputError(
            [
                InputProblem(
                    "input.csv_malformed", name, None, None, f"not a readable CSV file ({exc})"
                )
            ]
        ) from None
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise InputError([InputProblem("input.empty_file", name, None, None, "the file is empty")])
    return name, rows


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def _find(header: list[str], *names: str) -> int | None:
    normed = [_norm(h) for h in header]
    for n in names:
        if n in normed:
            return normed.index(n)
    return None


def _parse_int(text: str) -> int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if value != int(value) if value == value and abs(value) != float("inf") else True:
        return None
    return int(value)


def read_quotas(source: str | Path, *, name: str | None = None) -> QuotaFile:
    """Read quotas from a file path, or from CSV text if ``name`` (shown in errors) is given."""
    name, rows = _read_rows(source, name)
    header = rows[0]
    value_col = _find(header, *VALUE_ALIASES)
    if value_col is not None and _find(header, "feature") is not None:
        fmt, cat_col = SORTITION_FOUNDATION, _find(header, "feature")
    elif _find(header, "category") is not None and _find(header, "feature") is not None:
        fmt, cat_col, value_col = PAPER, _find(header, "category"), _find(header, "feature")
    elif _find(header, "category") is not None and _find(header, "name") is not None:
        fmt, cat_col, value_col = OPENDLP, _find(header, "category"), _find(header, "name")
    else:
        raise InputError(
            [
                InputProblem(
                    "input.unknown_quota_format",
                    name,
                    1,
                    None,
                    "cannot tell the format from the header: expected 'feature,value,min,max', "
                    "'category,feature,min,max' or 'category,name,min,max'",
                    {"header": header},
                )
            ]
        )
    problems: list[InputProblem] = []
    cols = {k: _find(header, k) for k in ("min", "max", "min_flex", "max_flex")}
    for k in ("min", "max"):
        if cols[k] is None:
            problems.append(
                InputProblem("input.missing_column", name, 1, k, f"the column '{k}' is missing")
            )
    if problems:
        raise InputError(problems)
    quotas: list[Quota] = []
    seen: dict[tuple[str, str], int] = {}
    for r, row in enumerate(rows[1:], start=2):
        category, value = _cell(row, cat_col), _cell(row, value_col)
        if not category and not _cell(row, cols["min"]) and not _cell(row, cols["max"]):
            continue  # blank or note row
        quota = _parse_quota_row(name, r, header, row, category, value, cols, problems)
        if quota is None:
            continue
        key = (_norm(category), _norm(value))
        if key in seen:
            problems.append(
                InputProblem(
                    "input.duplicate_value",
                    name,
                    r,
                    header[value_col],
                    f"{category}={value} is already defined on row {seen[key]}",
                    {"category": category, "value": value, "first_row": seen[key]},
                )
            )
            continue
        seen[key] = r
        quotas.append(quota)
    if not quotas and not problems:
        problems.append(
            InputProblem("input.no_quotas", name, None, None, "the file defines no quotas")
        )
    if problems:
        raise InputError(problems)
    return QuotaFile(fmt, tuple(quotas))


def _parse_quota_row(name, r, header, row, category, value, cols, problems) -> Quota | None:
    before = len(problems)
    if not category:
        problems.append(
            InputProblem("input.missing_value", name, r, "category", "the category is empty")
        )
    if not value:
        problems.append(InputProblem("input.missing_value", name, r, "value", "the value is empty"))
    numbers: dict[str, int | None] = {}
    for k, idx in cols.items():
        text = _cell(row, idx)
        if idx is None or (not text and k in ("min_flex", "max_flex")):
            numbers[k] = None
            continue
        number = _parse_int(text)
        if number is None or number < 0:
            problems.append(
                InputProblem(
                    "input.not_a_number",
                    name,
                    r,
                    header[idx],
                    f"'{text}' is not a whole number ≥ 0",
                    {"text": text},
                )
            )
        numbers[k] = number
    if len(problems) > before:
        return None
    lo, hi, lo_flex, hi_flex = (numbers[k] for k in ("min", "max", "min_flex", "max_flex"))
    if lo > hi:
        problems.append(
            InputProblem(
                "input.min_greater_than_max",
                name,
                r,
                header[cols["min"]],
                f"min {lo} is greater than max {hi} for {category}={value}",
                {"min": lo, "max": hi, "category": category, "value": value},
            )
        )
    if lo_flex is not None and lo_flex > lo:
        problems.append(
            InputProblem(
                "input.min_flex_above_min",
                name,
                r,
                header[cols["min_flex"]],
                f"min_flex {lo_flex} is greater than min {lo}",
                {"min_flex": lo_flex, "min": lo},
            )
        )
    if hi_flex is not None and hi_flex < hi:
        problems.append(
            InputProblem(
                "input.max_flex_below_max",
                name,
                r,
                header[cols["max_flex"]],
                f"max_flex {hi_flex} is smaller than max {hi}",
                {"max_flex": hi_flex, "max": hi},
            )
        )
    if len(problems) > before:
        return None
    return Quota(category, value, lo, hi, lo_flex, hi_flex)


def read_pool(
    source: str | Path,
    quotas: Sequence[Quota],
    *,
    format: str = SORTITION_FOUNDATION,
    id_column: str | None = None,
    household_columns: Sequence[str] = (),
    name: str | None = None,
) -> Pool:
    """Read volunteers; values are checked against the quota values (case-insensitively)."""
    name, rows = _read_rows(source, name)
    header = rows[0]
    problems: list[InputProblem] = []
    id_col: int | None = None
    if id_column is not None:
        id_col = _find(header, _norm(id_column))
        if id_col is None:
            problems.append(
                InputProblem(
                    "input.missing_column",
                    name,
                    1,
                    id_column,
                    f"the id column '{id_column}' is missing",
                )
            )
    elif format != PAPER:
        id_col = _find(header, *ID_COLUMNS)
        if id_col is None:
            problems.append(
                InputProblem(
                    "input.missing_id_column",
                    name,
                    1,
                    None,
                    "no id column found (tried " + ", ".join(ID_COLUMNS) + "); use --id-column",
                )
            )
    cats = categories_of(quotas)
    cat_cols: dict[str, int] = {}
    for c in cats:
        idx = _find(header, _norm(c))
        if idx is None:
            problems.append(
                InputProblem(
                    "input.missing_column",
                    name,
                    1,
                    c,
                    f"the column '{c}' for category '{c}' is missing",
                )
            )
        else:
            cat_cols[c] = idx
    hh_cols: list[int] = []
    for h in household_columns:
        idx = _find(header, _norm(h))
        if idx is None:
            problems.append(
                InputProblem(
                    "input.missing_column", name, 1, h, f"the household column '{h}' is missing"
                )
            )
        else:
            hh_cols.append(idx)
    if problems:
        raise InputError(problems)
    allowed = {c: {} for c in cats}
    for q in quotas:
        allowed[q.category].setdefault(q.value, q.value)
        allowed[q.category].setdefault(_norm(q.value), q.value)
    used = set(cat_cols.values()) | set(hh_cols) | ({id_col} if id_col is not None else set())
    volunteers: list[Volunteer] = []
    seen_ids: dict[str, int] = {}
    data_index = 0
    for r, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        pid = str(data_index) if id_col is None else _cell(row, id_col)
        data_index += 1
        if not pid:
            problems.append(
                InputProblem("input.blank_id", name, r, header[id_col], "the id is empty")
            )
            continue
        if pid in seen_ids:
            problems.append(
                InputProblem(
                    "input.duplicate_id",
                    name,
                    r,
                    header[id_col],
                    f"the id '{pid}' already appears on row {seen_ids[pid]}",
                    {"id": pid, "first_row": seen_ids[pid]},
                )
            )
            continue
        seen_ids[pid] = r
        features: dict[str, str] = {}
        for c, idx in cat_cols.items():
            text = _cell(row, idx)
            value = allowed[c].get(text) or allowed[c].get(_norm(text))
            if value is None:
                shown = ", ".join(sorted({v for v in allowed[c].values()}))
                problems.append(
                    InputProblem(
                        "input.unknown_value",
                        name,
                        r,
                        header[idx],
                        f"'{text}' is not a value of category '{c}' (expected one of: {shown})",
                        {"text": text, "category": c},
                    )
                )
            else:
                features[c] = value
        household = household_key([_cell(row, i) for i in hh_cols]) if hh_cols else None
        extra = {header[i]: _cell(row, i) for i in range(len(header)) if i not in used}
        volunteers.append(Volunteer(pid, features, household, extra))
    if not volunteers and not problems:
        problems.append(
            InputProblem("input.no_volunteers", name, None, None, "the file lists no volunteers")
        )
    if problems:
        raise InputError(problems)
    return Pool(tuple(volunteers))


def read_instance(
    features: str | Path,
    people: str | Path,
    *,
    id_column: str | None = None,
    household_columns: Sequence[str] = (),
) -> Instance:
    """Read a quota file and a people file, detecting the format from the quota file header."""
    qf = read_quotas(features)
    pool = read_pool(
        people,
        qf.quotas,
        format=qf.format,
        id_column=id_column,
        household_columns=household_columns,
    )
    return Instance(qf.format, qf.quotas, pool)
