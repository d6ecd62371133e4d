"""A landlord's inspections of its tenants (Work Safety Law Art. 49: the lessor coordinates
with and inspects its lessees' safety work)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, UTCDateTime


class TenantInspection(Base):
    """Planned for a time, then recorded (who inspected, what was found: each finding a
    hidden danger of the tenant)."""

    __tablename__ = "tenant_inspection"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    landlord_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    planned_for: Mapped[datetime] = mapped_column(UTCDateTime())
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    inspector: Mapped[str] = mapped_column(String(80), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    hidden_danger_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
