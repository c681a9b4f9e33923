"""Reader and writer for the pabulib ``.pb`` format (META / PROJECTS / VOTES sections).

``read_pb`` accepts a path or the file's text and returns a validated :class:`Election`; any
problem raises :class:`PbFormatError` naming the line and the field — never a traceback and
never a partial election. ``write_pb`` produces text that ``read_pb`` reads back to an equal
election. The format is described at pabulib.org/format.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

from .election import POINT_TYPES, Ballot, Election, Project, format_amount
from .errors import PbFormatError
from .validation import (
    check_ballot,
    check_meta,
    check_project,
    check_selected,
    parse_number,
)

SECTIONS = ("meta", "projects", "votes")
MAX_FILE_BYTES = 512 * 1024 * 1024


def read_pb(source: str | os.PathLike[str] | bytes, *, strict: bool = False) -> Election:
    """Read a .pb election from a path, from its text, or from its bytes.

    A ``str`` is taken as text when it contains a line break or starts with ``META``,
    otherwise as a path. Structural errors (sections, field counts, numbers, duplicate or
    unknown ids, counts that do not match META) always raise ``PbFormatError``. Ballot-limit
    violations (length, cost, points, ``selected`` over budget) raise when ``strict``;
    otherwise they are kept in ``election.issues`` (published pabulib files contain some).
    """
    if isinstance(source, bytes):
        return read_pb_text(_decode(source), strict=strict)
    if isinstance(source, os.PathLike) or (
        "\n" not in source and not source.lstrip("\ufeff").strip().upper().startswith("META")
    ):
        return read_pb_file(source, strict=strict)
    return read_pb_text(source, strict=strict)


def read_pb_file(path: str | os.PathLike[str], *, strict: bool = False) -> Election:
    """Read a .pb file from disk (UTF-8, an optional BOM is tolerated)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or "invalid path"
        raise PbFormatError(
            "pb.unreadable", f"cannot read {Path(path).name[:80]}: {reason}", path=str(path)[:200]
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise PbFormatError("pb.too_large", "file is larger than 512 MB")
    return read_pb_text(_decode(data), strict=strict)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PbFormatError("pb.encoding", "file is not valid UTF-8", line=line) from None


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, fields) for every non-blank CSV record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    previous = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise PbFormatError(
                "pb.csv_syntax", f"broken CSV quoting ({exc})", line=reader.line_num
            ) from None
        start, previous = previous + 1, reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        yield start, row


class _Reader:
    """State of one read: sections seen, META lines, projects, ballots."""

    def __init__(self) -> None:
        self.section = ""
        self.header: list[str] = []
        self.expect_header = False
        self.meta: dict[str, str] = {}
        self.meta_lines: dict[str, int] = {}
        self.project_rows: list[tuple[int, Project]] = []
        self.vote_rows: list[tuple[int, list[str]]] = []
        self.seen_sections: list[str] = []
        self.votes_header: list[str] = []

    def feed(self, line: int, row: list[str]) -> None:
        title = row[0].strip().lower()
        if len(row) == 1 and title in SECTIONS:
            self._start_section(line, title)
        elif not self.section:
            raise PbFormatError("pb.no_meta", "file must start with META", line=line)
        elif self.expect_header:
            self._take_header(line, row)
        elif self.section == "meta":
            self._take_meta(line, row)
        elif self.section == "projects":
            self._take_project(line, row)
        else:
            self.vote_rows.append((line, row))

    def _start_section(self, line: int, title: str) -> None:
        expected = SECTIONS[len(self.seen_sections)] if len(self.seen_sections) < 3 else None
        if title != expected:
            raise PbFormatError(
                "pb.section_order",
                f"section {title.upper()} out of order (expected {str(expected).upper()})",
                line=line,
                field=title.upper(),
            )
        self.seen_sections.append(title)
        self.section, self.expect_header = title, True

    def _take_header(self, line: int, row: list[str]) -> None:
        header = [h.strip() for h in row]
        self.expect_header = False
        if len(set(header)) != len(header) or any(not h for h in header):
            raise PbFormatError(
                "pb.bad_header", "header has empty or repeated column names", line=line
            )
        if self.section == "projects" and header[:2] != ["project_id", "cost"]:
            raise PbFormatError(
                "pb.bad_header", "PROJECTS header must start with project_id;cost", line=line
            )
        if self.section == "votes":
            for needed in ("voter_id", "vote"):
                if needed not in header:
                    raise PbFormatError(
                        "pb.bad_header", f"VOTES header lacks {needed}", line=line, field=needed
                    )
            self.votes_header = header
        self.header = header

    def _take_meta(self, line: int, row: list[str]) -> None:
        if len(row) != 2:
            raise PbFormatError(
                "pb.field_count", f"META line has {len(row)} fields, expected 2", line=line
            )
        key, value = row[0].strip(), row[1].strip()
        if key in self.meta:
            raise PbFormatError(
                "pb.duplicate_meta", f"META key {key!r} repeated", line=line, field=key
            )
        self.meta[key], self.meta_lines[key] = value, line

    def _take_project(self, line: int, row: list[str]) -> None:
        if len(row) != len(self.header):
            raise PbFormatError(
                "pb.field_count",
                f"project line has {len(row)} fields, header has {len(self.header)}",
                line=line,
            )
        values = {h: v.strip() for h, v in zip(self.header, row, strict=True)}
        cost = parse_number(values["cost"], code="pb.bad_number", line=line, field="cost")
        meta = {
            k: v for k, v in values.items() if k not in ("project_id", "cost", "name") and v != ""
        }
        project = Project(values["project_id"], cost, values.get("name", ""), meta)
        self.project_rows.append((line, project))


def read_pb_text(text: str, *, strict: bool = False) -> Election:
    """Parse and validate the text of a .pb file."""
    state = _Reader()
    for line, row in _rows(text.lstrip("\ufeff")):
        state.feed(line, row)
    if state.seen_sections != list(SECTIONS) or state.expect_header:
        missing = [s.upper() for s in SECTIONS if s not in state.seen_sections] or ["header"]
        raise PbFormatError("pb.section_missing", f"missing {', '.join(missing)}", field=missing[0])
    return _build(state, strict)


def _meta_required(state: _Reader, key: str) -> str:
    if key not in state.meta or state.meta[key] == "":
        raise PbFormatError("pb.missing_meta", f"META lacks {key}", field=key)
    return state.meta[key]


def _build(state: _Reader, strict: bool) -> Election:
    budget_text = _meta_required(state, "budget")
    vote_type = _meta_required(state, "vote_type")
    budget = parse_number(
        budget_text, code="pb.bad_number", line=state.meta_lines["budget"], field="budget"
    )
    election = Election(budget, [p for _, p in state.project_rows], [], vote_type, dict(state.meta))
    constraints = check_meta(election, state.meta_lines)
    seen: set[str] = set()
    for line, project in state.project_rows:
        check_project(project, line, seen)
    costs = {p.id: p.cost for p in election.projects}
    voters: set[str] = set()
    issues: list[PbFormatError] | None = None if strict else election.issues
    for line, row in state.vote_rows:
        ballot = _ballot(line, row, state.votes_header, vote_type)
        check_ballot(ballot, election, costs, constraints, line, voters, issues)
        election.ballots.append(ballot)
    _check_counts(state, election)
    first_project_line = state.project_rows[0][0] if state.project_rows else None
    check_selected(election, first_project_line, issues)
    return election


def _ballot(line: int, row: list[str], header: list[str], vote_type: str) -> Ballot:
    if len(row) != len(header):
        raise PbFormatError(
            "pb.field_count",
            f"vote line has {len(row)} fields, header has {len(header)}",
            line=line,
        )
    values = {h: v.strip() for h, v in zip(header, row, strict=True)}
    voter = values["voter_id"]
    vote_text = values["vote"]
    ids = [] if vote_text in ("", "None") else [p.strip() for p in vote_text.split(",")]
    if any(not p for p in ids):
        raise PbFormatError("pb.bad_vote", "vote has an empty project id", line=line, field="vote")
    points: tuple[Fraction, ...] | None = None
    if vote_type in POINT_TYPES:
        if "points" not in values:
            raise PbFormatError(
                "pb.bad_header",
                f"{vote_type} votes need a points column",
                line=line,
                field="points",
            )
        text = values["points"]
        raw = [] if text in ("", "None") else text.split(",")
        points = tuple(
            parse_number(v, code="pb.bad_number", line=line, field="points") for v in raw
        )
    skip = ("voter_id", "vote", "points") if vote_type in POINT_TYPES else ("voter_id", "vote")
    meta = {k: v for k, v in values.items() if k not in skip and v != ""}
    return Ballot(voter, tuple(ids), points, meta)


def _check_counts(state: _Reader, election: Election) -> None:
    for key, actual in (
        ("num_projects", len(election.projects)),
        ("num_votes", len(election.ballots)),
    ):
        text = _meta_required(state, key)
        line = state.meta_lines[key]
        if not (text.isascii() and text.isdigit()):
            raise PbFormatError(
                "pb.bad_number", f"{key} is not a whole number", line=line, field=key
            )
        if int(text) != actual:
            raise PbFormatError(
                "pb.count_mismatch",
                f"{key} says {text} but the file has {actual}",
                line=line,
                field=key,
                stated=int(text),
                actual=actual,
            )


def _check_writable_id(value: str, what: str) -> None:
    if not value or value != value.strip() or "," in value or "\n" in value or "\r" in value:
        raise PbFormatError(
            "pb.unwritable_id", f"{what} id {value!r} cannot be written to a .pb file", field=what
        )


def write_pb(election: Election) -> str:
    """Write an election as .pb text; ``read_pb(write_pb(e)) == e`` for valid elections."""
    election.validate(strict=False)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    meta = dict(election.meta)
    meta["num_projects"] = str(len(election.projects))
    meta["num_votes"] = str(len(election.ballots))
    meta["budget"] = format_amount(election.budget)
    meta["vote_type"] = election.vote_type
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    for key, value in meta.items():
        writer.writerow([key, value])
    _write_projects(writer, election)
    _write_votes(writer, election)
    return out.getvalue()


def _columns(dicts: list[dict[str, str]], exclude: tuple[str, ...]) -> list[str]:
    seen: dict[str, None] = {}
    for d in dicts:
        for key in d:
            if key not in exclude:
                seen.setdefault(key, None)
    return list(seen)


def _write_projects(writer: csv._writer, election: Election) -> None:  # type: ignore[name-defined]
    extra = _columns([p.meta for p in election.projects], ("project_id", "cost", "name"))
    has_name = any(p.name for p in election.projects)
    writer.writerow(["PROJECTS"])
    writer.writerow(["project_id", "cost", *(["name"] if has_name else []), *extra])
    for p in election.projects:
        _check_writable_id(p.id, "project")
        amount = format_amount(p.cost)
        if "/" in amount:
            raise PbFormatError("pb.not_decimal", f"cost of {p.id} is not a decimal", field="cost")
        names = [p.name] if has_name else []
        writer.writerow([p.id, amount, *names, *(p.meta.get(k, "") for k in extra)])


def _write_votes(writer: csv._writer, election: Election) -> None:  # type: ignore[name-defined]
    with_points = election.vote_type in POINT_TYPES
    extra = _columns([b.meta for b in election.ballots], ("voter_id", "vote", "points"))
    writer.writerow(["VOTES"])
    writer.writerow(["voter_id", "vote", *(["points"] if with_points else []), *extra])
    for b in election.ballots:
        _check_writable_id(b.voter_id, "voter")
        row = [b.voter_id, ",".join(b.projects)]
        if with_points:
            texts = [format_amount(v) for v in (b.points or ())]
            if any("/" in t for t in texts):
                raise PbFormatError("pb.not_decimal", "points are not decimals", field="points")
            row.append(",".join(texts))
        writer.writerow([*row, *(b.meta.get(k, "") for k in extra)])
