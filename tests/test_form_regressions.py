"""Bugs the fuzzers found, pinned down one by one with the answer each input now gets."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from budgeting.models import Ballot, Round
from panels.models import SupportVote
from tests.residents import build_residents

ROUND = {
    "title": "Nabolagspotten 2026",
    "kind": "pot",
    "administrator": "Kulturenheten",
    "neighbourhood_id": "0",
    "budget": "500000",
    "ballot_type": "approval",
    "rule_variant": "greedy_cost",
}


def test_a_facilitator_creates_a_round_through_the_form(client, auth):
    auth.become("facilitator")
    response = client.post("/budgeting/ny", data=ROUND)
    assert response.status_code == 302
    assert db.session.scalar(select(Round.administrator)) == "Kulturenheten"


def test_a_budget_too_large_for_the_database_is_refused_with_a_message(client, auth):
    auth.become("facilitator")
    response = client.post("/budgeting/ny?lang=en", data=ROUND | {"budget": str(10**20)})
    assert response.status_code == 400
    assert "Write a whole number from 1 to 2000000000." in response.text
    assert db.session.scalar(select(func.count(Round.id))) == 0


@pytest.mark.parametrize("project", ["²", "٣", "9" * 5000])
def test_odd_digits_in_a_ballot_are_no_choice_and_never_a_crash(client, project):
    residents = build_residents()
    with client.session_transaction() as session:
        session["budget_codes"] = {str(residents.voting_a.id): residents.voting_a.code_id}
    url = f"/budsjett/{residents.voting_a.slug}/stemmeseddel"
    response = client.post(url, data={"project": project})
    assert response.status_code in (303, 400)
    stored = db.session.scalar(
        select(Ballot.projects).where(Ballot.round_id == residents.voting_a.id)
    )
    assert stored in (None, [])


def test_a_blank_support_vote_is_no_vote(client):
    residents = build_residents()
    panel = residents.panel_a
    response = client.post(
        f"/p/{panel.id}/me/{panel.member_token}/vote", data={f"r{panel.recommendation_id}": " "}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(SupportVote.id))) == 0


def test_a_file_sent_in_a_text_field_is_a_missing_answer_not_a_crash(client):
    response = client.post(
        "/auth/login?lang=en",
        data={"username": (io.BytesIO(b"admin"), "x.txt"), "password": "secret"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "Enter your username." in response.text


def test_nul_characters_are_dropped_from_what_residents_type(client):
    residents = build_residents()
    response = client.post(
        f"/input/{residents.topic_slug}", data={"text": "Mer\x00 lys i parken", "consent": "y"}
    )
    assert response.status_code == 302
    from taxonomy.models import InputItem

    assert db.session.scalar(select(InputItem.text).where(InputItem.channel == "web")) == (
        "Mer lys i parken"
    )


def _bundle(pb: bytes, result_json: bytes) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ballots.pb", pb)
        archive.writestr("result.json", result_json)
    return out.getvalue()


@pytest.mark.parametrize("result_json", [b"[]", b'{"variant": ["x"]}', b"not json"])
def test_a_bundle_whose_result_is_not_an_object_is_refused_with_a_message(
    client, auth, result_json
):
    from tests.budgeting_rules.test_pb_format import GOOD

    auth.become("reader")
    data = {"file": (io.BytesIO(_bundle(GOOD.encode(), result_json)), "resultat.zip")}
    response = client.post(
        "/budgeting/importer?lang=en", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "error-message" in response.text


def test_a_bundle_that_unpacks_too_large_is_refused_before_reading(client, auth, monkeypatch):
    from budgeting import results

    monkeypatch.setattr(results, "MAX_UNPACKED_BYTES", 1000)
    auth.become("reader")
    bomb = _bundle(b"META\n" + b" " * 5000, b"{}")
    assert len(bomb) < 1000
    data = {"file": (io.BytesIO(bomb), "resultat.zip")}
    response = client.post("/budgeting/importer", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
