"""The deliberation of a drawn panel: phases with dates and status, sessions with agenda and
expert inputs (links, checked uploads), QR check-in, small groups balanced across strata with a
moderator each, recommendations (sent to the taxonomy's input queue), support votes and the
final report (aggregates only)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import User, utcnow

from .models import (
    PHASE_STATUSES,
    PHASES,
    SUPPORT_SCALE,
    Attendance,
    ExpertInput,
    Panel,
    PanelGroup,
    PanelSession,
    Phase,
    Recommendation,
    SupportVote,
    Volunteer,
)
from .services import PanelError, new_token, normalise_code

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
IMAGE_TYPES = ("png", "jpg", "jpeg")
#: Accepted uploads: extension -> (content type, the bytes such files start with).
DOCUMENT_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
}


# --- Phases --------------------------------------------------------------------------------


def update_phase(
    phase: Phase,
    starts_on: date | None,
    ends_on: date | None,
    status: str,
    actor: User | None = None,
) -> None:
    if status not in PHASE_STATUSES:
        raise PanelError("phase.unknown_status")
    if starts_on and ends_on and ends_on < starts_on:
        raise PanelError("phase.ends_before_start")
    changed = {
        k: str(v)
        for k, v, old in (
            ("starts_on", starts_on, phase.starts_on),
            ("ends_on", ends_on, phase.ends_on),
            ("status", status, phase.status),
        )
        if v != old
    }
    phase.starts_on, phase.ends_on, phase.status = starts_on, ends_on, status
    if changed:
        audit.record("panels.phase_changed", phase, actor=actor, phase=phase.name, **changed)


def close_panel(panel: Panel, actor: User | None = None) -> None:
    """Closing starts the countdown to the deletion of personal data."""
    if panel.status == "closed":
        raise PanelError("panel.already_closed")
    panel.status, panel.closed_at = "closed", utcnow()
    audit.record("panels.closed", panel, actor=actor)


# --- Sessions and expert inputs ------------------------------------------------------------


def add_session(
    panel: Panel, phase: str, title: str, starts_at: datetime, place: str = "", agenda: str = ""
) -> PanelSession:
    if phase not in PHASES:
        raise PanelError("phase.unknown")
    session = PanelSession(
        panel=panel,
        phase=phase,
        title=title.strip(),
        starts_at=starts_at,
        place=place.strip(),
        agenda=agenda.strip(),
        checkin_token=new_token(),
    )
    db.session.add(session)
    db.session.flush()
    return session


def add_link(session: PanelSession, title: str, url: str) -> ExpertInput:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PanelError("input.bad_url")
    item = ExpertInput(title=title.strip(), url=url.strip())
    session.inputs.append(item)
    db.session.flush()
    return item


def checked_upload(filename: str, data: bytes, allowed: tuple[str, ...] | None = None) -> str:
    """The content type of an upload whose size, extension and first bytes are acceptable."""
    allowed = allowed or tuple(DOCUMENT_TYPES)
    extension = filename.rsplit(".", 1)[-1].casefold() if "." in filename else ""
    if extension not in allowed:
        raise PanelError("document.type", allowed=", ".join(sorted(allowed)))
    if not data:
        raise PanelError("document.empty")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise PanelError("document.too_large", limit_mb=MAX_DOCUMENT_BYTES // (1024 * 1024))
    content_type, magics = DOCUMENT_TYPES[extension]
    if not data.startswith(magics):
        raise PanelError("document.content_mismatch", extension=extension)
    return content_type


def add_document(session: PanelSession, title: str, filename: str, data: bytes) -> ExpertInput:
    """Store an uploaded document after checking its size, extension and first bytes."""
    content_type = checked_upload(filename, data)
    safe_name = "".join(c if c.isalnum() or c in "._-" else "_" for c in filename)[-120:]
    item = ExpertInput(
        title=title.strip() or safe_name,
        filename=safe_name,
        content_type=content_type,
        size=len(data),
        data=data,
    )
    session.inputs.append(item)
    db.session.flush()
    return item


# --- Check-in ------------------------------------------------------------------------------


def check_in(session: PanelSession, code: str, method: str = "qr") -> Volunteer:
    """Record attendance of the panel member whose personal code was typed at the venue."""
    volunteer = db.session.scalar(
        select(Volunteer).where(
            Volunteer.panel_id == session.panel_id,
            Volunteer.short_code == normalise_code(code),
        )
    )
    if volunteer is None:
        raise PanelError("checkin.unknown_code")
    return check_in_member(session, volunteer, method)


def check_in_member(session: PanelSession, volunteer: Volunteer, method: str) -> Volunteer:
    if volunteer.panel_id != session.panel_id or volunteer.status != "selected":
        raise PanelError("checkin.not_a_member")
    exists = db.session.scalar(
        select(Attendance.id).where(
            Attendance.session_id == session.id, Attendance.volunteer_id == volunteer.id
        )
    )
    if exists is None:
        db.session.add(Attendance(session_id=session.id, volunteer_id=volunteer.id, method=method))
        db.session.flush()
    return volunteer


# --- Groups --------------------------------------------------------------------------------


def assign_groups(
    panel: Panel, moderators: list[str], actor: User | None = None
) -> list[PanelGroup]:
    """One group per moderator; members spread so each group mirrors the panel's strata.

    Rarest profiles are placed first, each into the open group where the fewest members share
    its values (then the smallest group), with group sizes differing by at most one."""
    moderators = [m.strip() for m in moderators if m.strip()]
    members = [v for v in panel.volunteers if v.status == "selected"]
    if not moderators:
        raise PanelError("groups.no_moderators")
    if len(moderators) > len(members):
        raise PanelError("groups.too_many", members=len(members))
    for old in list(panel.groups):
        for v in old.members:
            v.group = None
        panel.groups.remove(old)
    db.session.flush()
    groups = [PanelGroup(name=str(i + 1), moderator=m) for i, m in enumerate(moderators)]
    panel.groups.extend(groups)
    categories = panel.categories
    frequency: dict[tuple[str, str], int] = {}
    for v in members:
        for c in categories:
            frequency[(c, v.features.get(c, ""))] = frequency.get((c, v.features.get(c, "")), 0) + 1
    order = sorted(
        members,
        key=lambda v: (sum(frequency[(c, v.features.get(c, ""))] for c in categories), v.id),
    )
    capacity = math.ceil(len(members) / len(groups))
    placed: list[list[Volunteer]] = [[] for _ in groups]
    for v in order:

        def cost(i: int, v: Volunteer = v) -> tuple[int, int, int]:
            shared = sum(
                1
                for other in placed[i]
                for c in categories
                if other.features.get(c) == v.features.get(c)
            )
            return (shared, len(placed[i]), i)

        best = min((i for i in range(len(groups)) if len(placed[i]) < capacity), key=cost)
        placed[best].append(v)
    for group, chosen in zip(groups, placed, strict=True):
        for v in chosen:
            v.group = group
    db.session.flush()
    audit.record("panels.groups_assigned", panel, actor=actor, groups=len(groups))
    return groups


# --- Recommendations and support votes -----------------------------------------------------


def save_recommendation(
    panel: Panel,
    title: str,
    text: str,
    group: PanelGroup | None = None,
    recommendation: Recommendation | None = None,
    image: tuple[str, bytes] | None = None,
    caption: str = "",
) -> Recommendation:
    """Create or edit a recommendation and send its text to the taxonomy's input queue.

    ``image`` is ``(filename, bytes)`` of a drawing or photo (PNG or JPEG); it needs a caption,
    which is what the input queue and screen readers get."""
    from taxonomy.services import intake

    if not title.strip() or not text.strip():
        raise PanelError("recommendation.empty")
    image_type = checked_upload(*image, allowed=IMAGE_TYPES) if image else ""
    if image and not caption.strip():
        raise PanelError("recommendation.caption_missing")
    if group is not None and group.panel_id != panel.id:
        raise PanelError("recommendation.wrong_group")
    if recommendation is None:
        recommendation = Recommendation(panel=panel)
        db.session.add(recommendation)
    recommendation.title, recommendation.text, recommendation.group = (
        title.strip(),
        text.strip(),
        group,
    )
    if image:
        recommendation.image, recommendation.image_type = image[1], image_type
    recommendation.caption = caption.strip()
    db.session.flush()
    body = f"{recommendation.title}\n\n{recommendation.text}"
    if recommendation.caption:
        body += f"\n\n{recommendation.caption}"
    intake(
        "panel.recommendation",
        recommendation.id,
        body,
        channel="panel",
        neighbourhood=panel.neighbourhood,
        language="nb",
        consent=True,
    )
    return recommendation


def set_voting(recommendation: Recommendation, open_: bool, actor: User | None = None) -> None:
    recommendation.voting_open = open_
    audit.record("panels.voting_changed", recommendation, actor=actor, open=open_)


def cast_support(recommendation: Recommendation, volunteer: Volunteer, score: int) -> SupportVote:
    """A member's support on the 5-point scale; voting again replaces the earlier vote."""
    if volunteer.panel_id != recommendation.panel_id or volunteer.status != "selected":
        raise PanelError("vote.not_a_member")
    if not recommendation.voting_open:
        raise PanelError("vote.closed")
    if score not in SUPPORT_SCALE:
        raise PanelError("vote.bad_score")
    vote = db.session.scalar(
        select(SupportVote).where(
            SupportVote.recommendation_id == recommendation.id,
            SupportVote.volunteer_id == volunteer.id,
        )
    )
    if vote is None:
        vote = SupportVote(
            recommendation_id=recommendation.id, volunteer_id=volunteer.id, score=score
        )
        db.session.add(vote)
    vote.score, vote.updated_at = score, utcnow()
    db.session.flush()
    return vote


@dataclass(frozen=True)
class Support:
    recommendation: Recommendation
    counts: dict[int, int]  # score -> votes
    votes: int
    agree_share: float | None  # share of votes that agree or strongly agree
    mean: float | None


def support_levels(panel: Panel) -> list[Support]:
    out = []
    for rec in panel.recommendations:
        counts = {s: 0 for s in SUPPORT_SCALE}
        for vote in rec.votes:
            counts[vote.score] += 1
        total = sum(counts.values())
        out.append(
            Support(
                rec,
                counts,
                total,
                (counts[2] + counts[1]) / total if total else None,
                sum(s * c for s, c in counts.items()) / total if total else None,
            )
        )
    return out


# --- Final report --------------------------------------------------------------------------


def composition(panel: Panel) -> dict[str, dict[str, dict[str, int]]]:
    """Counts per category value for the pool and the panel; what survives data deletion."""
    if panel.aggregates.get("composition"):
        return panel.aggregates["composition"]
    from .selection import representativeness

    out: dict[str, dict[str, dict[str, int]]] = {}
    for row in representativeness(panel):
        out.setdefault(row.category, {})[row.value] = {"pool": row.pool, "panel": row.panel}
    return out


@dataclass(frozen=True)
class SessionSummary:
    session: PanelSession
    attended: int


def final_report(panel: Panel) -> dict:
    """Everything the printed report shows; no names, codes or contact data."""
    from .selection import representativeness

    members = len([v for v in panel.volunteers if v.status == "selected"]) or panel.aggregates.get(
        "members", 0
    )
    return {
        "support": support_levels(panel),
        "members": members,
        "representativeness": representativeness(panel),
        "phases": panel.phases,
        "sessions": [SessionSummary(s, len(s.attendances)) for s in panel.sessions],
        "groups": len(panel.groups),
    }
