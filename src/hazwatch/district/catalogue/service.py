"""The district's 禁限控 catalogue (seed 001 measure 1: "制定化工产业'禁限控'目录") as versioned
data, and the registered processes and products checked against it.

* A district's regulators draft a version (by default a copy of the one in force), change
  its entries, see who the draft newly affects (:func:`newly_affected`: its conflicts that
  the version in force does not have), then publish it: it comes into force and the one
  before is superseded. One version is in force per district; only a draft changes.
* Registered processes (:class:`~.models.RegisteredProcess`) match a process entry by
  key-process code or exact name; products are the chemicals the enterprise's units hold
  (design maximum above zero), matching a product entry by CAS number or exact name.
* Conflicts with the version in force are findings (:mod:`.findings`): prohibited ones are
  major (dispatched for verification), restricted serious, controlled a notice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.chemicals.identifiers import valid_cas
from hazwatch.chemicals.models import Chemical, ChemicalHolding
from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hazwatch.core.scope import visible_organisations
from hazwatch.district.admission import processes
from hazwatch.district.catalogue.choices import CatalogueCategory, CatalogueSubject, VersionState
from hazwatch.district.catalogue.models import CatalogueEntry, CatalogueVersion, RegisteredProcess
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.models import Jurisdiction, Organisation
from hazwatch.registry.scope import Tenancy, jurisdiction_subtree

# -- who may do what --------------------------------------------------------------------------


def manages(session: Session, principal: Principal, jurisdiction_id: int) -> bool:
    """The platform administrator, or a regulator whose area contains the district."""
    if principal.is_platform_admin:
        return True
    if principal.role is not Role.REGULATOR or principal.jurisdiction_id is None:
        return False
    return jurisdiction_id in jurisdiction_subtree(session, principal.jurisdiction_id)


def _version(session: Session, principal: Principal, version_id: int) -> CatalogueVersion:
    """A version the caller may read: published ones are public, a draft only its managers'."""
    version = session.get(CatalogueVersion, version_id)
    if version is None or (
        version.state == VersionState.DRAFT
        and not manages(session, principal, version.jurisdiction_id)
    ):
        raise NotFound("scope.not_found", field="version_id", id=version_id)
    return version


def _draft(session: Session, principal: Principal, version_id: int) -> CatalogueVersion:
    version = _version(session, principal, version_id)
    if not manages(session, principal, version.jurisdiction_id):
        raise Forbidden("district.catalogue.managers_only", field="version_id")
    if version.state != VersionState.DRAFT:
        raise Conflict(
            "district.catalogue.not_a_draft", field="version_id", state=VersionState(version.state)
        )
    return version


# -- versions ---------------------------------------------------------------------------------


def in_force(session: Session, jurisdiction_id: int) -> CatalogueVersion | None:
    return session.scalar(
        select(CatalogueVersion).where(
            CatalogueVersion.jurisdiction_id == jurisdiction_id,
            CatalogueVersion.state == VersionState.PUBLISHED,
        )
    )


def create_version(
    session: Session,
    principal: Principal,
    moment: Moment,
    *,
    jurisdiction_id: int,
    title: str,
    basis: str = "",
    copy_in_force: bool = True,
) -> CatalogueVersion:
    """A new draft for a district, numbered after its last version; by default it starts
    as a copy of the entries in force."""
    district = session.get(Jurisdiction, jurisdiction_id)
    if district is None or not manages(session, principal, jurisdiction_id):
        if district is not None and principal.role is not Role.REGULATOR:
            raise Forbidden("district.catalogue.managers_only", field="jurisdiction_id")
        raise NotFound("scope.not_found", field="jurisdiction_id", id=jurisdiction_id)
    if district.kind != "district":
        raise InvalidInput("district.catalogue.district_only", field="jurisdiction_id")
    if not title.strip():
        raise InvalidInput("district.catalogue.required", field="title")
    last = session.scalar(
        select(func.max(CatalogueVersion.number)).where(
            CatalogueVersion.jurisdiction_id == jurisdiction_id
        )
    )
    version = CatalogueVersion(
        jurisdiction_id=jurisdiction_id,
        number=int(last or 0) + 1,
        title=title.strip(),
        basis=basis.strip(),
        state=VersionState.DRAFT,
        created_at=moment.now,
        created_by=principal.username,
    )
    session.add(version)
    session.flush()
    current = in_force(session, jurisdiction_id)
    if copy_in_force and current is not None:
        for entry in entries(session, current.id):
            session.add(
                CatalogueEntry(
                    version_id=version.id,
                    subject=entry.subject,
                    category=entry.category,
                    name=entry.name,
                    process_code=entry.process_code,
                    cas=entry.cas,
                    note=entry.note,
                )
            )
        session.flush()
    return version


def add_entry(
    session: Session,
    principal: Principal,
    version_id: int,
    *,
    subject: CatalogueSubject,
    category: CatalogueCategory,
    name: str,
    process_code: str | None = None,
    cas: str | None = None,
    note: str = "",
) -> CatalogueEntry:
    _draft(session, principal, version_id)
    if not name.strip():
        raise InvalidInput("district.catalogue.required", field="name")
    code = (process_code or "").strip().upper() or None
    number = (cas or "").strip() or None
    if subject is CatalogueSubject.PROCESS:
        if number is not None:
            raise InvalidInput("district.catalogue.cas_is_for_products", field="cas")
        if code is not None:
            processes.check_codes([code], "process_code")
    else:
        if code is not None:
            raise InvalidInput("district.catalogue.code_is_for_processes", field="process_code")
        if number is not None and not valid_cas(number):
            raise InvalidInput("district.catalogue.bad_cas", field="cas", value=number[:20])
    entry = CatalogueEntry(
        version_id=version_id,
        subject=subject,
        category=category,
        name=name.strip(),
        process_code=code,
        cas=number,
        note=note.strip(),
    )
    session.add(entry)
    session.flush()
    return entry


def remove_entry(session: Session, principal: Principal, version_id: int, entry_id: int) -> None:
    _draft(session, principal, version_id)
    entry = session.get(CatalogueEntry, entry_id)
    if entry is None or entry.version_id != version_id:
        raise NotFound("scope.not_found", field="entry_id", id=entry_id)
    session.delete(entry)
    session.flush()


def publish(
    session: Session, principal: Principal, moment: Moment, version_id: int
) -> CatalogueVersion:
    """Put a draft in force; the version in force before is superseded."""
    version = _draft(session, principal, version_id)
    current = in_force(session, version.jurisdiction_id)
    if current is not None:
        current.state = VersionState.SUPERSEDED
        session.flush()
    version.state = VersionState.PUBLISHED
    version.published_at, version.published_by = moment.now, principal.username
    session.flush()
    return version


def get(session: Session, principal: Principal, version_id: int) -> CatalogueVersion:
    return _version(session, principal, version_id)


def list_versions(session: Session, principal: Principal) -> list[CatalogueVersion]:
    found = session.scalars(
        select(CatalogueVersion).order_by(
            CatalogueVersion.jurisdiction_id, CatalogueVersion.number.desc()
        )
    )
    return [
        v
        for v in found
        if v.state != VersionState.DRAFT or manages(session, principal, v.jurisdiction_id)
    ]


def entries(session: Session, version_id: int) -> list[CatalogueEntry]:
    return list(
        session.scalars(
            select(CatalogueEntry)
            .where(CatalogueEntry.version_id == version_id)
            .order_by(CatalogueEntry.id)
        )
    )


# -- registered processes ---------------------------------------------------------------------


def register_process(
    session: Session,
    principal: Principal,
    *,
    organisation_id: int,
    name: str,
    process_code: str | None = None,
) -> RegisteredProcess:
    Tenancy(session, principal).writable_organisation(organisation_id)
    if not name.strip():
        raise InvalidInput("district.catalogue.required", field="name")
    code = (process_code or "").strip().upper() or None
    if code is not None:
        processes.check_codes([code], "process_code")
    row = RegisteredProcess(organisation_id=organisation_id, name=name.strip(), process_code=code)
    session.add(row)
    session.flush()
    return row


def remove_process(session: Session, principal: Principal, process_id: int) -> None:
    row = Tenancy(session, principal).writable_row(RegisteredProcess, process_id, "process_id")
    session.delete(row)
    session.flush()


def list_processes(session: Session, principal: Principal) -> list[RegisteredProcess]:
    query = select(RegisteredProcess).order_by(
        RegisteredProcess.organisation_id, RegisteredProcess.id
    )
    visible = visible_organisations(session, principal)
    if visible is not None:
        query = query.where(RegisteredProcess.organisation_id.in_(visible))
    return list(session.scalars(query))


# -- checking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """A registered process or product of an enterprise, as the catalogue is checked against:
    ``code`` is the key-process code of a process or the CAS number of a product."""

    organisation_id: int
    subject: CatalogueSubject
    name: str
    code: str | None
    object_type: str
    object_id: int


@dataclass(frozen=True)
class Hit:
    """An item in conflict with an entry."""

    item: Item
    entry_id: int
    entry_name: str
    category: CatalogueCategory

    @property
    def key(self) -> tuple[int, str, str, str]:
        """What stays the same across versions: who, what, and how it is classed."""
        return (self.item.organisation_id, self.item.subject, self.item.name, self.category)


def _organisations(session: Session, jurisdiction_id: int) -> set[int]:
    area = jurisdiction_subtree(session, jurisdiction_id)
    return set(
        session.scalars(select(Organisation.id).where(Organisation.jurisdiction_id.in_(area)))
    )


def items(session: Session, organisation_ids: set[int]) -> list[Item]:
    found = [
        Item(
            p.organisation_id,
            CatalogueSubject.PROCESS,
            p.name,
            p.process_code,
            "registered_process",
            p.id,
        )
        for p in session.scalars(
            select(RegisteredProcess)
            .where(RegisteredProcess.organisation_id.in_(organisation_ids))
            .order_by(RegisteredProcess.id)
        )
    ]
    held = session.execute(
        select(ChemicalHolding, Chemical)
        .join(Chemical, Chemical.id == ChemicalHolding.chemical_id)
        .where(
            ChemicalHolding.organisation_id.in_(organisation_ids),
            ChemicalHolding.design_max_t > 0,
        )
        .order_by(ChemicalHolding.id)
    ).all()
    found += [
        Item(h.organisation_id, CatalogueSubject.PRODUCT, c.name, c.cas, "chemical_holding", h.id)
        for h, c in held
    ]
    return found


def matches(entry: CatalogueEntry, item: Item) -> bool:
    if entry.subject != item.subject:
        return False
    by_code = entry.process_code if entry.subject == CatalogueSubject.PROCESS else entry.cas
    return (by_code is not None and by_code == item.code) or entry.name == item.name


def conflicts(session: Session, version: CatalogueVersion) -> list[Hit]:
    """Every registered process and product of the version's district it catches."""
    found = items(session, _organisations(session, version.jurisdiction_id))
    return [
        Hit(item, entry.id, entry.name, CatalogueCategory(entry.category))
        for entry in entries(session, version.id)
        for item in found
        if matches(entry, item)
    ]


def newly_affected(session: Session, version: CatalogueVersion) -> list[Hit]:
    """The draft's conflicts the version in force does not have (or classes less strictly):
    who a publication would newly affect."""
    current = in_force(session, version.jurisdiction_id)
    before = {hit.key for hit in conflicts(session, current)} if current else set()
    return [hit for hit in conflicts(session, version) if hit.key not in before]


def visible_hits(session: Session, principal: Principal, hits: list[Hit]) -> list[Hit]:
    visible = visible_organisations(session, principal)
    return [h for h in hits if visible is None or h.item.organisation_id in visible]


def current_conflicts(session: Session, visible: frozenset[int] | None) -> list[Hit]:
    """Conflicts with every version in force, for the organisations in ``visible``."""
    published = session.scalars(
        select(CatalogueVersion)
        .where(CatalogueVersion.state == VersionState.PUBLISHED)
        .order_by(CatalogueVersion.id)
    )
    return [
        hit
        for version in published
        for hit in conflicts(session, version)
        if visible is None or hit.item.organisation_id in visible
    ]
