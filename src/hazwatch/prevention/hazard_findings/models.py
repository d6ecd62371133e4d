"""Hidden dangers and their timelines. Both are audited: they are safety data."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime
from hazwatch.prevention.hazard_findings.choices import HazardGrade, HazardState


class HazardFinding(Base):
    """A hidden danger (隐患) in the enterprise's ledger.

    ``source_type``/``source_id`` name what opened it (an SCBA set below its minimum, a failed
    inspection item …); at most one hidden danger per source is open at a time, so a source
    that keeps failing does not fill the ledger. The five fixes of the rectification order
    are ``measures``, ``responsible_person``, ``funds_yuan``, ``deadline`` and
    ``contingency_plan``.
    """

    __tablename__ = "hazard_finding"
    __audited__ = True
    __table_args__ = (
        UniqueConstraint("organisation_id", "number"),
        Index(
            "uq_hazard_finding_open_source",
            "source_type",
            "source_id",
            unique=True,
            sqlite_where=text("state <> 'closed'"),
            postgresql_where=text("state <> 'closed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    number: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300), default="")
    title_key: Mapped[str | None] = mapped_column(String(120))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    description: Mapped[str] = mapped_column(Text, default="")
    site_id: Mapped[int | None] = mapped_column(ForeignKey("site.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"), index=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    source_type: Mapped[str | None] = mapped_column(String(32))
    source_id: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[HazardState] = mapped_column(String(16), index=True)
    grade: Mapped[HazardGrade | None] = mapped_column(String(16), index=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reported_by: Mapped[str] = mapped_column(String(80))
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    reported_to_regulator_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    measures: Mapped[str] = mapped_column(Text, default="")
    responsible_person: Mapped[str] = mapped_column(String(80), default="")
    funds_yuan: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    contingency_plan: Mapped[str] = mapped_column(Text, default="")
    rectified_by: Mapped[str | None] = mapped_column(String(80))
    accepted_by: Mapped[str | None] = mapped_column(String(80))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def overdue(self, now: datetime) -> bool:
        """Past its deadline and not closed (DOMAIN §7)."""
        return (
            self.deadline is not None and self.deadline < now and self.state != HazardState.CLOSED
        )


class HazardFindingEvent(Base):
    """One step of a hidden danger's timeline: who did what, when, from which state to
    which, with their comment and what they entered (``details``)."""

    __tablename__ = "hazard_finding_event"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_finding_id: Mapped[int] = mapped_column(
        ForeignKey("hazard_finding.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(80))
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(24))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
