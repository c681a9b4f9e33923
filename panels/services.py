"""Setting a panel up and filling its pool, usable without a request: panels with categories,
quotas and response rates; the household register; stage 1 (which households get a letter);
residents' sign-up through a letter or an open call. Selection, deliberation and personal data
live in :mod:`panels.selection`, :mod:`panels.deliberation` and :mod:`panels.privacy`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from app import audit
from app.extensions import db
from app.models import Neighbourhood, User, utcnow
from sampling.errors import SamplingError
from sampling.stage1 import Household, draw_invitations

from .models import (
    ACCESS_NEEDS,
    AVAILABILITY,
    PHASES,
    Invitation,
    Panel,
    PanelQuota,
    Phase,
    RegisterHousehold,
    Volunteer,
)
from .quotas import QuotaShareError, SuggestedQuota, quotas_from_shares
from .register import RegisterImport, read_register

# No 0/O, 1/I/L: codes are read off paper and typed by hand.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class PanelError(ValueError):
    """A refused operation; ``code`` is translated by the web layer (panels.messages)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def new_token() -> str:
    return secrets.token_urlsafe(18)


def new_short_code() -> str:
    """Eight characters as XXXX-XXXX from 31 symbols (about 40 bits): with a few hundred
    letters out, a guesser needs billions of tries to hit any of them."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(typed: str) -> str:
    raw = "".join(c for c in typed.upper() if c.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == 8 else raw


def _unique_codes(model: type[Invitation] | type[Volunteer], count: int) -> list[str]:
    """``count`` new codes, distinct from each other and from every stored one (one query
    instead of one per letter: stage 1 writes thousands)."""
    taken = set(db.session.scalars(select(model.short_code)))
    fresh: list[str] = []
    while len(fresh) < count:
        code = new_short_code()
        if code not in taken:
            taken.add(code)
            fresh.append(code)
    return fresh


def _unique_code(model: type[Invitation] | type[Volunteer]) -> str:
    while True:
        code = new_short_code()
        if not db.session.scalar(select(model.id).where(model.short_code == code)):
            return code


# --- Quotas typed or from shares -----------------------------------------------------------


@dataclass(frozen=True)
class QuotaLine:
    category: str
    value: str
    min: int
    max: int
    share: float | None = None


@dataclass(frozen=True)
class LineProblem:
    line: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)


def _number(text: str) -> float:
    text = text.strip().replace(",", ".")
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


def parse_quota_lines(text: str, panel_size: int) -> tuple[list[QuotaLine], list[LineProblem]]:
    """``category; value; min; max[; population share]`` per line (``#`` starts a comment)."""
    quotas, problems, seen = [], [], set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) not in (4, 5) or not parts[0] or not parts[1]:
            problems.append(LineProblem(number, "quota.line_format"))
            continue
        try:
            low, high = int(parts[2]), int(parts[3])
        except ValueError:
            problems.append(LineProblem(number, "quota.bounds_not_numbers"))
            continue
        share = None
        if len(parts) == 5 and parts[4]:
            try:
                share = _number(parts[4])
            except ValueError:
                problems.append(LineProblem(number, "quota.share_not_a_number"))
                continue
        if not 0 <= low <= high <= panel_size:
            problems.append(
                LineProblem(number, "quota.bounds_out_of_range", {"panel_size": panel_size})
            )
            continue
        key = (parts[0].casefold(), parts[1].casefold())
        if key in seen:
            problems.append(LineProblem(number, "quota.duplicate", {"value": parts[1]}))
            continue
        seen.add(key)
        quotas.append(QuotaLine(parts[0], parts[1], low, high, share))
    if not quotas and not problems:
        problems.append(LineProblem(0, "quota.none"))
    problems.extend(_category_problems(quotas, panel_size))
    return quotas, problems


def _category_problems(quotas: list[QuotaLine], panel_size: int) -> list[LineProblem]:
    """Each category's minimums must fit in the panel and its maximums must fill it."""
    out = []
    for category in dict.fromkeys(q.category for q in quotas):
        rows = [q for q in quotas if q.category == category]
        if sum(q.min for q in rows) > panel_size:
            out.append(LineProblem(0, "quota.minimums_exceed_size", {"category": category}))
        if sum(q.max for q in rows) < panel_size:
            out.append(LineProblem(0, "quota.maximums_below_size", {"category": category}))
    return out


def parse_share_lines(text: str) -> tuple[dict[str, dict[str, float]], list[LineProblem]]:
    """``category; value; share`` per line; shares may be proportions, percentages or counts."""
    population: dict[str, dict[str, float]] = {}
    problems = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 3 or not parts[0] or not parts[1]:
            problems.append(LineProblem(number, "share.line_format"))
            continue
        try:
            share = _number(parts[2])
        except ValueError:
            problems.append(LineProblem(number, "quota.share_not_a_number"))
            continue
        population.setdefault(parts[0], {})[parts[1]] = share
    if not population and not problems:
        problems.append(LineProblem(0, "quota.none"))
    return population, problems


def suggest_quotas(
    text: str, panel_size: int, tolerance: int = 1
) -> tuple[list[SuggestedQuota], list[LineProblem]]:
    """Quotas from population shares × panel size (largest remainders), for editing."""
    population, problems = parse_share_lines(text)
    if problems:
        return [], problems
    try:
        return quotas_from_shares(population, panel_size, tolerance), []
    except QuotaShareError as error:
        return [], [LineProblem(0, error.code, dict(error.params))]


def quota_lines_text(suggestions: list[SuggestedQuota]) -> str:
    """The editable text for the quota box: the share stays in the fifth column."""
    return "\n".join(
        f"{q.category}; {q.value}; {q.min}; {q.max}; {q.share:.4g}" for q in suggestions
    )


def parse_rate_lines(text: str) -> tuple[dict[str, float], list[LineProblem]]:
    """``area; expected response rate`` per line (0.05 or 5 %)."""
    rates, problems = {}, []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split(";")]
        try:
            rate = _number(parts[1]) if len(parts) == 2 and parts[0] else None
        except ValueError:
            rate = None
        if rate is None or not 0 < rate <= 1:
            problems.append(LineProblem(number, "rate.invalid"))
            continue
        rates[parts[0]] = rate
    return rates, problems


# --- Panels --------------------------------------------------------------------------------


@dataclass
class PanelSpec:
    title: str
    neighbourhood: Neighbourhood
    panel_size: int
    closes_on: date
    quotas: list[QuotaLine]
    topic: str = ""
    kind: str = "adult"
    pool_target: int | None = None
    default_response_rate: float = 0.05
    response_rates: dict[str, float] = field(default_factory=dict)
    retention_days: int = 90
    signup_closes_on: date | None = None
    min_age: int | None = None
    max_age: int | None = None
    phases: dict[str, tuple[date | None, date | None]] = field(default_factory=dict)


def create_panel(spec: PanelSpec, actor: User | None = None) -> Panel:
    """A new panel in draft with its quotas and the three deliberation phases (not committed)."""
    if spec.panel_size < 1:
        raise PanelError("panel.size_invalid")
    panel = Panel(
        title=spec.title.strip(),
        topic=spec.topic.strip(),
        neighbourhood=spec.neighbourhood,
        kind=spec.kind,
        panel_size=spec.panel_size,
        pool_target=spec.pool_target or spec.panel_size * 3,
        default_response_rate=spec.default_response_rate,
        response_rates=dict(spec.response_rates),
        retention_days=spec.retention_days,
        signup_closes_on=spec.signup_closes_on,
        closes_on=spec.closes_on,
        min_age=spec.min_age,
        max_age=spec.max_age,
        open_call_token=new_token(),
        created_by=actor,
    )
    for position, q in enumerate(spec.quotas):
        panel.quotas.append(
            PanelQuota(
                category=q.category,
                value=q.value,
                min=q.min,
                max=q.max,
                population_share=q.share,
                position=position,
            )
        )
    for position, name in enumerate(PHASES):
        starts, ends = spec.phases.get(name, (None, None))
        panel.phases.append(Phase(name=name, position=position, starts_on=starts, ends_on=ends))
    db.session.add(panel)
    db.session.flush()
    audit.record("panels.created", panel, actor=actor, size=panel.panel_size)
    return panel


def deletion_date(panel: Panel) -> date:
    """The concrete date residents are promised their personal data is gone by."""
    return panel.closes_on + timedelta(days=panel.retention_days)


# --- Register and stage 1 ------------------------------------------------------------------


def area_names(panel: Panel) -> list[str]:
    """Names the register's area column may use; slugs first so that the display name wins."""
    areas = [panel.neighbourhood, *panel.neighbourhood.sub_areas]
    return [a.slug for a in areas] + [a.name for a in areas]


def import_register(panel: Panel, data: bytes) -> RegisterImport:
    """Keep the good rows (replacing an earlier register) and return the bad ones.

    Raises :class:`panels.register.RegisterFileError` when the file cannot be read at all."""
    if db.session.scalar(select(func.count(Invitation.id)).where(Invitation.panel_id == panel.id)):
        raise PanelError("register.invitations_exist")
    parsed = read_register(data, known_areas=area_names(panel))
    db.session.execute(
        RegisterHousehold.__table__.delete().where(RegisterHousehold.panel_id == panel.id)
    )
    db.session.add_all(
        RegisterHousehold(
            panel_id=panel.id,
            reference=h.id,
            address=h.address,
            area=h.area,
            sub_area=h.sub_area,
            strata=dict(h.strata or {}),
        )
        for h in parsed.households
    )
    db.session.flush()
    audit.record(
        "panels.register_imported",
        panel,
        households=len(parsed.households),
        problems=len(parsed.problems),
    )
    return parsed


def needed_per_area(panel: Panel, counts: dict[str, int]) -> dict[str, int]:
    """Volunteers wanted per area, in proportion to its households (largest remainders)."""
    from .quotas import apportion

    return apportion(counts, panel.pool_target)


def run_stage1(
    panel: Panel, actor: User | None = None, confidence: float = 0.95
) -> list[Invitation]:
    """Draw the households to invite; one invitation per household, each with a token and code."""
    if panel.status != "draft":
        raise PanelError("stage1.already_run")
    rows = db.session.scalars(
        select(RegisterHousehold).where(RegisterHousehold.panel_id == panel.id)
    ).all()
    if not rows:
        raise PanelError("stage1.no_register")
    register = [Household(r.reference, r.address, r.area, r.sub_area) for r in rows]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.area] = counts.get(r.area, 0) + 1
    seed = secrets.token_hex(16)  # secret: tokens are HMACs of it, so it is never stored
    try:
        drawn = draw_invitations(
            register,
            needed_per_area(panel, counts),
            panel.response_rates,
            seed,
            confidence=confidence,
            default_rate=panel.default_response_rate,
        )
    except SamplingError as error:
        raise PanelError(error.code, **error.params) from error
    by_reference = {r.reference: r for r in rows}
    codes = _unique_codes(Invitation, len(drawn.invitations))
    invitations = [
        Invitation(
            panel_id=panel.id,
            household=by_reference[inv.household_id],
            stratum=inv.stratum,
            token=inv.token,
            short_code=code,
        )
        for inv, code in zip(drawn.invitations, codes, strict=True)
    ]
    db.session.add_all(invitations)
    db.session.flush()
    panel.status = "inviting"
    audit.record(
        "panels.stage1_drawn",
        panel,
        actor=actor,
        invitations=len(invitations),
        plans=[
            {
                "area": p.stratum,
                "households": p.households,
                "needed": p.needed,
                "rate": p.response_rate,
                "invitations": p.invitations,
            }
            for p in drawn.plans
        ],
    )
    return invitations


def invitation_by_code(panel: Panel, typed: str) -> Invitation | None:
    return db.session.scalar(
        select(Invitation).where(
            Invitation.panel_id == panel.id, Invitation.short_code == normalise_code(typed)
        )
    )


def mark_printed(invitations: list[Invitation]) -> None:
    now = utcnow()
    for invitation in invitations:
        invitation.printed_at = invitation.printed_at or now


# --- Sign-up -------------------------------------------------------------------------------


@dataclass
class SignUp:
    features: dict[str, str]
    availability: list[str]
    access_needs: list[str]
    name: str
    phone: str = ""
    email: str = ""
    access_note: str = ""
    language: str = "nb"
    consent: bool = False
    guardian_name: str = ""
    guardian_consent: bool = False
    # Checked against the panel's age limits and then forgotten: the age is not stored.
    age: int | None = None


def signup_open(panel: Panel) -> bool:
    if panel.status not in ("inviting",):
        return False
    return panel.signup_closes_on is None or date.today() <= panel.signup_closes_on


def _check_signup(panel: Panel, answers: SignUp) -> None:
    if not signup_open(panel):
        raise PanelError("signup.closed")
    if not answers.consent:
        raise PanelError("signup.no_consent")
    if panel.kind == "children" and not (answers.guardian_consent and answers.guardian_name):
        raise PanelError("signup.no_guardian_consent")
    if panel.min_age is not None or panel.max_age is not None:
        if answers.age is None:
            raise PanelError("signup.age_missing")
        if (panel.min_age is not None and answers.age < panel.min_age) or (
            panel.max_age is not None and answers.age > panel.max_age
        ):
            raise PanelError("signup.age_outside", min=panel.min_age or 0, max=panel.max_age or 120)
    for category in panel.categories:
        if answers.features.get(category) not in panel.values_of(category):
            raise PanelError("signup.answer_missing", category=category)
    if set(answers.availability) - set(AVAILABILITY) or set(answers.access_needs) - set(
        ACCESS_NEEDS
    ):
        raise PanelError("signup.unknown_choice")
    if panel.kind != "children" and not (answers.phone.strip() or answers.email.strip()):
        raise PanelError("signup.no_contact")


def sign_up(
    panel: Panel,
    answers: SignUp,
    invitation: Invitation | None = None,
    submission: str | None = None,
) -> Volunteer:
    """Add a volunteer from a household letter (``invitation``) or from the open call.

    ``submission`` is the online form's key; a second volunteer with the same key is refused
    by the database (see ``volunteer_by_submission``)."""
    _check_signup(panel, answers)
    if invitation is not None:
        if invitation.panel_id != panel.id:
            raise PanelError("signup.wrong_panel")
        if invitation.volunteer is not None:
            raise PanelError("signup.already_used")
    children = panel.kind == "children"
    now = utcnow()
    volunteer = Volunteer(
        panel=panel,
        invitation=invitation,
        source="lottery" if invitation is not None else "open_call",
        access_token=new_token(),
        short_code=_unique_code(Volunteer),
        submission_key=submission,
        features={c: answers.features[c] for c in panel.categories},
        availability=list(answers.availability),
        access_needs=list(answers.access_needs),
        access_note=answers.access_note.strip(),
        language=answers.language,
        name=answers.name.strip(),
        # A children's panel keeps no contact data about the child: only the guardian's.
        phone=answers.phone.strip(),
        email=answers.email.strip(),
        guardian_name=answers.guardian_name.strip() if children else "",
        guardian_consent_at=now if children else None,
        consent_at=now,
        delete_after=deletion_date(panel),
    )
    db.session.add(volunteer)
    db.session.flush()
    return volunteer


def paper_sign_up(panel: Panel, typed_code: str, answers: SignUp, actor: User) -> Volunteer:
    """Staff enter a reply that came back on paper, against the code printed on the letter.

    The same checks and the same kind of volunteer as an online sign-up with that letter, so a
    paper reply enters the lottery pool exactly as an online one; the audit log says who typed
    it in."""
    invitation = invitation_by_code(panel, typed_code)
    if invitation is None:
        raise PanelError("paper.unknown_code")
    volunteer = sign_up(panel, answers, invitation)
    audit.record("panels.paper_signup", volunteer, actor=actor, panel=panel.id)
    return volunteer


def volunteer_by_submission(panel: Panel, key: str) -> Volunteer | None:
    """The volunteer an online sign-up form with this key already made (a resend, or two clicks
    or devices at once), so that it is answered with that volunteer instead of a second one."""
    return db.session.scalar(
        select(Volunteer).where(Volunteer.panel_id == panel.id, Volunteer.submission_key == key)
    )


def volunteer_by_token(panel: Panel, token: str) -> Volunteer | None:
    return db.session.scalar(
        select(Volunteer).where(Volunteer.panel_id == panel.id, Volunteer.access_token == token)
    )


def set_open_call_in_pool(panel: Panel, include: bool, actor: User | None = None) -> None:
    """Open-call volunteers chose themselves, so they join the lottery pool only by decision."""
    if panel.open_call_in_pool != include:
        panel.open_call_in_pool = include
        audit.record("panels.open_call_pool_changed", panel, actor=actor, include=include)


def pool_members(panel: Panel) -> list[Volunteer]:
    """Who stage 2 draws from: letter volunteers, plus open-call ones if the facilitator said so."""
    sources = ("lottery", "open_call") if panel.open_call_in_pool else ("lottery",)
    return [v for v in panel.volunteers if v.status == "pool" and v.source in sources]
