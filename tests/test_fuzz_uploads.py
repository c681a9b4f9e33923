"""Every upload and import, fuzzed: the household register (panels), the sortition quota and
pool files (``sampling.formats``, read directly: the web does not import them), the taxonomy's
input CSV and budgeting's .pb / results bundle import. Readers return their result or their
typed error, never another exception; through the web the answer is a page with a clear message
(never a 500) and a refused file saves nothing.

``TINGET_FUZZ_EXAMPLES`` scales the examples (default: readers 120, web uploads 15)."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.budgeting_rules.test_pb_format import GOOD as GOOD_PB
from tests.test_abuse import table_rows
from tests.test_fuzz_forms import LIMITS_OFF, csrf_token, is_clear_error

SCALE = int(os.environ.get("TINGET_FUZZ_EXAMPLES", "6")) / 6
READERS = settings(
    max_examples=int(120 * SCALE),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
WEB = settings(
    max_examples=int(15 * SCALE),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

AWKWARD_CELLS = [
    "",
    " ",
    '"',
    '""',
    "\x00",
    "\r",
    "\n",
    "-1",
    "1e309",
    "nan",
    "inf",
    "9" * 40,
    "0.5",
    "²",
    "None",
    "ÆØÅ æøå",
    "\ufeff",
    "x" * 200_000,  # beyond the csv module's default field size limit
]


def cells(headings: list[str]):
    return st.one_of(st.sampled_from(AWKWARD_CELLS + headings), st.text(max_size=12))


def csv_bytes(headings: list[str]):
    """CSV-like files: a header drawn from the real column names (and junk), rows of awkward
    cells, any delimiter and line ending, in any of the encodings spreadsheets use; or bytes."""

    @st.composite
    def build(draw):
        delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
        newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
        header = draw(st.lists(st.sampled_from(headings + ["", "x"]), min_size=0, max_size=6))
        rows = draw(st.lists(st.lists(cells(headings), max_size=7), max_size=6))
        text = newline.join(delimiter.join(row) for row in [header, *rows])
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
        return text.encode(encoding, errors="replace")

    return st.one_of(build(), st.binary(max_size=200))


REGISTER_HEADINGS = ["husstand", "adresse", "område", "delområde", "id", "area", "alder"]
INPUT_HEADINGS = ["text", "date", "channel", "neighbourhood", "language", "age_band", "place"]
QUOTA_HEADINGS = ["feature", "value", "min", "max", "category", "name", "min_flex", "max_flex"]
POOL_HEADINGS = ["id", "gender", "age", "household", "address"]
PB_PIECES = [
    "META",
    "PROJECTS",
    "VOTES",
    "key;value",
    "project_id;cost;name",
    "voter_id;vote",
    "budget;1000",
    "vote_type;approval",
    "vote_type;cumulative",
    "vote_type;ordinal",
    "rule;greedy",
    "rule;mes_cost_add1+greedy",
    "rule;nonsense",
    "num_projects;2",
    "num_votes;1",
    "p1;500;A",
    "p2;-1;B",
    "p2;1e999;B",
    "v1;p1,p2",
    "v2;p9",
    "min_length;5",
    "max_sum_points;0",
    "\x00",
    "",
]


def pb_files():
    lines = st.lists(st.one_of(st.sampled_from(PB_PIECES), st.text(max_size=15)), max_size=25)
    pb = lines.map(lambda ls: "\n".join(ls).encode())
    result_json = st.one_of(
        st.just(b"[]"),
        st.just(b"not json"),
        st.dictionaries(
            st.sampled_from(["variant", "tie_break", "winners"]),
            st.one_of(
                st.text(max_size=10),
                st.integers(),
                st.just("order:p1,p9,,"),
                st.sampled_from(["greedy_cost", "mes_cost", "nonsense"]),
                st.lists(st.integers(), max_size=2),
            ),
        ).map(lambda d: json.dumps(d).encode()),
    )

    @st.composite
    def bundle(draw):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            if draw(st.booleans()):
                archive.writestr("ballots.pb", draw(st.one_of(pb, st.just(GOOD_PB.encode()))))
            if draw(st.booleans()):
                archive.writestr("result.json", draw(result_json))
        return out.getvalue()

    return st.one_of(pb, bundle(), st.binary(max_size=100), st.just(b"PK\x03\x04broken"))


# --- Readers, directly --------------------------------------------------------------------------


@READERS
@given(csv_bytes(REGISTER_HEADINGS))
def test_the_register_reader_returns_households_or_its_own_error(data):
    from panels.register import RegisterFileError, RegisterImport, read_register

    try:
        assert isinstance(read_register(data, ["Buran", "Lilleby"]), RegisterImport)
    except RegisterFileError as error:
        assert error.code.startswith("register.")


@READERS
@given(csv_bytes(QUOTA_HEADINGS), csv_bytes(POOL_HEADINGS))
def test_the_sortition_readers_return_their_data_or_an_input_error(quotas, people):
    from sampling.errors import InputError
    from sampling.formats import read_pool, read_quotas

    try:
        quota_file = read_quotas(quotas.decode("utf-8", errors="replace"), name="quotas.csv")
    except InputError as error:
        assert error.problems and all(p.code.startswith("input.") for p in error.problems)
        return
    try:
        read_pool(people.decode("utf-8", errors="replace"), quota_file.quotas, name="people.csv")
    except InputError as error:
        assert error.problems and all(p.code.startswith("input.") for p in error.problems)


@READERS
@given(csv_bytes(INPUT_HEADINGS))
def test_the_input_csv_parser_reports_rows_or_errors(data):
    from taxonomy import importing

    result = importing.parse_csv(
        importing.decode(data),
        areas=[],
        default_channel="web",
        default_area=None,
        default_date=date(2025, 1, 1),
        default_language="nb",
    )
    assert result.rows or result.errors


@READERS
@given(pb_files())
def test_the_pb_and_bundle_import_counts_or_refuses_with_a_budgeting_error(app, data):
    from budgeting import results
    from budgeting.services import BudgetingError

    try:
        counted = results.count_upload(data)
    except BudgetingError as error:
        assert error.code.startswith("import.")
    else:
        assert counted["ballots"] >= 0


# --- Through the web ------------------------------------------------------------------------


def upload(client, url: str, token: str, data: bytes, fields: dict | None = None):
    return client.post(
        url,
        data={"csrf_token": token, "file": (io.BytesIO(data), "upload.csv"), **(fields or {})},
        content_type="multipart/form-data",
    )


def fuzz_upload(client, url: str, files, fields: dict | None = None) -> list[str]:
    token = csrf_token(client)
    failures: list[str] = []

    tried = 0

    @WEB
    @given(files)
    def send(data):
        nonlocal tried
        tried += 1
        before = table_rows(skip=("audit_event",))
        response = upload(client, url, token, data, fields)
        if response.status_code >= 500:
            failures.append(f"{url}: 500 for {data[:80]!r}")
        elif response.status_code >= 400:
            if not is_clear_error(response):
                failures.append(f"{url}: {response.status_code} without a message")
            if table_rows(skip=("audit_event",)) != before:
                failures.append(f"{url}: refused but saved, {data[:80]!r}")

    send()
    print(f"uploaded {tried} files to {url}")
    return failures


@pytest.mark.app_config(**LIMITS_OFF)
def test_register_uploads_never_fail_with_a_500_or_save_a_refused_file(app, client, auth):
    from tests.residents import build_residents

    residents = build_residents()
    auth.become("facilitator")
    failures = fuzz_upload(
        client, f"/panels/{residents.panel_b.id}/register", csv_bytes(REGISTER_HEADINGS)
    )
    assert not failures, "\n".join(failures[:10])


def first_choices(html: str) -> dict[str, str]:
    """The first non-empty option of each select on a page: a valid value for each."""
    found = {}
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        values = [v for v in re.findall(r'value="([^"]*)"', options) if v]
        if values:
            found[name] = values[0]
    return found


@pytest.mark.app_config(**LIMITS_OFF)
def test_input_csv_uploads_never_fail_with_a_500_or_save_a_refused_file(app, client, auth):
    from app.demo import load_neighbourhoods

    load_neighbourhoods()
    auth.become("facilitator")
    fields = first_choices(client.get("/taxonomy/import").get_data(as_text=True))
    fields |= {"received_on": "2025-01-01", "place": ""}
    failures = fuzz_upload(client, "/taxonomy/import", csv_bytes(INPUT_HEADINGS), fields)
    assert not failures, "\n".join(failures[:10])


@pytest.mark.app_config(**LIMITS_OFF)
def test_pb_uploads_never_fail_with_a_500_or_save_anything(app, client, auth):
    auth.become("reader")
    failures = fuzz_upload(client, "/budgeting/importer", pb_files())
    assert not failures, "\n".join(failures[:10])
