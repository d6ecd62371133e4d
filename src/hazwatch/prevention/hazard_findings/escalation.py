"""Overdue hidden dangers climb their organisation's escalation ladder (DOMAIN §7: overdue =
past the deadline and not closed → escalate), with the outbox, dispatcher and channels the
alarms use. They are work items, not alarms: nothing appears on the operator's alarm board
(ISA-18.2 keeps that for process conditions); the console lists them as overdue.

A major one takes the ladder's ``high`` steps, a general one the ``medium`` steps (or the
steps for every priority). Until it is closed, the ladder starts again a day after its last
step; a new deadline (acceptance refused with more time) that passes starts it afresh.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.core.clock import local_text
from hazwatch.core.i18n import translate
from hazwatch.monitoring.escalation.service import (
    Escalated,
    OverdueItem,
    OverdueScan,
    SubjectKind,
    register_subject,
)
from hazwatch.prevention.hazard_findings.choices import HazardGrade, HazardState
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.prevention.hazard_findings.service import SUBJECT, payload, title_of
from hazwatch.registry.models import Organisation

PRIORITY = {HazardGrade.MAJOR.value: "high", HazardGrade.GENERAL.value: "medium"}
REPEAT_AFTER = timedelta(days=1)


def _load(session: Session, finding_id: int) -> Escalated | None:
    finding = session.get(HazardFinding, finding_id)
    if finding is None or finding.deadline is None:
        return None
    deadline = finding.deadline

    def message(language: str, timezone: str) -> tuple[str, str]:
        organisation = session.get(Organisation, finding.organisation_id)
        grade = translate(f"choice.HazardGrade.{finding.grade}", language)
        title = title_of(finding, language)
        subject = translate("hazard.notice.overdue_subject", language, grade=grade, title=title)
        body = translate(
            "hazard.notice.overdue_body",
            language,
            number=finding.number,
            organisation=organisation.name if organisation else "",
            title=title,
            state=translate(f"choice.HazardState.{finding.state}", language),
            deadline=local_text(deadline, timezone),
            responsible=finding.responsible_person or "-",
        )
        return subject, body

    return Escalated(
        organisation_id=finding.organisation_id,
        priority=PRIORITY.get(finding.grade or "", "medium"),
        payload={**payload(finding), "overdue": True},
        message=message,
    )


def _overdue(session: Session, now: datetime) -> OverdueScan:
    open_ = HazardFinding.state != HazardState.CLOSED.value
    late = session.execute(
        select(HazardFinding.id, HazardFinding.organisation_id, HazardFinding.deadline).where(
            open_, HazardFinding.deadline < now
        )
    ).all()
    upcoming = session.scalar(
        select(func.min(HazardFinding.deadline)).where(open_, HazardFinding.deadline >= now)
    )
    return OverdueScan(
        [OverdueItem(row.id, row.organisation_id, row.deadline) for row in late], upcoming
    )


register_subject(SUBJECT, SubjectKind(_load, REPEAT_AFTER, _overdue))
