"""The shipped indicator frameworks and default codebook load faithfully and idempotently,
through `flask taxonomy load` and `flask demo`."""

from __future__ import annotations

import csv

from sqlalchemy import func, select

from app.extensions import db
from taxonomy.frameworks import DATA, FRAMEWORK_FILES, read_codebook
from taxonomy.models import Code, CodeVersion, Indicator, InputItem


def indicator(key: str) -> Indicator:
    return db.session.scalar(select(Indicator).where(Indicator.key == key))


def test_every_row_of_every_framework_file_is_loaded(taxonomy):
    expected = 0
    for name, filename in FRAMEWORK_FILES.items():
        with (DATA / filename).open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        expected += len(rows)
        loaded = db.session.scalar(select(func.count()).where(Indicator.framework == name))
        assert loaded == len(rows), name
    assert db.session.scalar(select(func.count(Indicator.id))) == expected


def test_programme_goals_and_marmot_principles_are_there_in_both_languages(taxonomy):
    goals = db.session.scalars(select(Indicator).where(Indicator.kind == "goal")).all()
    assert [g.number for g in goals] == ["M1", "M2", "M3", "M4"]
    assert goals[3].label_nb == "Et styrket lokaldemokrati med lav terskel for deltakelse"
    principles = db.session.scalars(
        select(Indicator).where(Indicator.framework == "marmot").order_by(Indicator.sort_order)
    ).all()
    assert [p.number for p in principles] == list("ABCDEFGH")
    assert principles[0].label_en == "Give every child the best start in life"
    assert all(i.label_nb and i.label_en for i in db.session.scalars(select(Indicator)))


def test_appendix_4_keeps_age_groups_indicator_types_marmot_letters_and_sources(taxonomy):
    groups = db.session.scalars(
        select(Indicator).where(Indicator.kind == "age_group").order_by(Indicator.sort_order)
    ).all()
    assert [g.age_group for g in groups] == ["0-2", "2-5", "5-12", "13-19", "20-44", "45+", "all"]
    kinds = {
        i.kind
        for i in db.session.scalars(select(Indicator).where(Indicator.parent_id == groups[3].id))
    }
    assert kinds == {"process", "short_term", "long_term", "data_source"}
    mattering = indicator("PV-7-L2")
    assert mattering.marmot == "B" and mattering.parent.key == "PV-7"
    assert "medvirkning" in mattering.label_nb
    assert indicator("PV-7-P1").marmot == "A,B,C,D,E,F,G,H"
    assert indicator("PV-5-D23").sources == "SSB"  # voted at last election


def test_sdg_goals_targets_and_indicators_nest_by_number(taxonomy):
    participation = indicator("SDG-16.7.2")
    assert participation.kind == "sdg_indicator"
    assert participation.parent.key == "SDG-16.7" and participation.parent.parent.key == "SDG-16"
    assert participation.label_en.startswith("Proportion of population who believe decision making")
    assert indicator("SDG-17.14").kind == "sdg_target"  # listed in the seed without an indicator
    goals = db.session.scalars(select(Indicator.number).where(Indicator.kind == "sdg_goal")).all()
    assert sorted(goals, key=int) == ["1", "3", "4", "5", "8", "10", "11", "16", "17"]


def test_default_codebook_has_definitions_examples_and_links_for_every_code(taxonomy):
    codes = db.session.scalars(select(Code)).all()
    expected = sum(1 + len(c["children"]) for c in read_codebook()["codes"])
    assert len(codes) == expected
    for code in codes:
        assert code.label_nb and code.label_en and code.definition_nb and code.definition_en, (
            code.key
        )
        assert code.examples_nb and code.indicators, code.key
        assert code.versions and code.versions[0].version == 1
    goals = {c.key: {i.key for i in c.indicators} for c in codes if c.parent_id is None}
    assert goals["place"] >= {"PROG-M1"} and goals["democracy"] >= {"PROG-M4"}
    children = {c.key for c in codes if c.parent_id is not None}
    assert {
        "place.safety",
        "place.meeting_places",
        "community.children_youth",
        "place.housing",
        "place.traffic",
        "place.green",
        "community.culture",
        "opportunities.health",
        "opportunities.work",
        "opportunities.inclusion",
    } <= children


def test_loading_twice_adds_nothing_and_keeps_admin_edits(taxonomy, runner, code):
    safety = code("place.safety")
    safety.label_nb = "Trygghet og kriminalitet"
    db.session.commit()
    counts = (
        db.session.scalar(select(func.count(Indicator.id))),
        db.session.scalar(select(func.count(Code.id))),
    )
    result = runner.invoke(args=["taxonomy", "load"])
    assert result.exit_code == 0, result.output
    assert "codes added: 0" in result.output
    assert (
        db.session.scalar(select(func.count(Indicator.id))),
        db.session.scalar(select(func.count(Code.id))),
    ) == counts
    assert code("place.safety").label_nb == "Trygghet og kriminalitet"


def test_flask_demo_loads_frameworks_codebook_topics_and_coded_demo_input(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Indicator.id))) > 250
    items = db.session.scalar(select(func.count(InputItem.id)))
    assert items > 50
    assert db.session.scalar(select(func.count(CodeVersion.id))) >= 21
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count(InputItem.id))) == items
