"""禁限控 catalogue tables: versions per district, their entries, and the processes
enterprises register (the products are the chemicals their units hold)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, UTCDateTime
from hazwatch.district.catalogue.choices import CatalogueCategory, CatalogueSubject, VersionState


class CatalogueVersion(Base):
    """One version of a district's catalogue. Only a draft changes; publishing it puts it in
    force and supersedes the version in force before."""

    __tablename__ = "catalogue_version"
    __audited__ = True
    __table_args__ = (UniqueConstraint("jurisdiction_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jurisdiction_id: Mapped[int] = mapped_column(ForeignKey("jurisdiction.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    #: The document that sets this version (a district notice), as people cite it.
    basis: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[VersionState] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(80))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by: Mapped[str | None] = mapped_column(String(80))


class CatalogueEntry(Base):
    """A process or product the district prohibits, restricts or controls. A process matches
    by its key-process code (or its exact name), a product by CAS number (or exact name)."""

    __tablename__ = "catalogue_entry"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalogue_version.id"), index=True)
    subject: Mapped[CatalogueSubject] = mapped_column(String(16))
    category: Mapped[CatalogueCategory] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    process_code: Mapped[str | None] = mapped_column(String(8))
    cas: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")


class RegisteredProcess(Base):
    """A production process an enterprise runs, as registered with the district."""

    __tablename__ = "registered_process"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Its key-supervised process (:mod:`hazwatch.district.admission.processes`), if one.
    process_code: Mapped[str | None] = mapped_column(String(8))
