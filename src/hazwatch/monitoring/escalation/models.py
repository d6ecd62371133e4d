"""Who to call (contacts), in what order (ladder steps), how far each escalated subject has
climbed, and every attempt (outbox)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, UTCDateTime

#: The subject type of alarm escalations (work items name their own, e.g. ``hazard_finding``).
ALARM = "alarm"


class Contact(Base):
    """A way to reach a role of an organisation: its duty officer's DingTalk group, say."""

    __tablename__ = "escalation_contact"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(24))
    name: Mapped[str] = mapped_column(String(80), default="")
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(200))


class EscalationStep(Base):
    """Step of a ladder: after N minutes unacknowledged, call ``target`` on ``channels``
    (empty: every channel the target's contacts have). A ladder belongs to an organisation,
    or to a jurisdiction as the default for organisations in it that have none of their own.
    A step with no priority applies to every priority."""

    __tablename__ = "escalation_step"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    jurisdiction_id: Mapped[int | None] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    priority: Mapped[str | None] = mapped_column(String(16))
    after_minutes: Mapped[int] = mapped_column(Integer)
    target: Mapped[str] = mapped_column(String(24))
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)


class Escalation(Base):
    """Progress of one escalated subject up its ladder: an alarm (one row per unacknowledged
    raise) or an overdue work item such as a hidden danger past its deadline (one row per
    deadline missed). ``due_at`` is the deadline a work item missed (none for alarms)."""

    __tablename__ = "escalation"

    subject_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    subject_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(Integer, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    steps_done: Mapped[int] = mapped_column(Integer, default=0)
    round: Mapped[int] = mapped_column(Integer, default=0)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stop_reason: Mapped[str | None] = mapped_column(String(24))


class Notification(Base):
    """One message to one address; attempts, outcome and back-off are recorded here."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(32), default=ALARM)
    subject_id: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int] = mapped_column(Integer, index=True)
    step: Mapped[int] = mapped_column(Integer)
    round: Mapped[int] = mapped_column(Integer, default=0)
    target: Mapped[str] = mapped_column(String(24))
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))

    @property
    def alarm_id(self) -> int | None:
        """The alarm this message is about (None for a work item's)."""
        return self.subject_id if self.subject_type == ALARM else None
