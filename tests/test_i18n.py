"""Languages: locale choice order, the switcher, right-to-left layout, complete catalogues."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_COMPLETE = ("nb", "en")


def test_bokmal_is_the_default_language(client):
    response = client.get("/")
    assert '<html lang="nb" dir="ltr">' in response.text
    assert "Si din mening om nabolaget ditt" in response.text


def test_accept_language_is_honoured(client):
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en"' in response.text
    assert "Have your say in your neighbourhood" in response.text


def test_plain_norwegian_accept_language_gives_bokmal(client):
    response = client.get("/", headers={"Accept-Language": "no"})
    assert '<html lang="nb"' in response.text


def test_query_parameter_wins_and_is_remembered_in_a_cookie(client):
    response = client.get("/?lang=en", headers={"Accept-Language": "nb"})
    assert '<html lang="en"' in response.text
    assert "tinget_lang=en" in response.headers["Set-Cookie"]
    later = client.get("/", headers={"Accept-Language": "nb"})
    assert '<html lang="en"' in later.text


def test_unknown_language_falls_back_to_bokmal(client):
    response = client.get("/?lang=xx")
    assert '<html lang="nb"' in response.text


def test_arabic_pages_are_right_to_left(client):
    response = client.get("/?lang=ar")
    assert '<html lang="ar" dir="rtl">' in response.text


def test_language_switcher_links_keep_the_current_page(client):
    response = client.get("/auth/login?next=/staff")
    assert 'href="/auth/login?next=%2Fstaff&amp;lang=en"' in response.text
    assert 'lang="ar" hreflang="ar" dir="rtl"' in response.text


def _catalogue(lang: str):
    with (ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _template():
    with (ROOT / "translations" / "messages.pot").open("rb") as handle:
        return read_po(handle)


def test_messages_pot_is_up_to_date_with_the_source(tmp_path):
    """Every translatable string in code and templates is in the committed messages.pot."""
    out = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "--no-location",
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with out.open("rb") as handle:
        fresh = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    committed = {m.id if isinstance(m.id, str) else m.id[0] for m in _template() if m.id}
    assert fresh - committed == set(), "run `flask translate extract` and translate the new strings"


@pytest.mark.parametrize("lang", REQUIRED_COMPLETE)
def test_every_message_has_a_translation(lang):
    catalogue = _catalogue(lang)
    template_ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _template() if m.id}
    untranslated = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(message.id)
    in_catalogue = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    assert not untranslated, f"{lang}: untranslated or fuzzy: {untranslated}"
    assert template_ids <= in_catalogue, f"{lang}: missing {sorted(template_ids - in_catalogue)}"


def test_arabic_catalogue_exists_and_translates_the_page_frame(client):
    response = client.get("/?lang=ar")
    assert "انتقل إلى المحتوى الرئيسي" in response.text
