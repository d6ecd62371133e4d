"""Every access decision is kept: who asked at which door, the answer and why."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, UTCDateTime


class AccessDecision(Base):
    __tablename__ = "access_decision"
    __table_args__ = (
        Index("ix_access_decision_door_at", "door_code", "at"),
        # who is inside a room: the allowed entries at the doors guarding it
        Index("ix_access_decision_door_id_at", "door_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    door_id: Mapped[int | None] = mapped_column(Integer)
    door_code: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    person: Mapped[str] = mapped_column(String(80), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    allowed: Mapped[bool]
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    room_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
