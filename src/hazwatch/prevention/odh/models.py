"""ODH assessments of rooms (one row per computation, history kept) and room safeguards."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime


class OdhAssessment(Base):
    """A room's oxygen-deficiency hazard assessment with the inputs it was computed from.

    A new row is stored whenever the inputs change, so the history shows which room data
    led to which class; ``stale`` marks the latest row of a room whose present inputs can no
    longer be assessed (its volume or a release rate was removed): it is kept for the record
    but no longer counts as an assessment.
    """

    __tablename__ = "odh_assessment"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    trigger: Mapped[str] = mapped_column(String(24))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    phi_per_hour: Mapped[float] = mapped_column(Float)
    odh_class: Mapped[int] = mapped_column(Integer)
    stale: Mapped[bool] = mapped_column(default=False)


class OdhSafeguard(Base):
    """A safeguard fitted in a room (fixed O2 detection, interlocked exhaust, horn/strobe).

    ``failure_on_demand`` is the probability the safeguard fails when the release demands
    it; empty means the kind's default from :data:`hazwatch.prevention.odh.choices.DEFAULTS`.
    """

    __tablename__ = "odh_safeguard"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    failure_on_demand: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    basis: Mapped[str] = mapped_column(String(200), default="")
    in_service: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(String(300), default="")
