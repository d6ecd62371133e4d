"""Exits: a door reader's exit event, or a manual check-out (the entries are the allowed
access decisions already stored in ``access_decision``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, UTCDateTime


class AccessExit(Base):
    """A person left the rooms a door guards (``kind`` reader), or was checked out of some
    rooms of a site, or of all of them when ``room_ids`` is empty (``kind`` manual)."""

    __tablename__ = "access_exit"
    __audited__ = True
    __table_args__ = (Index("ix_access_exit_site_at", "site_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"))
    door_id: Mapped[int | None] = mapped_column(Integer)
    person: Mapped[str] = mapped_column(String(80), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    room_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    recorded_by: Mapped[str] = mapped_column(String(80), default="")
    reason: Mapped[str] = mapped_column(String(500), default="")
