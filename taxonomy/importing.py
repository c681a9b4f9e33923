"""CSV import of residents' input (e.g. a survey's free-text answers or a typed-up workshop).

Columns (header names, case-insensitive; only ``text`` is required): text, date, channel,
neighbourhood, age_band, language, place. Missing values fall back to the defaults chosen in the
form. Every row is checked first; if any row has an error nothing is imported and each error is
reported with its row number, so a corrected file can be uploaded again without duplicates."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from app.models import Neighbourhood

from .vocabulary import AGE_BANDS, CHANNELS, INPUT_LANGUAGES

MAX_TEXT = 5000
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")


@dataclass
class RowError:
    row: int
    code: str
    value: str = ""


@dataclass
class ParsedRow:
    row: int
    text: str
    received_on: date
    channel: str
    neighbourhood: Neighbourhood | None
    age_band: str | None
    language: str
    place: str


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def parse_date(value: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def parse_csv(
    content: str,
    *,
    areas: list[Neighbourhood],
    default_channel: str,
    default_area: Neighbourhood | None,
    default_date: date,
    default_language: str,
) -> ParseResult:
    result = ParseResult()
    sample = content[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(content, newline=""), dialect=dialect)
    try:
        fieldnames, records = reader.fieldnames, list(reader)
    except csv.Error:  # a stray quote or line break, a cell beyond the csv module's limit
        result.errors.append(RowError(max(reader.line_num, 1), "import.not_csv"))
        return result
    if not fieldnames or "text" not in [f.strip().lower() for f in fieldnames]:
        result.errors.append(RowError(1, "import.no_text_column"))
        return result
    by_key = {}
    for area in areas:
        by_key[area.slug.lower()] = area
        by_key[area.name.lower()] = area
    for number, raw in enumerate(records, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        errors_before = len(result.errors)
        text = row.get("text", "")
        if not text:
            result.errors.append(RowError(number, "import.empty_text"))
        elif len(text) > MAX_TEXT:
            result.errors.append(RowError(number, "import.text_too_long"))
        received_on = default_date
        if row.get("date"):
            received_on = parse_date(row["date"])
            if received_on is None:
                result.errors.append(RowError(number, "import.bad_date", row["date"]))
        channel = row.get("channel") or default_channel
        if channel not in CHANNELS:
            result.errors.append(RowError(number, "import.unknown_channel", channel))
        area = default_area
        if row.get("neighbourhood"):
            area = by_key.get(row["neighbourhood"].lower())
            if area is None:
                result.errors.append(
                    RowError(number, "import.unknown_neighbourhood", row["neighbourhood"])
                )
        age_band = row.get("age_band") or None
        if age_band is not None and age_band not in AGE_BANDS:
            result.errors.append(RowError(number, "import.unknown_age_band", age_band))
        language = row.get("language") or default_language
        if language not in INPUT_LANGUAGES:
            result.errors.append(RowError(number, "import.unknown_language", language))
        if len(result.errors) == errors_before:
            result.rows.append(
                ParsedRow(
                    number,
                    text,
                    received_on,
                    channel,
                    area,
                    age_band,
                    language,
                    row.get("place", ""),
                )
            )
    if not result.rows and not result.errors:
        result.errors.append(RowError(1, "import.no_rows"))
    return result
