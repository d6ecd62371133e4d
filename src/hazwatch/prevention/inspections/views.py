"""Inspection plans and records as the API and the console show them, and the records'
ledger."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from hazwatch.attachments import service as attachments
from hazwatch.core.clock import local_text
from hazwatch.core.i18n import translate
from hazwatch.prevention.hazard_findings.views import attachment_out
from hazwatch.prevention.inspections import service
from hazwatch.prevention.inspections.choices import Frequency
from hazwatch.prevention.inspections.models import (
    ChecklistItem,
    InspectionPlan,
    InspectionPoint,
    InspectionRecord,
)
from hazwatch.prevention.inspections.schemas import AnswerOut, PlanOut, PointOut, RecordOut
from hazwatch.prevention.ledger import Ledger
from hazwatch.registry.service import organisation_names

#: Due dates shown ahead for each plan.
UPCOMING = 5


def point_out(point: InspectionPoint) -> PointOut:
    return PointOut(
        id=point.id,
        organisation_id=point.organisation_id,
        code=point.code,
        name=point.name,
        site_id=point.site_id,
        room_id=point.room_id,
        form_path=f"/inspections/points/{point.id}",
    )


def plan_out(
    session: Session, plan: InspectionPlan, now: datetime, language: str, timezone: str
) -> PlanOut:
    point = session.get(InspectionPoint, plan.point_id)
    status = service.status(plan, now)
    return PlanOut(
        id=plan.id,
        organisation_id=plan.organisation_id,
        name=plan.name,
        template_id=plan.template_id,
        point_id=plan.point_id,
        point=point.name if point else "",
        frequency=plan.frequency,
        frequency_label=Frequency(plan.frequency).label(language),
        assignee=plan.assignee,
        starts_at=plan.starts_at,
        next_due=plan.next_due,
        active=plan.active,
        status=status.value,
        overdue=status.value == "overdue",
        upcoming=service.upcoming(plan, UPCOMING, timezone) if plan.active else [],
    )


def record_out(session: Session, record: InspectionRecord) -> RecordOut:
    point = session.get(InspectionPoint, record.point_id)
    answers = []
    for answer in record.answers:
        item = session.get(ChecklistItem, answer.item_id)
        answers.append(
            AnswerOut(
                item_id=answer.item_id,
                text=item.text if item else "",
                yes=answer.yes,
                value=answer.value,
                passed=answer.passed,
                note=answer.note,
                hazard_finding_id=answer.hazard_finding_id,
            )
        )
    return RecordOut(
        id=record.id,
        organisation_id=record.organisation_id,
        plan_id=record.plan_id,
        template_id=record.template_id,
        point_id=record.point_id,
        point=point.name if point else "",
        inspector=record.inspector,
        at=record.at,
        due_at=record.due_at,
        passed=record.passed,
        notes=record.notes,
        answers=answers,
        attachments=[
            attachment_out(a)
            for a in attachments.list_for(session, service.RECORD_SUBJECT, record.id)
        ],
    )


LEDGER_COLUMNS = ("at", "organisation", "point", "inspector", "due_at", "result", "failed", "notes")


def ledger(
    session: Session,
    records: Sequence[RecordOut],
    now: datetime,
    language: str,
    timezone: str,
) -> Ledger:
    """The inspection records ledger (隐患排查记录台账)."""
    names = organisation_names(session, [r.organisation_id for r in records])

    def when(moment: datetime | None) -> str:
        return local_text(moment, timezone)

    passed, failed = (translate(f"inspection.result.{k}", language) for k in ("pass", "fail"))
    rows = [
        [
            when(r.at),
            names.get(r.organisation_id, ""),
            r.point,
            r.inspector,
            when(r.due_at),
            passed if r.passed else failed,
            "；".join(a.text for a in r.answers if not a.passed),
            r.notes,
        ]
        for r in records
    ]
    return Ledger(
        title=translate("inspection.ledger.title", language),
        subtitle=translate("hazard.ledger.subtitle", language, at=when(now), count=len(rows)),
        header=[translate(f"inspection.column.{c}", language) for c in LEDGER_COLUMNS],
        rows=rows,
    )
