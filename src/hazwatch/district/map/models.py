"""Where things are: a site's point and a park's outline (WGS-84, as the national
platforms and vehicle terminals report). Kept beside the registry rather than in it, so a
site or a park without a place is still a complete registry entry; both are audited."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, ExactDecimal


class SiteLocation(Base):
    """A site's gate (or its centre) on the map."""

    __tablename__ = "site_location"
    __audited__ = True
    __table_args__ = (
        CheckConstraint("lat >= -90 AND lat <= 90", name="lat"),
        CheckConstraint("lon >= -180 AND lon <= 180", name="lon"),
    )

    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    lat: Mapped[Decimal] = mapped_column(ExactDecimal())
    lon: Mapped[Decimal] = mapped_column(ExactDecimal())


class ParkOutline(Base):
    """A park's (or street's) boundary as WKT (lon lat), checked with shapely: a valid
    polygon, never one that crosses itself."""

    __tablename__ = "park_outline"
    __audited__ = True

    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), primary_key=True)
    outline: Mapped[str] = mapped_column(Text)
