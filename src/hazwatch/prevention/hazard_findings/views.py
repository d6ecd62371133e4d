"""A hidden danger as the API, the CLI and the console show it (one wording for all three)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from hazwatch.attachments import service as attachments
from hazwatch.attachments.models import Attachment
from hazwatch.core.auth.roles import Principal
from hazwatch.core.clock import local_text
from hazwatch.core.i18n import translate
from hazwatch.prevention.hazard_findings import service
from hazwatch.prevention.hazard_findings.choices import (
    HazardAction,
    HazardGrade,
    HazardState,
    next_actions,
)
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.prevention.hazard_findings.schemas import (
    AttachmentOut,
    EventOut,
    HazardDetailOut,
    HazardOut,
)
from hazwatch.prevention.ledger import Ledger
from hazwatch.registry.models import Room
from hazwatch.registry.service import organisation_names


def out(
    session: Session,
    principal: Principal,
    finding: HazardFinding,
    now: datetime,
    language: str,
    names: dict[int, str] | None = None,
) -> HazardOut:
    if names is None:
        names = organisation_names(session, [finding.organisation_id])
    state = HazardState(finding.state)
    grade = HazardGrade(finding.grade) if finding.grade else None
    runs = service.may_run_loop(session, principal, finding.organisation_id)
    return HazardOut(
        id=finding.id,
        organisation_id=finding.organisation_id,
        organisation=names.get(finding.organisation_id, ""),
        number=finding.number,
        title=service.title_of(finding, language),
        title_key=finding.title_key,
        params=finding.params,
        description=finding.description,
        site_id=finding.site_id,
        room_id=finding.room_id,
        place=_place(session, finding),
        location=finding.location,
        source_type=finding.source_type,
        source_id=finding.source_id,
        state=state.value,
        state_label=state.label(language),
        grade=grade.value if grade else None,
        grade_label=grade.label(language) if grade else None,
        reported_at=finding.reported_at,
        reported_by=finding.reported_by,
        deadline=finding.deadline,
        overdue=finding.overdue(now),
        reported_to_regulator_at=finding.reported_to_regulator_at,
        measures=finding.measures,
        responsible_person=finding.responsible_person,
        funds_yuan=finding.funds_yuan,
        contingency_plan=finding.contingency_plan,
        rectified_by=finding.rectified_by,
        accepted_by=finding.accepted_by,
        closed_at=finding.closed_at,
        next_actions=[a.value for a in next_actions(state)] if runs else [],
    )


def _place(session: Session, finding: HazardFinding) -> str:
    room = session.get(Room, finding.room_id) if finding.room_id is not None else None
    return " · ".join(part for part in (room.name if room else "", finding.location) if part)


def detail(
    session: Session, principal: Principal, finding_id: int, now: datetime, language: str
) -> HazardDetailOut:
    finding = service.get(session, principal, finding_id)
    events = service.timeline(session, principal, finding_id)
    files = attachments.list_for(session, service.SUBJECT, finding_id)
    return HazardDetailOut(
        **out(session, principal, finding, now, language).model_dump(),
        timeline=[
            EventOut(
                at=e.at,
                actor=e.actor,
                action=e.action,
                action_label=HazardAction(e.action).label(language),
                from_state=e.from_state,
                to_state=e.to_state,
                comment=e.comment,
                details=e.details,
            )
            for e in events
        ],
        attachments=[attachment_out(a) for a in files],
    )


def attachment_out(attachment: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.id,
        stage=attachment.stage,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size_bytes=attachment.size_bytes,
        uploaded_by=attachment.uploaded_by,
        uploaded_at=attachment.uploaded_at,
        url=f"/api/attachments/{attachment.id}",
    )


def outs(
    session: Session,
    principal: Principal,
    findings: list[HazardFinding],
    now: datetime,
    language: str,
) -> list[HazardOut]:
    names = organisation_names(session, [f.organisation_id for f in findings])
    return [out(session, principal, f, now, language, names) for f in findings]


LEDGER_COLUMNS = (
    "number",
    "organisation",
    "title",
    "location",
    "grade",
    "state",
    "reported_at",
    "reported_by",
    "deadline",
    "overdue",
    "reported_to_regulator_at",
    "measures",
    "responsible_person",
    "funds_yuan",
    "contingency_plan",
    "rectified_by",
    "accepted_by",
    "closed_at",
)


def ledger(shown: list[HazardOut], now: datetime, language: str, timezone: str) -> Ledger:
    """The hidden-danger ledger (隐患排查治理台账) of the rows shown."""

    def when(moment: datetime | None) -> str:
        return local_text(moment, timezone)

    yes, no = translate("hazard.yes", language), translate("hazard.no", language)
    rows = [
        [
            h.number,
            h.organisation,
            h.title,
            h.place,
            h.grade_label or "",
            h.state_label,
            when(h.reported_at),
            h.reported_by,
            when(h.deadline),
            yes if h.overdue else no,
            when(h.reported_to_regulator_at),
            h.measures,
            h.responsible_person,
            str(h.funds_yuan) if h.funds_yuan is not None else "",
            h.contingency_plan,
            h.rectified_by or "",
            h.accepted_by or "",
            when(h.closed_at),
        ]
        for h in shown
    ]
    return Ledger(
        title=translate("hazard.ledger.title", language),
        subtitle=translate("hazard.ledger.subtitle", language, at=when(now), count=len(rows)),
        header=[translate(f"hazard.column.{c}", language) for c in LEDGER_COLUMNS],
        rows=rows,
    )
