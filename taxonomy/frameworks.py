"""Loading the data shipped in ``taxonomy/data``: the indicator frameworks (programme goals and
focus areas, Marmot A–H, appendix-4 indicators by age group, SDG goals/targets/indicators), the
default codebook with its indicator links, and demo input for ``flask demo``.

Loading is idempotent: rows are matched by ``key``; shipped labels are refreshed, local
indicators and codes edited by administrators are left alone."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import Neighbourhood, User

from .models import Code, CodeVersion, Indicator, InputItem

DATA = Path(__file__).resolve().parent / "data"

FRAMEWORK_FILES = {
    "programme": "programme.csv",
    "marmot": "marmot.csv",
    "public_values": "public_values.csv",
    "sdg": "sdg.csv",
}


@dataclass
class LoadReport:
    indicators_added: int = 0
    codes_added: int = 0
    links_added: int = 0
    items_added: int = 0


def read_framework(name: str) -> list[dict[str, str]]:
    with (DATA / FRAMEWORK_FILES[name]).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_frameworks(report: LoadReport | None = None) -> LoadReport:
    report = report or LoadReport()
    existing = {i.key: i for i in db.session.scalars(select(Indicator))}
    for framework in FRAMEWORK_FILES:
        for order, row in enumerate(read_framework(framework)):
            indicator = existing.get(row["key"])
            if indicator is None:
                indicator = Indicator(key=row["key"], framework=framework)
                db.session.add(indicator)
                existing[row["key"]] = indicator
                report.indicators_added += 1
            indicator.kind = row["kind"]
            indicator.number = row.get("number") or row["key"].split("-", 1)[-1]
            indicator.label_nb = row["label_nb"]
            indicator.label_en = row["label_en"]
            indicator.age_group = row.get("age_group", "")
            indicator.marmot = row.get("marmot", "")
            indicator.sources = row.get("sources", "")
            indicator.reference = row.get("reference", "")
            indicator.sort_order = _framework_offset(framework) + order
            indicator.parent = existing[row["parent"]] if row["parent"] else None
    db.session.flush()
    return report


def _framework_offset(framework: str) -> int:
    return list(FRAMEWORK_FILES).index(framework) * 10_000


def read_codebook() -> dict:
    with (DATA / "codebook.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def load_codebook(report: LoadReport | None = None) -> LoadReport:
    """Insert the default codes that are missing, with their indicator links."""
    report = report or LoadReport()
    indicators = {i.key: i for i in db.session.scalars(select(Indicator))}
    codes = {c.key: c for c in db.session.scalars(select(Code))}

    def add(spec: dict, parent: Code | None, order: int) -> None:
        code = codes.get(spec["key"])
        if code is None:
            code = Code(
                key=spec["key"],
                parent=parent,
                sort_order=order,
                label_nb=spec["label_nb"],
                label_en=spec["label_en"],
                version=1,
            )
            for field in ("definition", "include", "exclude"):
                for lang in ("nb", "en"):
                    setattr(code, f"{field}_{lang}", spec.get(f"{field}_{lang}", ""))
            code.examples_nb = "\n".join(spec.get("examples_nb", []))
            code.examples_en = "\n".join(spec.get("examples_en", []))
            for key in spec.get("indicators", []):
                if key not in indicators:
                    raise KeyError(f"codebook.json links {spec['key']} to unknown indicator {key}")
                code.indicators.append(indicators[key])
                report.links_added += 1
            db.session.add(code)
            db.session.flush()
            from .services import snapshot

            db.session.add(
                CodeVersion(
                    code=code, version=1, snapshot=snapshot(code), changed_fields=["created"]
                )
            )
            codes[code.key] = code
            report.codes_added += 1
        for child_order, child in enumerate(spec.get("children", [])):
            add(child, code, child_order)

    for order, spec in enumerate(read_codebook()["codes"]):
        add(spec, None, order)
    db.session.flush()
    return report


def load_defaults() -> LoadReport:
    """Frameworks and codebook: what ``flask taxonomy load`` and ``flask demo`` both do."""
    report = load_frameworks()
    load_codebook(report)
    return report


def read_demo_inputs() -> list[dict[str, str]]:
    with (DATA / "demo_inputs.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_demo_inputs(coder: User | None = None, report: LoadReport | None = None) -> LoadReport:
    """Add the demo input items once (as ``demo`` batch); code the first two thirds as ``coder``."""
    from . import services

    report = report or LoadReport()
    if db.session.scalar(select(func.count(InputItem.id)).where(InputItem.batch == "demo")):
        return report
    areas = {n.slug: n for n in db.session.scalars(select(Neighbourhood))}
    codes = {c.key: c for c in db.session.scalars(select(Code))}
    rows = read_demo_inputs()
    for index, row in enumerate(rows):
        item = services.intake(
            None,
            None,
            row["text"],
            channel=row["channel"],
            neighbourhood=areas.get(row["neighbourhood"]),
            language=row["language"],
            received_on=date.fromisoformat(row["received_on"]),
            age_band=row["age_band"] or None,
            consent=True,
            batch="demo",
        )
        report.items_added += 1
        if coder is not None and index % 3 != 2:
            for key in row["codes"].split(";"):
                services.apply_coding(item, codes[key], coder)
    db.session.flush()
    return report
