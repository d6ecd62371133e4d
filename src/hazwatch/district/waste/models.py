"""Waste-transfer tables. Manifests are kept at least ten years: they are never deleted
(2022 transfer rules; :func:`refuse_delete`)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime
from hazwatch.core.errors import Conflict
from hazwatch.district.waste.choices import ManifestState, WasteLicenceKind


class WasteLicence(Base):
    """What a carrier or receiver may handle: codes or categories, and until when."""

    __tablename__ = "waste_licence"
    __audited__ = True
    __table_args__ = (UniqueConstraint("kind", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[WasteLicenceKind] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(80))
    issuer: Mapped[str] = mapped_column(String(200), default="")
    waste_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    revoked: Mapped[bool] = mapped_column(default=False)


class WasteManifest(Base):
    """One vehicle trip of one hazardous waste from its producer (``organisation_id``) by a
    carrier to a receiver, with each hand-over's quantity as the taking party confirmed it."""

    __tablename__ = "waste_manifest"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("quantity_kg > 0", name="positive_quantity"),
        CheckConstraint("organisation_id <> receiver_id", name="distinct_receiver"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    carrier_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    vehicle_plate: Mapped[str] = mapped_column(String(16), index=True)
    waste_code: Mapped[str] = mapped_column(String(10), index=True)
    waste_name: Mapped[str] = mapped_column(String(120))
    quantity_kg: Mapped[Decimal] = mapped_column(ExactDecimal())
    state: Mapped[ManifestState] = mapped_column(String(16), index=True)
    #: Run on paper (the system was unavailable) and back-filled afterwards.
    paper: Mapped[bool] = mapped_column(default=False)
    paper_number: Mapped[str] = mapped_column(String(40), default="")
    #: Paper only: the day the transfer was completed; back-filling runs from it.
    completed_on: Mapped[date | None] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    issued_by: Mapped[str] = mapped_column(String(80))
    picked_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pickup_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pickup_by: Mapped[str | None] = mapped_column(String(80))
    pickup_quantity_kg: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    #: When the receiver took the waste over (acceptance); its confirmation is recorded later.
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    receipt_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    receipt_by: Mapped[str | None] = mapped_column(String(80))
    received_quantity_kg: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    #: The deadline of what is owed: the receiver's confirmation (5 working days from the
    #: pick-up, then from the acceptance), or a paper manifest's back-filling (10 working days
    #: from its completion). Fixed when the step is taken, on the calendar of that day.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    note: Mapped[str] = mapped_column(Text, default="")


@event.listens_for(WasteManifest, "before_delete")
def refuse_delete(_mapper: Any, _connection: Any, _target: WasteManifest) -> None:
    """Manifests are kept at least ten years (2022 transfer rules): never deleted."""
    raise Conflict("district.waste.kept_ten_years", field="id")
