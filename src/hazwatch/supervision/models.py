"""Supervision tables. Every table is audited (``__audited__``): it is safety data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hazwatch.core.db import Base, UTCDateTime
from hazwatch.registry.choices import SupervisionStage
from hazwatch.supervision.choices import Sector


class ResponsibilityMatrix(Base):
    """One version of a jurisdiction's responsibility matrix (stage × sector → department).

    Versions are never changed: a change is a new version, so who was responsible on a past
    day stays answerable. The newest version of the nearest jurisdiction up the tree that
    has one applies to an organisation (a street may refine its district's matrix).
    """

    __tablename__ = "responsibility_matrix"
    __audited__ = True
    __table_args__ = (UniqueConstraint("jurisdiction_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    version: Mapped[int]
    basis: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))

    rules: Mapped[list[ResponsibilityRule]] = relationship(
        cascade="all, delete-orphan", order_by="ResponsibilityRule.id"
    )


class ResponsibilityRule(Base):
    """One cell of a matrix: the department supervising ``stage`` for ``sector``."""

    __tablename__ = "responsibility_rule"
    __audited__ = True
    __table_args__ = (UniqueConstraint("matrix_id", "stage", "sector", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matrix_id: Mapped[int] = mapped_column(
        ForeignKey("responsibility_matrix.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[SupervisionStage] = mapped_column(String(16))
    sector: Mapped[Sector] = mapped_column(String(24))
    department_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)


class OrganisationSector(Base):
    """The sector a regulator classified an organisation as (none: ``unknown``)."""

    __tablename__ = "organisation_sector"
    __audited__ = True

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    sector: Mapped[Sector] = mapped_column(String(24))
    classified_at: Mapped[datetime] = mapped_column(UTCDateTime())
    classified_by: Mapped[str] = mapped_column(String(80))
