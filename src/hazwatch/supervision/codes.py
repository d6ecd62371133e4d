"""Safety codes (安全码, issue 15 item 4; seed 001): green / yellow / red for parks,
enterprises and people (principals, safety officers).

A code is decided by the code rules in force (:mod:`hazwatch.supervision.rules`) over the
same named inputs as grades (overdue 重大 hidden dangers, unacknowledged critical alarms,
missed commitments, lapsed qualifications, points, the serious-dishonesty list); a park's
over its score and its enterprises' codes. Each code carries its reasons. :func:`refresh`
appends to a subject's history whenever its colour or reasons change. The coded party may
appeal; a regulator who upholds the appeal sets the colour that holds until a day it names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.clock import local_date
from hazwatch.core.context import Context
from hazwatch.core.errors import Conflict, InvalidInput, NotFound
from hazwatch.core.scope import ensure_visible, restrict
from hazwatch.monitoring.runtime import register_tick_plugin
from hazwatch.registry.models import Jurisdiction, Organisation
from hazwatch.supervision import grading, rules
from hazwatch.supervision.choices import AppealState, CodeColour, CodeSubject, RuleKind
from hazwatch.supervision.grading import Graded, RuleCache
from hazwatch.supervision.models import CodeAppeal, SafetyCodeRecord
from hazwatch.supervision.responsibility import ensure_regulator

#: How long an upheld appeal's colour holds unless the regulator names a day.
DEFAULT_OVERRIDE_DAYS = 30


@dataclass(frozen=True)
class Code:
    subject: CodeSubject
    organisation: Organisation | None
    park: Jurisdiction | None
    person: str
    graded: Graded
    #: The upheld appeal that set the colour, if one holds today.
    appeal: CodeAppeal | None = None

    @property
    def colour(self) -> str:
        if self.appeal is not None and self.appeal.override_colour:
            return str(self.appeal.override_colour)
        return self.graded.level

    @property
    def key(self) -> tuple[str, int | None, int | None, str]:
        return (
            self.subject.value,
            self.organisation.id if self.organisation else None,
            self.park.id if self.park else None,
            self.person,
        )


def _appeal_key(a: CodeAppeal | SafetyCodeRecord) -> tuple[str, int | None, int | None, str]:
    return (str(a.subject), a.organisation_id, a.jurisdiction_id, a.person)


def compute(
    session: Session,
    principal: Principal | None,
    now: datetime,
    today: date,
    *,
    preview: tuple[RuleKind, rules.InForce] | None = None,
) -> list[Code]:
    """Codes of every subject the caller sees (``None``: all): enterprises, their people,
    the parks. ``preview``: rules of one kind to use instead of those in force."""
    organisations = grading.supervised(session, principal)
    parks = grading.visible_parks(session, principal)
    # a park's code reads the codes of all its enterprises, seen by the caller or not
    everyone = grading.supervised(session, None) if parks else organisations
    known = grading.facts(session, everyone, now, today)
    cache = RuleCache(session)

    def rules_for(kind: RuleKind, jurisdiction_id: int | None) -> rules.InForce:
        if preview is not None and preview[0] is kind:
            return preview[1]
        return cache.get(kind, jurisdiction_id)

    enterprise = {
        o.id: grading.judge(
            rules_for(RuleKind.ENTERPRISE_CODE, o.jurisdiction_id), known.enterprise[o.id]
        )
        for o in everyone
    }
    overrides = {_appeal_key(a): a for a in upheld(session, today)}
    seen = {o.id for o in organisations}
    codes: list[Code] = []
    for o in everyone:
        if o.id not in seen:
            continue
        codes.append(Code(CodeSubject.ENTERPRISE, o, None, "", enterprise[o.id]))
        for person in grading.people(o):
            judged = grading.judge(
                rules_for(RuleKind.PERSON_CODE, o.jurisdiction_id), known.person[(o.id, person)]
            )
            codes.append(Code(CodeSubject.PERSON, o, None, person, judged))
    colours = {
        c.organisation.id: overrides[c.key].override_colour or c.graded.level
        if c.key in overrides
        else c.graded.level
        for c in codes
        if c.subject is CodeSubject.ENTERPRISE and c.organisation is not None
    }
    for o in everyone:
        colours.setdefault(o.id, enterprise[o.id].level)
    for park in parks:
        judged = grading.judge(
            rules_for(RuleKind.PARK_CODE, park.id),
            grading.park_inputs(session, park, colours, known.enterprise),
        )
        codes.append(Code(CodeSubject.PARK, None, park, "", judged))
    return [replace(c, appeal=overrides.get(c.key)) for c in codes]


def upheld(session: Session, today: date) -> list[CodeAppeal]:
    """Upheld appeals whose colour still holds today, newest last (so it wins)."""
    return list(
        session.scalars(
            select(CodeAppeal)
            .where(
                CodeAppeal.state == AppealState.UPHELD.value,
                CodeAppeal.override_until >= today,
            )
            .order_by(CodeAppeal.decided_at, CodeAppeal.id)
        )
    )


def find(
    session: Session,
    principal: Principal,
    now: datetime,
    today: date,
    subject: CodeSubject,
    ident: int,
    person: str = "",
) -> Code:
    """One subject's code: an enterprise or person by organisation id, a park by its id."""
    if subject is CodeSubject.PARK:
        grading.get_park(session, principal, ident)
    else:
        try:
            ensure_visible(session, principal, ident)
        except NotFound:
            raise NotFound("scope.not_found", field="organisation_id", id=ident) from None
    for code in compute(session, principal, now, today):
        if code.subject is not subject:
            continue
        if subject is CodeSubject.PARK and code.park is not None and code.park.id == ident:
            return code
        if (
            code.organisation is not None
            and code.organisation.id == ident
            and code.person == person
        ):
            return code
    raise NotFound("scope.not_found", field="person" if person else "organisation_id", id=ident)


def _reasons(code: Code) -> list[dict[str, str]]:
    found = [r.as_dict() for r in code.graded.reasons]
    if code.appeal is not None:
        found.append({"appeal": str(code.appeal.id), "level": code.colour})
    return found


def refresh(session: Session, now: datetime, today: date) -> list[SafetyCodeRecord]:
    """Append a history row for each subject whose colour or reasons changed since its last
    row (the first row when it has none); answers the rows added."""
    last: dict[tuple[str, int | None, int | None, str], SafetyCodeRecord] = {}
    for row in session.scalars(select(SafetyCodeRecord).order_by(SafetyCodeRecord.id)):
        last[_appeal_key(row)] = row
    added: list[SafetyCodeRecord] = []
    for code in compute(session, None, now, today):
        reasons = _reasons(code)
        before = last.get(code.key)
        if before is not None and before.colour == code.colour and before.reasons == reasons:
            continue
        row = SafetyCodeRecord(
            subject=code.subject,
            organisation_id=code.organisation.id if code.organisation else None,
            jurisdiction_id=code.park.id if code.park else None,
            person=code.person,
            colour=CodeColour(code.colour),
            reasons=reasons,
            rule_set_id=code.graded.rules.id,
            at=now,
        )
        session.add(row)
        added.append(row)
    session.flush()
    return added


def history(session: Session, code: Code) -> list[SafetyCodeRecord]:
    subject, organisation_id, park_id, person = code.key
    query = select(SafetyCodeRecord).where(
        SafetyCodeRecord.subject == subject, SafetyCodeRecord.person == person
    )
    if park_id is not None:
        query = query.where(SafetyCodeRecord.jurisdiction_id == park_id)
    else:
        query = query.where(SafetyCodeRecord.organisation_id == organisation_id)
    return list(
        session.scalars(query.order_by(SafetyCodeRecord.at.desc(), SafetyCodeRecord.id.desc()))
    )


# -- appeals ----------------------------------------------------------------------------------


def file_appeal(
    session: Session,
    principal: Principal,
    now: datetime,
    today: date,
    *,
    subject: CodeSubject,
    ident: int,
    reason: str,
    person: str = "",
) -> CodeAppeal:
    """The coded enterprise (for itself or its people) appeals a yellow or red code; a park
    committee's appeal goes through its regulator, so only a regulator files one for a park."""
    code = find(session, principal, now, today, subject, ident, person)
    if subject is CodeSubject.PARK:
        ensure_regulator(principal)
    elif principal.organisation_id != ident and not principal.is_platform_admin:
        raise InvalidInput("supervision.code.not_yours", field="organisation_id")
    if code.colour == CodeColour.GREEN.value:
        raise Conflict("supervision.code.nothing_to_appeal", field="subject")
    pending = select(CodeAppeal.id).where(
        CodeAppeal.subject == subject.value,
        CodeAppeal.organisation_id == (None if code.park else ident),
        CodeAppeal.jurisdiction_id == (ident if code.park else None),
        CodeAppeal.person == person,
        CodeAppeal.state == AppealState.PENDING.value,
    )
    if session.scalar(pending) is not None:
        raise Conflict("supervision.code.appeal_pending", field="subject")
    reason = reason.strip()
    if not reason:
        raise InvalidInput("supervision.credit.required", field="reason")
    row = CodeAppeal(
        subject=subject,
        organisation_id=None if code.park else ident,
        jurisdiction_id=ident if code.park else None,
        person=person,
        colour_appealed=CodeColour(code.colour),
        reason=reason,
        state=AppealState.PENDING,
        filed_at=now,
        filed_by=principal.username,
    )
    session.add(row)
    session.flush()
    return row


def list_appeals(session: Session, principal: Principal) -> list[CodeAppeal]:
    parks = {p.id for p in grading.visible_parks(session, principal)}
    query = restrict(select(CodeAppeal), CodeAppeal.organisation_id, session, principal)
    by_org = list(session.scalars(query.where(CodeAppeal.organisation_id.is_not(None))))
    by_park = list(session.scalars(select(CodeAppeal).where(CodeAppeal.jurisdiction_id.in_(parks))))
    return sorted(by_org + by_park, key=lambda a: a.id, reverse=True)


def pending_for(session: Session, principal: Principal, code: Code) -> list[CodeAppeal]:
    """Appeals of this code awaiting a decision."""
    return [
        a
        for a in list_appeals(session, principal)
        if a.state == AppealState.PENDING.value and _appeal_key(a) == code.key
    ]


def decide_appeal(
    session: Session,
    principal: Principal,
    now: datetime,
    today: date,
    ident: int,
    *,
    uphold: bool,
    note: str,
    colour: CodeColour | None = None,
    until: date | None = None,
) -> CodeAppeal:
    """Uphold (the code shows ``colour``, one step better by default, until ``until``) or
    reject; the note says why either way."""
    ensure_regulator(principal)
    row = next((a for a in list_appeals(session, principal) if a.id == ident), None)
    if row is None:
        raise NotFound("scope.not_found", field="appeal_id", id=ident)
    if row.state != AppealState.PENDING.value:
        raise Conflict("supervision.code.appeal_decided", field="appeal_id")
    note = note.strip()
    if not note:
        raise InvalidInput("supervision.credit.required", field="note")
    if uphold:
        better = CodeColour.YELLOW if row.colour_appealed == CodeColour.RED.value else None
        chosen = colour or better or CodeColour.GREEN
        order = [c.value for c in (CodeColour.GREEN, CodeColour.YELLOW, CodeColour.RED)]
        if order.index(chosen.value) >= order.index(str(row.colour_appealed)):
            raise InvalidInput("supervision.code.not_better", field="colour")
        until = until or today + timedelta(days=DEFAULT_OVERRIDE_DAYS)
        if until < today:
            raise InvalidInput("supervision.code.until_past", field="until")
        row.override_colour = chosen
        row.override_until = until
    row.state = AppealState.UPHELD if uphold else AppealState.REJECTED
    row.decided_at = now
    row.decided_by = principal.username
    row.decision_note = note
    session.flush()
    return row


# -- the engine's tick ------------------------------------------------------------------------

#: How often the codes are recomputed into their history: the inputs (an overdue hidden
#: danger, an unacknowledged alarm) change by the minute, a code's history by the quarter hour.
REFRESH_EVERY = timedelta(minutes=15)


class CodeWatch:
    """Records changed codes into their history on the engine's tick, so the history needs
    nobody to ask for it (the API's refresh does the same at once)."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self._next: datetime | None = None

    def tick(self, now: datetime) -> None:
        if self._next is not None and now < self._next:
            return
        with self.context.unit_of_work() as session:
            refresh(session, now, local_date(now, self.context.settings.timezone))
        self._next = now + REFRESH_EVERY


register_tick_plugin(CodeWatch)
