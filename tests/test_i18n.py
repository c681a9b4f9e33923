"""Languages: locale choice order, the switcher, right-to-left layout, complete catalogues.

Residents meet Tinget in eight languages: every message from a file listed in
``translations/resident_facing.txt`` must be translated into all of them; staff pages need
Bokmål and English."""

from __future__ import annotations

import fnmatch
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from app.config import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_COMPLETE = ("nb", "en")
RESIDENT_LANGUAGES = tuple(LANGUAGES)
RESIDENT_FACING_LIST = ROOT / "translations" / "resident_facing.txt"
#: python-format placeholders: named (%(name)s) and positional (%s); %% is a literal sign.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")


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


def _key(message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _extract(out: Path, *options: str) -> None:
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
            *options,
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def resident_facing_patterns() -> list[str]:
    lines = RESIDENT_FACING_LIST.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@pytest.fixture(scope="module")
def resident_facing_ids(tmp_path_factory) -> set[str]:
    """The msgids extracted (with their source locations) from the resident-facing files."""
    out = tmp_path_factory.mktemp("extract") / "located.pot"
    _extract(out)
    with out.open("rb") as handle:
        located = read_po(handle)
    patterns = resident_facing_patterns()
    return {
        _key(message)
        for message in located
        if message.id
        and any(
            fnmatch.fnmatchcase(filename, pattern)
            for filename, _line in message.locations
            for pattern in patterns
        )
    }


def untranslated(catalogue, ids: set[str]) -> list[str]:
    """Messages of ``ids`` with no msgstr, a fuzzy one, or an empty or missing plural form."""
    found = {_key(m): m for m in catalogue if m.id}
    missing = []
    for key in sorted(ids):
        message = found.get(key)
        if message is None or message.fuzzy:
            missing.append(key)
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        forms = catalogue.num_plurals if message.pluralizable else 1
        if len(strings) < forms or not all(strings[:forms]):
            missing.append(key)
    return missing


def placeholders(text: str) -> set[tuple[str | None, str]]:
    return {(name or None, kind) for name, kind in PLACEHOLDER.findall(text) if kind != "%"}


def test_messages_pot_is_up_to_date_with_the_source(tmp_path):
    """Every translatable string in code and templates is in the committed messages.pot."""
    out = tmp_path / "fresh.pot"
    _extract(out, "--no-location")
    with out.open("rb") as handle:
        fresh = {_key(m) for m in read_po(handle) if m.id}
    committed = {_key(m) for m in _template() if m.id}
    assert fresh - committed == set(), "run `flask translate extract` and translate the new strings"


def test_every_entry_of_the_resident_facing_list_names_existing_files():
    """A renamed template must not silently drop out of the translation check."""
    for pattern in resident_facing_patterns():
        assert list(ROOT.glob(pattern)), f"{pattern} in resident_facing.txt matches no file"


def test_the_resident_facing_messages_cover_every_flow(resident_facing_ids):
    # One message from each flow the issue names, so a broken list is noticed.
    for flow_message in (
        "Skip to main content",
        "Send my ballot",
        "Share your ideas",
        "Sign up",
        "Why this result?",
        "Hi, %(name)s! The group has %(amount)s to spend together.",
    ):
        assert any(flow_message in key for key in resident_facing_ids), flow_message


@pytest.mark.parametrize("lang", RESIDENT_LANGUAGES)
def test_every_resident_facing_message_is_translated(lang, resident_facing_ids):
    missing = untranslated(_catalogue(lang), resident_facing_ids)
    assert not missing, f"{lang}: {len(missing)} resident-facing messages lack a translation: " + (
        "; ".join(repr(m) for m in missing[:40])
    )


@pytest.mark.parametrize("lang", REQUIRED_COMPLETE)
def test_every_message_has_a_translation(lang):
    """Staff pages too are complete in Bokmål and English."""
    every_id = {_key(m) for m in _template() if m.id}
    missing = untranslated(_catalogue(lang), every_id)
    assert not missing, f"{lang}: untranslated, fuzzy or missing: {missing}"


@pytest.mark.parametrize("lang", RESIDENT_LANGUAGES)
def test_translations_keep_the_placeholders_of_the_source(lang):
    """A placeholder lost, renamed or added in a translation crashes the page that shows it."""
    broken = []
    for message in _catalogue(lang):
        if not message.id or not message.python_format:
            continue
        if message.pluralizable:
            # Every plural form may be used for many numbers, so each keeps the plural's set.
            expected = placeholders(message.id[1]) | placeholders(message.id[0])
            strings = [s for s in message.string if s]
            wrong = [s for s in strings if placeholders(s) - expected or not placeholders(s)]
        else:
            expected = placeholders(message.id)
            wrong = (
                [message.string]
                if message.string and placeholders(message.string) != expected
                else []
            )
        broken += [f"{_key(message)!r} -> {s!r}" for s in wrong]
    assert not broken, f"{lang}: placeholders differ from the source: " + "; ".join(broken)


def test_arabic_catalogue_exists_and_translates_the_page_frame(client):
    response = client.get("/?lang=ar")
    assert "انتقل إلى المحتوى الرئيسي" in response.text


@pytest.mark.parametrize("lang", RESIDENT_LANGUAGES)
def test_the_html_element_names_the_language_and_its_direction(client, lang):
    response = client.get(f"/?lang={lang}")
    assert response.status_code == 200
    assert f'<html lang="{lang}" dir="{LANGUAGES[lang]["dir"]}">' in response.text


def test_every_language_has_its_own_name_and_a_babel_locale():
    from babel import Locale
    from babel.dates import format_date
    from babel.numbers import format_decimal

    for code, info in LANGUAGES.items():
        locale = Locale.parse(code)
        assert info["dir"] == ("rtl" if locale.character_order == "right-to-left" else "ltr")
        assert info["name"].casefold() == locale.display_name.casefold(), code
        # Dates and numbers are formatted with Babel's data for the language: it must exist.
        assert format_date(date(2026, 3, 1), format="long", locale=code)
        assert format_decimal(1_100_000, locale=code)


@pytest.fixture
def resident_pages(app, client) -> list[str]:
    """One page of every resident flow, with the data it needs: panel sign-up by letter and by
    code, the input form, the ballot (a code entered in this client's session), the youth group
    (joined in this session), results and the per-voter explanation, and an error page."""
    from app.demo import load_neighbourhoods
    from app.extensions import db
    from app.models import Neighbourhood
    from budgeting import results, voting
    from budgeting import services as budgeting
    from panels import services as panels
    from panels.services import PanelSpec
    from taxonomy.models import Topic
    from tests.budgeting.conftest import application, vote
    from tests.panels.conftest import QUOTAS, panel_invitations, register_csv

    load_neighbourhoods()
    lademoen = db.session.scalar(select(Neighbourhood).where(Neighbourhood.slug == "lademoen"))
    panel = panels.create_panel(
        PanelSpec(
            title="Borgerpanel om Buran",
            neighbourhood=lademoen,
            panel_size=6,
            pool_target=12,
            closes_on=date.today() + timedelta(days=60),
            quotas=QUOTAS,
            default_response_rate=0.5,
            kind="adult",
        )
    )
    panels.import_register(panel, register_csv())
    panels.run_stage1(panel)
    invitation = panel_invitations(panel)[0]
    db.session.add(Topic(slug="lademoen-i18n", neighbourhood=lademoen, title="Hva ønsker du deg?"))

    def round_with_projects(title: str):
        round_ = budgeting.create_round(
            title=title, budget=1_100_000, neighbourhood_id=lademoen.id, year=2025
        )
        budgeting.advance_phase(round_)
        for name, cost in (("A", 500_000), ("B", 400_000), ("C", 300_000)):
            budgeting.decide(budgeting.submit_proposal(round_, application(name, cost)), True, "")
        budgeting.advance_phase(round_)
        budgeting.advance_phase(round_)  # voting
        db.session.commit()
        return round_

    voting_round = round_with_projects("Nabolagspotten 2026")
    (code,) = voting.generate_codes(voting_round, 1)
    counted_round = round_with_projects("Nabolagspotten 2025")
    voter_code, _ballot = vote(counted_round, "A", "C")
    vote(counted_round, "B")
    budgeting.advance_phase(counted_round)  # closed
    results.count_round(counted_round)
    budgeting.advance_phase(counted_round)  # published
    group = budgeting.create_round(
        title="Veien til førerkortet", kind="youth", budget=100_000, neighbourhood_id=lademoen.id
    )
    budgeting.advance_phase(group)
    db.session.commit()

    entered = client.post(f"/budsjett/{voting_round.slug}/stem", data={"code": code.code})
    assert entered.status_code in (302, 303)
    joined = client.post(
        "/budsjett/bli-med", data={"code": group.join_code, "nickname": "Sara", "age_band": ""}
    )
    assert joined.status_code == 302
    return [
        "/",
        f"/p/{panel.id}/join/{invitation.token}",
        "/p/code",
        "/input/",
        "/input/lademoen-i18n",
        "/budsjett/",
        f"/budsjett/{voting_round.slug}",
        f"/budsjett/{voting_round.slug}/stemmeseddel",
        f"/budsjett/{counted_round.slug}/resultat",
        f"/budsjett/{counted_round.slug}/hvorfor?code={voting.format_code(voter_code.code)}",
        f"/budsjett/{group.slug}/gruppe",
    ]


@pytest.mark.parametrize("lang", RESIDENT_LANGUAGES)
def test_every_resident_flow_renders_in_every_language(client, resident_pages, lang):
    for path in resident_pages:
        separator = "&" if "?" in path else "?"
        response = client.get(f"{path}{separator}lang={lang}")
        assert response.status_code == 200, f"{lang} {path}: {response.status_code}"
        assert f'<html lang="{lang}" dir="{LANGUAGES[lang]["dir"]}">' in response.text, path
    missing = client.get(f"/no-such-page?lang={lang}")
    assert missing.status_code == 404
    assert f'<html lang="{lang}"' in missing.text


def test_an_explanation_posted_in_polish_explains_the_voters_result(client, resident_pages):
    why = next(path for path in resident_pages if "/hvorfor" in path)
    page, code = why.split("?code=")
    response = client.post(f"{page}?lang=pl", data={"code": code})
    assert response.status_code == 200
    assert "Poparte przez Ciebie:" in response.text  # "You supported:"


def test_amounts_are_left_to_right_isolates_inside_arabic_pages(client, resident_pages):
    round_page = next(path for path in resident_pages if path.endswith("2026"))
    response = client.get(f"{round_page}?lang=ar")
    assert "\u20661,100,000 kr\u2069" in response.text


def test_codes_on_printed_letters_and_status_pages_read_left_to_right():
    for template in ("panels/letters.html", "panels/public/status.html"):
        source = (ROOT / "templates" / template).read_text(encoding="utf-8")
        assert '<p class="letter-code"><bdi dir="ltr">' in source, template
