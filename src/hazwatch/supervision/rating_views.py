"""Credit, points, grades and codes in the caller's language (API, CLI and console)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.i18n import translate
from hazwatch.supervision import codes, credit, grading, rules
from hazwatch.supervision.choices import (
    AppealState,
    CodeColour,
    CodeSubject,
    ListingState,
    PointState,
    RuleKind,
)
from hazwatch.supervision.codes import Code
from hazwatch.supervision.credit import earliest_removal, listing_active
from hazwatch.supervision.models import (
    CodeAppeal,
    DishonestyListing,
    PointEvent,
    RuleSet,
    SafetyCodeRecord,
    YearPlan,
)
from hazwatch.supervision.responsibility import department_names, ensure_regulator
from hazwatch.supervision.schemas import (
    CodeAppealOut,
    CodeHistoryOut,
    CodeOut,
    GradeOut,
    ListingOut,
    PlannedOut,
    PlanOut,
    PointsOut,
    PointsTotalOut,
    PreviewOut,
    ReasonOut,
    RuleSetOut,
)


def reason_text(reason: Mapping[str, str], language: str) -> str:
    """ "Points 12 ≥ 12" / "on the serious-dishonesty list" / "appeal #3 upheld"."""
    if "appeal" in reason:
        return translate("supervision.reason.appeal", language, appeal=reason["appeal"])
    label = translate(f"supervision.input.{reason['input']}", language)
    if reason["threshold"] in ("true", "false"):
        meets = (reason["threshold"] == "true") == (reason["op"] == "eq")
        key = "supervision.reason.flag" if meets else "supervision.reason.not_flag"
        return translate(key, language, input=label)
    return translate(
        f"supervision.reason.{reason['op']}",
        language,
        input=label,
        actual=reason["actual"],
        threshold=reason["threshold"],
    )


def reasons_out(found: Sequence[Mapping[str, str]], language: str) -> list[ReasonOut]:
    return [
        ReasonOut(
            input=r.get("input", "appeal"),
            level=r.get("level", ""),
            text=reason_text(r, language),
            source=r.get("source", ""),
        )
        for r in found
    ]


def _inputs(values: Mapping[str, rules.Value]) -> dict[str, Any]:
    return {k: (v if isinstance(v, bool) or v is None else str(v)) for k, v in values.items()}


def graded_out(
    kind: RuleKind,
    graded: grading.Graded,
    language: str,
    *,
    subject: str,
    name: str,
    organisation_id: int | None = None,
    park_id: int | None = None,
    person: str = "",
    level: str | None = None,
    extra_reasons: Sequence[Mapping[str, str]] = (),
    appeal_id: int | None = None,
) -> GradeOut:
    shown = level or graded.level
    choice = rules.level_choice(kind, shown)
    return GradeOut(
        subject=subject,
        organisation_id=organisation_id,
        park_id=park_id,
        name=name,
        person=person,
        level=shown,
        label=choice.label(language),
        colour=choice.colour,
        reasons=reasons_out([r.as_dict() for r in graded.reasons] + list(extra_reasons), language),
        inputs=_inputs(graded.inputs),
        rule_set_id=graded.rules.id,
        rule_version=graded.rules.version,
        inspections_a_year=grading.frequency(graded) if kind is RuleKind.ENTERPRISE_GRADE else None,
        appeal_id=appeal_id,
    )


CODE_KINDS = {
    CodeSubject.ENTERPRISE: RuleKind.ENTERPRISE_CODE,
    CodeSubject.PERSON: RuleKind.PERSON_CODE,
    CodeSubject.PARK: RuleKind.PARK_CODE,
}


def code_out(code: Code, language: str) -> GradeOut:
    appeal = code.appeal
    return graded_out(
        CODE_KINDS[code.subject],
        code.graded,
        language,
        subject=code.subject.value,
        name=code.park.name if code.park else code.organisation.name if code.organisation else "",
        organisation_id=code.organisation.id if code.organisation else None,
        park_id=code.park.id if code.park else None,
        person=code.person,
        level=code.colour,
        extra_reasons=[{"appeal": str(appeal.id), "level": code.colour}] if appeal else (),
        appeal_id=appeal.id if appeal else None,
    )


def code_page_path(code: Code) -> str:
    """The console page showing the code (what its QR opens)."""
    if code.park is not None:
        return f"/supervision/code/park/{code.park.id}"
    assert code.organisation is not None
    path = f"/supervision/code/{code.subject.value}/{code.organisation.id}"
    return f"{path}?person={code.person}" if code.person else path


def code_detail(
    code: Code, history: Sequence[SafetyCodeRecord], language: str, qr_url: str
) -> CodeOut:
    return CodeOut(
        **code_out(code, language).model_dump(),
        history=[
            CodeHistoryOut(
                at=row.at,
                colour=CodeColour(row.colour),
                label=CodeColour(row.colour).label(language),
                reasons=reasons_out(row.reasons, language),
            )
            for row in history
        ],
        qr_url=qr_url,
    )


def appeal_out(row: CodeAppeal, language: str) -> CodeAppealOut:
    return CodeAppealOut(
        id=row.id,
        subject=CodeSubject(row.subject),
        organisation_id=row.organisation_id,
        jurisdiction_id=row.jurisdiction_id,
        person=row.person,
        colour_appealed=CodeColour(row.colour_appealed),
        reason=row.reason,
        state=AppealState(row.state),
        state_label=AppealState(row.state).label(language),
        decision_note=row.decision_note,
        override_colour=CodeColour(row.override_colour) if row.override_colour else None,
        override_until=row.override_until,
    )


def listing_outs(
    session: Session, found: Sequence[DishonestyListing], today: date, language: str
) -> list[ListingOut]:
    names = department_names(session, [r.organisation_id for r in found])
    return [
        ListingOut(
            id=r.id,
            organisation_id=r.organisation_id,
            organisation=names.get(r.organisation_id, ""),
            person=r.person,
            reason=r.reason,
            source=r.source,
            listed_on=r.listed_on,
            ends_on=r.ends_on,
            earliest_removal=earliest_removal(r),
            state=ListingState(r.state),
            state_label=ListingState(r.state).label(language),
            active=listing_active(r, today),
            removal_request=r.removal_request,
            reinstated_reason=r.reinstated_reason,
        )
        for r in found
    ]


def points_outs(session: Session, found: Sequence[PointEvent], language: str) -> list[PointsOut]:
    names = department_names(session, [r.organisation_id for r in found])
    return [
        PointsOut(
            id=r.id,
            organisation_id=r.organisation_id,
            organisation=names.get(r.organisation_id, ""),
            person=r.person,
            event=r.event,
            event_label=translate(f"supervision.points.event.{r.event}", language),
            points=r.points,
            occurred_on=r.occurred_on,
            cycle=r.cycle,
            source=r.source,
            state=PointState(r.state),
            state_label=PointState(r.state).label(language),
            appeal_reason=r.appeal_reason,
            origin=r.origin,
        )
        for r in found
    ]


def rule_set_out(row: RuleSet | None, in_force: rules.InForce | None = None) -> RuleSetOut:
    if row is not None:
        return RuleSetOut(
            id=row.id,
            kind=RuleKind(row.kind),
            jurisdiction_id=row.jurisdiction_id,
            version=row.version,
            body=row.body,
            basis=row.basis,
            note=row.note,
            created_at=row.created_at,
            created_by=row.created_by,
        )
    assert in_force is not None
    return RuleSetOut(
        id=None,
        kind=in_force.kind,
        jurisdiction_id=None,
        version=0,
        body=in_force.rules.model_dump(mode="json", exclude_none=True),
        basis=translate("supervision.rules.defaults"),
        note="",
        created_at=None,
        created_by="",
    )


def plan_out(session: Session, plan: YearPlan, today: date) -> PlanOut:
    names = department_names(session, [i.organisation_id for i in plan.inspections])
    items = [
        PlannedOut(
            id=i.id,
            organisation_id=i.organisation_id,
            organisation=names.get(i.organisation_id, ""),
            grade=i.grade,
            month=i.month,
            inspectors=list(i.inspectors),
            done=i.done_at is not None,
            overdue=grading.overdue(i, plan.year, today),
            note=i.note,
        )
        for i in plan.inspections
    ]
    return PlanOut(
        id=plan.id,
        jurisdiction_id=plan.jurisdiction_id,
        year=plan.year,
        seed=plan.seed,
        reproducible=grading.redraw_matches(plan),
        enterprises=len(plan.draw["enterprises"]),
        drawn=len({i.organisation_id for i in plan.inspections}),
        total=len(items),
        done=sum(i.done for i in items),
        overdue=sum(i.overdue for i in items),
        inspections=items,
    )


# -- answers shared by the API, the CLI and the console ---------------------------------------


def points_totals(session: Session, principal: Principal, today: date) -> list[PointsTotalOut]:
    """Points of each organisation and person this cycle, and whether an interview or a
    re-examination is due."""
    organisations = grading.supervised(session, principal)
    standing = credit.standing(session, [o.id for o in organisations], today)
    cache = grading.RuleCache(session)
    shown: list[PointsTotalOut] = []
    for o in organisations:
        table = cache.get(RuleKind.POINTS, o.jurisdiction_id).points
        for person in ["", *grading.people(o)]:
            total = standing.points.get((o.id, person), 0)
            if total:
                shown.append(
                    PointsTotalOut(
                        organisation_id=o.id,
                        organisation=o.name,
                        person=person,
                        cycle=today.year,
                        points=total,
                        interview_at=table.interview_at,
                        reexamine_at=table.reexamine_at,
                        interview_due=total >= table.interview_at,
                        reexamination_due=total >= table.reexamine_at,
                    )
                )
    return shown


def grade_outs(
    session: Session, principal: Principal, now: datetime, today: date, language: str
) -> list[GradeOut]:
    organisations = grading.supervised(session, principal)
    graded = grading.grade_enterprises(session, organisations, now, today)
    return [
        graded_out(
            RuleKind.ENTERPRISE_GRADE,
            graded[o.id],
            language,
            subject="enterprise",
            name=o.name,
            organisation_id=o.id,
        )
        for o in organisations
    ]


def _park_context(
    session: Session, now: datetime, today: date
) -> tuple[dict[int, str], dict[int, grading.Inputs]]:
    """Every enterprise's code colour and inputs (a park reads all of its enterprises)."""
    colours = {
        c.organisation.id: c.colour
        for c in codes.compute(session, None, now, today)
        if c.subject is CodeSubject.ENTERPRISE and c.organisation is not None
    }
    known = grading.facts(session, grading.supervised(session, None), now, today).enterprise
    return colours, known


def park_grade_outs(
    session: Session, principal: Principal, now: datetime, today: date, language: str
) -> list[GradeOut]:
    parks = grading.visible_parks(session, principal)
    if not parks:
        return []
    graded = grading.grade_parks(session, parks, *_park_context(session, now, today))
    return [
        graded_out(
            RuleKind.PARK_GRADE, graded[p.id], language, subject="park", name=p.name, park_id=p.id
        )
        for p in parks
    ]


def _preview_out(
    subject: str,
    name: str,
    before: grading.Graded,
    after: grading.Graded,
    language: str,
    *,
    organisation_id: int | None = None,
    park_id: int | None = None,
    person: str = "",
) -> PreviewOut:
    return PreviewOut(
        subject=subject,
        organisation_id=organisation_id,
        park_id=park_id,
        name=name,
        person=person,
        current=before.level,
        previewed=after.level,
        changed=before.level != after.level,
        reasons=reasons_out([r.as_dict() for r in after.reasons], language),
    )


def preview(
    session: Session,
    principal: Principal,
    now: datetime,
    today: date,
    kind: RuleKind,
    body: Mapping[str, Any],
    language: str,
) -> list[PreviewOut]:
    """What ``body`` would decide today for the subjects the caller sees, beside what the
    rules in force decide; refused like a version that does not parse. Stores nothing (a
    points table has no subjects to preview: it is only checked)."""
    ensure_regulator(principal)
    trial = rules.InForce(kind, rules.parse(kind, body), None, 0, None)
    if kind is RuleKind.POINTS:
        return []
    if kind is RuleKind.ENTERPRISE_GRADE:
        organisations = grading.supervised(session, principal)
        before = grading.grade_enterprises(session, organisations, now, today)
        after = grading.grade_enterprises(session, organisations, now, today, override=trial)
        return [
            _preview_out(
                "enterprise", o.name, before[o.id], after[o.id], language, organisation_id=o.id
            )
            for o in organisations
        ]
    if kind is RuleKind.PARK_GRADE:
        parks = grading.visible_parks(session, principal)
        colours, known = _park_context(session, now, today)
        before = grading.grade_parks(session, parks, colours, known)
        after = grading.grade_parks(session, parks, colours, known, override=trial)
        return [
            _preview_out("park", p.name, before[p.id], after[p.id], language, park_id=p.id)
            for p in parks
        ]
    current = codes.compute(session, principal, now, today)
    trial_codes = codes.compute(session, principal, now, today, preview=(kind, trial))
    return [
        _preview_out(
            old.subject.value,
            code_out(old, language).name,
            old.graded,
            new.graded,
            language,
            organisation_id=old.organisation.id if old.organisation else None,
            park_id=old.park.id if old.park else None,
            person=old.person,
        )
        for old, new in zip(current, trial_codes, strict=True)
        if CODE_KINDS[old.subject] is kind
    ]
