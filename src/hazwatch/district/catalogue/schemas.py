"""禁限控 catalogue bodies and answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id
from hazwatch.district.catalogue.choices import CatalogueCategory, CatalogueSubject, VersionState


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class VersionIn(_In):
    jurisdiction_id: Id
    title: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    basis: str = Field(default="", max_length=300, pattern=NO_NUL)
    copy_in_force: bool = True


class EntryIn(_In):
    subject: CatalogueSubject
    category: CatalogueCategory
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    process_code: str | None = Field(default=None, max_length=8, pattern=NO_NUL)
    cas: str | None = Field(default=None, max_length=16, pattern=NO_NUL)
    note: str = Field(default="", max_length=2000, pattern=NO_NUL)


class ProcessIn(_In):
    organisation_id: Id
    name: str = Field(min_length=1, max_length=200, pattern=NO_NUL)
    process_code: str | None = Field(default=None, max_length=8, pattern=NO_NUL)


class EntryOut(BaseModel):
    id: int
    subject: CatalogueSubject
    subject_label: str
    category: CatalogueCategory
    category_label: str
    name: str
    process_code: str | None
    cas: str | None
    note: str


class VersionOut(BaseModel):
    id: int
    jurisdiction_id: int
    district: str
    number: int
    title: str
    basis: str
    state: VersionState
    state_label: str
    created_at: datetime
    created_by: str
    published_at: datetime | None
    published_by: str | None
    entries: list[EntryOut]


class HitOut(BaseModel):
    """A registered process or product caught by an entry."""

    organisation_id: int
    organisation: str
    subject: CatalogueSubject
    item: str
    object_type: str
    object_id: int
    entry_id: int
    entry: str
    category: CatalogueCategory
    category_label: str


class ImpactOut(BaseModel):
    """What publishing a draft would change: who it newly affects, against the version in
    force (``in_force_id``, none when the district has none yet)."""

    version_id: int
    in_force_id: int | None
    conflicts: int
    newly_affected: list[HitOut]


class ProcessOut(BaseModel):
    id: int
    organisation_id: int
    organisation: str
    name: str
    process_code: str | None
