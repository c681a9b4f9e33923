"""Taxonomy models: the codebook (versioned), indicator frameworks and their links to codes,
residents' input items from every channel, codings with excerpts, memos, public input topics
(one per poster) and the record of public submissions used for rate limiting."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models import Neighbourhood, User, utcnow

code_indicator = Table(
    "code_indicator",
    db.metadata,
    Column("code_id", ForeignKey("code.id", ondelete="CASCADE"), primary_key=True),
    Column("indicator_id", ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True),
)


class Indicator(db.Model):
    """One node of an indicator framework: a programme goal or focus area, a Marmot principle,
    an appendix-4 indicator for an age group, an SDG goal/target/indicator, or a local one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    framework: Mapped[str] = mapped_column(String(30), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("indicator.id"))
    number: Mapped[str] = mapped_column(String(20), default="")
    label_nb: Mapped[str] = mapped_column(Text)
    label_en: Mapped[str] = mapped_column(Text)
    age_group: Mapped[str] = mapped_column(String(30), default="")
    marmot: Mapped[str] = mapped_column(String(20), default="")
    sources: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str] = mapped_column(String(80), default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    local: Mapped[bool] = mapped_column(default=False)

    parent: Mapped[Indicator | None] = relationship(remote_side=[id])
    codes: Mapped[list[Code]] = relationship(
        secondary=code_indicator, back_populates="indicators", order_by="Code.sort_order"
    )

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_nb


class Code(db.Model):
    """A code of the codebook. Hierarchical; every change raises ``version`` and is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("code.id"))
    label_nb: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    definition_nb: Mapped[str] = mapped_column(Text, default="")
    definition_en: Mapped[str] = mapped_column(Text, default="")
    include_nb: Mapped[str] = mapped_column(Text, default="")
    include_en: Mapped[str] = mapped_column(Text, default="")
    exclude_nb: Mapped[str] = mapped_column(Text, default="")
    exclude_en: Mapped[str] = mapped_column(Text, default="")
    # One example per line.
    examples_nb: Mapped[str] = mapped_column(Text, default="")
    examples_en: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Code | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Code]] = relationship(back_populates="parent", order_by="Code.sort_order")
    indicators: Mapped[list[Indicator]] = relationship(
        secondary=code_indicator, back_populates="codes", order_by="Indicator.sort_order"
    )
    versions: Mapped[list[CodeVersion]] = relationship(
        back_populates="code", order_by="CodeVersion.version.desc()"
    )

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_nb

    def text(self, field: str, lang: str) -> str:
        return getattr(self, f"{field}_{'en' if lang == 'en' else 'nb'}")

    @property
    def path_label(self) -> str:
        return f"{self.parent.label_nb} › {self.label_nb}" if self.parent else self.label_nb


class CodeVersion(db.Model):
    """A snapshot of a code as it was at one version, with who saved it and when."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    changed_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    code: Mapped[Code] = relationship(back_populates="versions")
    changed_by: Mapped[User | None] = relationship()


class Topic(db.Model):
    """What residents are asked about in one neighbourhood; each has a public form and a poster."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    neighbourhood_id: Mapped[int] = mapped_column(ForeignKey("neighbourhood.id"))
    title: Mapped[str] = mapped_column(String(200))
    question: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    neighbourhood: Mapped[Neighbourhood] = relationship()


class InputItem(db.Model):
    """One piece of residents' input, in its original wording, from whatever channel."""

    __table_args__ = (UniqueConstraint("source_type", "source_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(30), index=True)
    neighbourhood_id: Mapped[int | None] = mapped_column(ForeignKey("neighbourhood.id"))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topic.id"))
    language: Mapped[str] = mapped_column(String(10), default="nb")
    received_on: Mapped[date] = mapped_column(index=True)
    age_band: Mapped[str | None] = mapped_column(String(10))
    place: Mapped[str] = mapped_column(String(200), default="")
    # Where the item came from when another feature handed it over (panel recommendation, …).
    source_type: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[str | None] = mapped_column(String(40))
    consent: Mapped[bool] = mapped_column(default=False)
    receipt: Mapped[str] = mapped_column(String(12), unique=True)
    has_personal_data: Mapped[bool] = mapped_column(default=False)
    double_code: Mapped[bool] = mapped_column(default=False)
    batch: Mapped[str] = mapped_column(String(40), default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    neighbourhood: Mapped[Neighbourhood | None] = relationship()
    topic: Mapped[Topic | None] = relationship()
    entered_by: Mapped[User | None] = relationship()
    codings: Mapped[list[Coding]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Coding.id"
    )
    memos: Mapped[list[Memo]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="Memo.id"
    )


class Coding(db.Model):
    """A code applied by one coder to an item, to the whole text or to an excerpt [start, end)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("input_item.id", ondelete="CASCADE"), index=True
    )
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id"), index=True)
    coder_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    code_version: Mapped[int] = mapped_column(default=1)
    start: Mapped[int | None]
    end: Mapped[int | None]
    from_suggestion: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[InputItem] = relationship(back_populates="codings")
    code: Mapped[Code] = relationship()
    coder: Mapped[User] = relationship()

    @property
    def excerpt(self) -> str:
        if self.start is None or self.end is None:
            return ""
        return self.item.text[self.start : self.end]


class Memo(db.Model):
    """A coder's note on an item (optionally about one code)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("input_item.id", ondelete="CASCADE"), index=True
    )
    coder_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    code_id: Mapped[int | None] = mapped_column(ForeignKey("code.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[InputItem] = relationship(back_populates="memos")
    coder: Mapped[User] = relationship()
    code: Mapped[Code | None] = relationship()


class InputSubmission(db.Model):
    """A public submission, kept briefly (keyed hash of the client only) for rate limiting."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
