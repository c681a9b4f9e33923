"""Suggestions for one item from the database: the codebook's texts and every coded item feed a
:class:`taxonomy.suggest.Suggester`, rebuilt only when the codebook or the codings change."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.models import User

from .models import Code, Coding, InputItem
from .suggest import Example, Suggester

_cache: dict[str, tuple[tuple, Suggester | None]] = {}


@dataclass
class CodeSuggestion:
    code: Code
    confidence: float
    score: float


def codebook_examples(codes: list[Code]) -> list[Example]:
    examples = []
    for code in codes:
        for lang in ("nb", "en"):
            examples.append(
                Example(
                    code.key,
                    " ".join(
                        [
                            getattr(code, f"label_{lang}"),
                            getattr(code, f"definition_{lang}"),
                            getattr(code, f"include_{lang}"),
                        ]
                    ),
                )
            )
            examples.extend(
                Example(code.key, line)
                for line in getattr(code, f"examples_{lang}").splitlines()
                if line.strip()
            )
    return examples


def coded_examples(exclude_item: int | None = None) -> list[Example]:
    rows = db.session.execute(
        select(Coding.code_id, Coding.item_id, Coding.start, Coding.end, InputItem.text)
        .join(InputItem, InputItem.id == Coding.item_id)
        .order_by(Coding.id)
    ).all()
    keys = dict(db.session.execute(select(Code.id, Code.key)).all())
    seen = set()
    examples = []
    for code_id, item_id, start, end, text in rows:
        if item_id == exclude_item or (code_id, item_id) in seen:
            continue
        seen.add((code_id, item_id))
        excerpt = text[start:end] if start is not None and end is not None else text
        examples.append(Example(keys[code_id], excerpt, coded=True))
    return examples


def _fingerprint() -> tuple:
    return (
        db.session.scalar(select(func.count(Coding.id))),
        db.session.scalar(select(func.max(Coding.id))),
        db.session.scalar(select(func.max(Code.updated_at))),
        db.session.scalar(select(func.count(Code.id))),
        db.engine.url.render_as_string(),
    )


def current_suggester() -> Suggester | None:
    fingerprint = _fingerprint()
    cached = _cache.get("suggester")
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    codes = list(db.session.scalars(select(Code).where(Code.active.is_(True))))
    examples = codebook_examples(codes) + coded_examples()
    suggester = Suggester(examples) if examples else None
    _cache["suggester"] = (fingerprint, suggester)
    return suggester


def suggestions_for(
    item: InputItem, exclude_coder: User | None = None, limit: int = 5
) -> list[CodeSuggestion]:
    """Likely codes for ``item`` with a confidence; never applied by this function."""
    if item.codings:
        # Leave this item's own codings out, so a second coder is not steered by the first.
        codes_ = list(db.session.scalars(select(Code).where(Code.active.is_(True))))
        examples = codebook_examples(codes_) + coded_examples(exclude_item=item.id)
        suggester = Suggester(examples) if examples else None
    else:
        suggester = current_suggester()
    if suggester is None:
        return []
    codes = {c.key: c for c in db.session.scalars(select(Code).where(Code.active.is_(True)))}
    already = {c.code_id for c in item.codings if exclude_coder and c.coder_id == exclude_coder.id}
    results = []
    for suggestion in suggester.suggest(item.text, limit=limit + len(already)):
        code = codes.get(suggestion.code)
        if code is not None and code.id not in already:
            results.append(CodeSuggestion(code, suggestion.confidence, suggestion.score))
    return results[:limit]
