"""Business rules of the taxonomy, usable without a request: intake from every channel
(``intake`` is what panels and budgeting call), public-form rate limiting, bulk entry, codebook
edits with versions and audit events, codings, memos and the coding queue."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import func, select

from app import audit, limits
from app.extensions import db
from app.models import Neighbourhood, User, utcnow

from .models import Code, CodeVersion, Coding, Indicator, InputItem, InputSubmission, Memo, Topic
from .redact import find_personal_data
from .vocabulary import AGE_BANDS, CHANNELS

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
DEFAULT_DOUBLE_CODE_SHARE = 0.2


class TaxonomyError(ValueError):
    """A refused operation; ``code`` is translated by the web layer."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def new_receipt() -> str:
    while True:
        receipt = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
        if not db.session.scalar(select(InputItem.id).where(InputItem.receipt == receipt)):
            return receipt


def _double_code_share() -> float:
    if has_app_context():
        return float(
            current_app.config.get("TAXONOMY_DOUBLE_CODE_SHARE", DEFAULT_DOUBLE_CODE_SHARE)
        )
    return DEFAULT_DOUBLE_CODE_SHARE


def intake(
    source_type: str | None,
    source_id: str | int | None,
    text: str,
    *,
    channel: str,
    neighbourhood: Neighbourhood | None = None,
    topic: Topic | None = None,
    language: str = "nb",
    received_on: date | None = None,
    age_band: str | None = None,
    place: str = "",
    consent: bool = False,
    batch: str = "",
    entered_by: User | None = None,
) -> InputItem:
    """Turn any input into an :class:`InputItem` (not committed).

    Panels and budgeting call this with ``source_type`` (e.g. ``"panel.recommendation"``) and the
    source's id; calling again for the same source updates the text instead of adding a copy."""
    text = (text or "").strip()
    if not text:
        raise TaxonomyError("input.empty")
    if channel not in CHANNELS:
        raise TaxonomyError("input.unknown_channel", channel=channel)
    if age_band is not None and age_band not in AGE_BANDS:
        raise TaxonomyError("input.unknown_age_band", age_band=age_band)
    source_key = str(source_id) if source_id is not None else None
    item = None
    if source_type is not None and source_key is not None:
        item = db.session.scalar(
            select(InputItem).where(
                InputItem.source_type == source_type, InputItem.source_id == source_key
            )
        )
    new = item is None
    if item is None:
        item = InputItem(
            source_type=source_type,
            source_id=source_key,
            receipt=new_receipt(),
            double_code=random.random() < _double_code_share(),
        )
    with db.session.no_autoflush:
        item.text = text
        item.channel = channel
        item.neighbourhood = (
            neighbourhood
            if neighbourhood is not None
            else (topic.neighbourhood if topic is not None else None)
        )
        item.topic = topic
        item.language = language
        item.received_on = received_on or date.today()
        item.age_band = age_band
        item.place = place
        item.consent = consent
        item.batch = batch
        item.entered_by = entered_by
        item.has_personal_data = bool(find_personal_data(text))
    if new:
        db.session.add(item)
    db.session.flush()
    return item


# --- Public form rate limiting -------------------------------------------------------------


#: ``source_type`` of items sent with the public form; ``source_id`` is the form's key.
PUBLIC_FORM = "input.form"


def stored_public_input(key: str) -> InputItem | None:
    """The item a public form with this key already stored (a resend, or two clicks at once)."""
    return db.session.scalar(
        select(InputItem).where(InputItem.source_type == PUBLIC_FORM, InputItem.source_id == key)
    )


def submission_allowed() -> bool:
    """Record a public submission attempt; refuse when this client sent too many lately."""
    window = timedelta(seconds=current_app.config.get("TAXONOMY_INPUT_WINDOW_SECONDS", 3600))
    limit = current_app.config.get("TAXONOMY_INPUT_MAX_PER_WINDOW", 20)
    if limits.too_many("taxonomy-input", limit, window, model=InputSubmission):
        return False
    limits.record("taxonomy-input", model=InputSubmission)
    return True


# --- Bulk entry ------------------------------------------------------------------------------


@dataclass
class Batch:
    channel: str
    neighbourhood: Neighbourhood | None
    place: str
    received_on: date
    language: str
    age_band: str | None = None
    topic: Topic | None = None


def bulk_entry(cards: str, batch: Batch, entered_by: User | None) -> list[InputItem]:
    """One item per non-empty line (a wish-tree card, a workshop note), all sharing the batch."""
    lines = [line.strip() for line in cards.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise TaxonomyError("input.empty")
    label = f"bulk-{utcnow():%Y%m%d%H%M%S}-{secrets.token_hex(2)}"
    items = [
        intake(
            None,
            None,
            line,
            channel=batch.channel,
            neighbourhood=batch.neighbourhood,
            topic=batch.topic,
            language=batch.language,
            received_on=batch.received_on,
            age_band=batch.age_band,
            place=batch.place,
            consent=True,
            batch=label,
            entered_by=entered_by,
        )
        for line in lines
    ]
    audit.record("taxonomy.bulk_entry", None, batch=label, items=len(items), channel=batch.channel)
    return items


# --- Codebook --------------------------------------------------------------------------------

CODE_FIELDS = (
    "label_nb",
    "label_en",
    "definition_nb",
    "definition_en",
    "include_nb",
    "include_en",
    "exclude_nb",
    "exclude_en",
    "examples_nb",
    "examples_en",
    "parent_id",
    "active",
    "sort_order",
)


def snapshot(code: Code) -> dict[str, Any]:
    data = {field: getattr(code, field) for field in CODE_FIELDS}
    data["indicators"] = sorted(i.key for i in code.indicators)
    return data


def save_code(
    code: Code | None,
    changes: dict[str, Any],
    indicator_ids: list[int] | None,
    actor: User | None,
) -> Code:
    """Create or change a code; each save that changes something is a new version, kept as a
    snapshot and written to the audit log with the fields that changed."""
    created = code is None
    if code is None:
        key = changes.pop("key", "").strip()
        if not key:
            raise TaxonomyError("code.key_required")
        if db.session.scalar(select(Code.id).where(Code.key == key)):
            raise TaxonomyError("code.key_taken", key=key)
        code = Code(key=key, version=0)
        db.session.add(code)
    else:
        changes.pop("key", None)
    before = {} if created else snapshot(code)
    if changes.get("parent_id") is not None and _would_cycle(code, changes["parent_id"]):
        raise TaxonomyError("code.parent_cycle")
    for field, value in changes.items():
        if field in CODE_FIELDS:
            setattr(code, field, value)
    if indicator_ids is not None:
        code.indicators = list(
            db.session.scalars(select(Indicator).where(Indicator.id.in_(indicator_ids)))
        )
    db.session.flush()
    after = snapshot(code)
    changed = sorted(field for field in after if before.get(field) != after[field])
    if not changed and not created:
        return code
    code.version = (code.version or 0) + 1
    code.updated_at = utcnow()
    db.session.add(
        CodeVersion(
            code=code,
            version=code.version,
            snapshot=after,
            changed_fields=changed,
            changed_by=actor,
        )
    )
    audit.record(
        "taxonomy.code_created" if created else "taxonomy.code_changed",
        code,
        actor=actor,
        key=code.key,
        version=code.version,
        changed=changed,
    )
    db.session.flush()
    return code


def _would_cycle(code: Code, parent_id: int) -> bool:
    if code.id is None:
        return False
    current = db.session.get(Code, parent_id)
    while current is not None:
        if current.id == code.id:
            return True
        current = current.parent
    return False


def code_tree() -> list[Code]:
    return list(
        db.session.scalars(
            select(Code).where(Code.parent_id.is_(None)).order_by(Code.sort_order, Code.key)
        )
    )


def active_codes() -> list[Code]:
    """Every active code in tree order (parents before their children)."""
    ordered: list[Code] = []

    def walk(codes: list[Code]) -> None:
        for code in codes:
            if code.active:
                ordered.append(code)
                walk(code.children)

    walk(code_tree())
    return ordered


# --- Coding ----------------------------------------------------------------------------------


def apply_coding(
    item: InputItem,
    code: Code,
    coder: User,
    start: int | None = None,
    end: int | None = None,
    from_suggestion: bool = False,
) -> Coding:
    """Apply ``code`` to the item (or to the excerpt [start, end)) as ``coder``."""
    if not code.active:
        raise TaxonomyError("coding.inactive_code")
    has_span = start is not None or end is not None
    if has_span and (start is None or end is None or not (0 <= start < end <= len(item.text))):
        raise TaxonomyError("coding.bad_excerpt")
    existing = db.session.scalar(
        select(Coding).where(
            Coding.item_id == item.id,
            Coding.code_id == code.id,
            Coding.coder_id == coder.id,
            Coding.start.is_(None) if start is None else Coding.start == start,
            Coding.end.is_(None) if end is None else Coding.end == end,
        )
    )
    if existing is not None:
        return existing
    coding = Coding(
        item=item,
        code=code,
        coder=coder,
        code_version=code.version,
        start=start,
        end=end,
        from_suggestion=from_suggestion,
    )
    db.session.add(coding)
    audit.record(
        "taxonomy.coded",
        item,
        actor=coder,
        code=code.key,
        start=start,
        end=end,
        from_suggestion=from_suggestion,
    )
    db.session.flush()
    return coding


def remove_coding(coding: Coding, actor: User) -> None:
    if coding.coder_id != actor.id and actor.role != "admin":
        raise TaxonomyError("coding.not_yours")
    audit.record("taxonomy.uncoded", coding.item, actor=actor, code=coding.code.key)
    db.session.delete(coding)
    db.session.flush()


def add_memo(item: InputItem, coder: User, text: str, code: Code | None = None) -> Memo:
    text = (text or "").strip()
    if not text:
        raise TaxonomyError("memo.empty")
    memo = Memo(item=item, coder=coder, text=text, code=code)
    db.session.add(memo)
    db.session.flush()
    return memo


def coders_of(item: InputItem) -> set[int]:
    return {coding.coder_id for coding in item.codings}


def queue_for(coder: User, limit: int = 50) -> list[InputItem]:
    """Items this coder should look at next: uncoded items first (oldest first), then items in
    the double-coding sample that one other coder has coded and this coder has not."""
    coded_by_me = select(Coding.item_id).where(Coding.coder_id == coder.id)
    coder_count = (
        select(func.count(func.distinct(Coding.coder_id)))
        .where(Coding.item_id == InputItem.id)
        .scalar_subquery()
    )
    uncoded = db.session.scalars(
        select(InputItem)
        .where(coder_count == 0)
        .order_by(InputItem.created_at, InputItem.id)
        .limit(limit)
    ).all()
    second = db.session.scalars(
        select(InputItem)
        .where(InputItem.double_code.is_(True), coder_count == 1, InputItem.id.not_in(coded_by_me))
        .order_by(InputItem.created_at, InputItem.id)
        .limit(limit)
    ).all()
    return list(second) + list(uncoded)


def next_item_for(coder: User, after: int | None = None) -> InputItem | None:
    queue = queue_for(coder)
    for item in queue:
        if after is None or item.id != after:
            return item
    return None
