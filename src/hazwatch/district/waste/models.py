"""Waste-transfer tables. Manifests are kept at least ten years: they are never deleted
(2022 transfer rules): the ORM refuses (:func:`refuse_delete`) and so does the database, by
a trigger (:data:`KEEP_GUARDS`, installed with the tables and by migration 0029), so not
even SQL typed at a console removes one."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Connection,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime
from hazwatch.core.errors import Conflict
from hazwatch.district.waste.choices import ManifestState, StorePointRole, WasteLicenceKind


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


class WasteStore(Base):
    """A hazardous-waste store (危废储存场所) of a producer's site. Seed 001 measure 8 wants
    thermal imaging fitted to each: its temperature and thermal-imaging points
    (:class:`WasteStorePoint`) are ordinary measurement points, alarmed by the engine like
    any sensor."""

    __tablename__ = "waste_store"
    __audited__ = True
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))


class WasteStorePoint(Base):
    """A temperature or thermal-imaging point watching a waste store (one store per point)."""

    __tablename__ = "waste_store_point"
    __audited__ = True

    point_id: Mapped[int] = mapped_column(ForeignKey("measurement_point.id"), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("waste_store.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[StorePointRole] = mapped_column(String(16))


@event.listens_for(WasteManifest, "before_delete")
def refuse_delete(_mapper: Any, _connection: Any, _target: WasteManifest) -> None:
    """Manifests are kept at least ten years (2022 transfer rules): never deleted."""
    raise Conflict("district.waste.kept_ten_years", field="id")


KEPT = "waste manifests are kept at least ten years"
#: The database's own refusal to delete a manifest, by dialect.
KEEP_GUARDS = {
    "sqlite": (
        "CREATE TRIGGER IF NOT EXISTS waste_manifest_kept BEFORE DELETE ON waste_manifest "
        f"BEGIN SELECT RAISE(ABORT, '{KEPT}'); END",
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION waste_manifest_kept() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{KEPT}'; END $$ LANGUAGE plpgsql",
        "DROP TRIGGER IF EXISTS waste_manifest_kept ON waste_manifest",
        "CREATE TRIGGER waste_manifest_kept BEFORE DELETE ON waste_manifest "
        "FOR EACH ROW EXECUTE FUNCTION waste_manifest_kept()",
    ),
}


def keep_guards(dialect: str) -> tuple[str, ...]:
    return KEEP_GUARDS.get(dialect, ())


def _install_keep_guards(_metadata: object, connection: Connection, **_kw: object) -> None:
    """After ``create_all`` (tests, a fresh embedded database): the same triggers the
    migration installs."""
    found = inspect(connection)
    if found.has_table("waste_manifest"):
        for statement in keep_guards(connection.dialect.name):
            connection.exec_driver_sql(statement)


event.listen(Base.metadata, "after_create", _install_keep_guards)
