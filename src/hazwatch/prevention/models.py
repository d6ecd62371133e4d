"""Special-work permits (GB 30871-2022) with their gas tests.

Only confined-space entry permits exist so far; ``kind`` leaves room for the other special
works (hot work, work at height …) when the full permit loop is built.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal, UTCDateTime


class WorkPermit(Base):
    """Numbers are the enterprise's own, so they are unique within an organisation only."""

    __tablename__ = "work_permit"
    __table_args__ = (UniqueConstraint("organisation_id", "number"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("room.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24), default="confined_space")
    number: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_by: Mapped[str] = mapped_column(String(80))
    closed: Mapped[bool] = mapped_column(default=False)


class GasTest(Base):
    __tablename__ = "gas_test"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    permit_id: Mapped[int] = mapped_column(
        ForeignKey("work_permit.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    tester: Mapped[str] = mapped_column(String(80))
    o2_percent: Mapped[Decimal] = mapped_column(ExactDecimal())
    toxic_ppm: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    lel_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal())
