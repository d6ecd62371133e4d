"""Interlock rules and the commands they sent, with their confirmation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, UTCDateTime


class InterlockRule(Base):
    """When an alarm of ``conditions`` becomes active on an O2 point of ``room_id`` (or on
    ``point_id``), send ``command`` to the actuator ``device_code``."""

    __tablename__ = "interlock_rule"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("room.id"), index=True)
    point_id: Mapped[int | None] = mapped_column(ForeignKey("measurement_point.id"))
    conditions: Mapped[list[str]] = mapped_column(JSON)
    action: Mapped[str] = mapped_column(String(24))
    device_code: Mapped[str] = mapped_column(String(64))
    command: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    timeout_s: Mapped[int] = mapped_column(Integer, default=10)
    enabled: Mapped[bool] = mapped_column(default=True)


class InterlockCommand(Base):
    __tablename__ = "interlock_command"

    id: Mapped[int] = mapped_column(primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("interlock_rule.id"), index=True)
    alarm_id: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int] = mapped_column(Integer, index=True)
    command_id: Mapped[str] = mapped_column(String(40), unique=True)
    action: Mapped[str] = mapped_column(String(24))
    device_code: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="sent", index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
