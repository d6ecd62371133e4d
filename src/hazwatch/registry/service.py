"""Generic registry operations, applied uniformly to every resource of :mod:`.resources`.

Creates and updates validate the whole record with the resource's input schema (an update
merges the patch into the stored record first), run its referential checks, then write.
Nothing commits here: the caller's unit of work does, so a failed check leaves the store
untouched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import String, cast, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import utcnow
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from hazwatch.core.i18n import DEFAULT_LANGUAGE, catalogue
from hazwatch.core.scope import visible_organisations
from hazwatch.registry.choices import Consent
from hazwatch.registry.models import (
    Door,
    HazardSource,
    Jurisdiction,
    Lease,
    Organisation,
    Room,
    Supply,
)
from hazwatch.registry.resources import Resource, set_door_guards
from hazwatch.registry.schemas import Input, OrganisationIn
from hazwatch.registry.scope import (
    Tenancy,
    awaits_answer_from,
    consent_for,
    decide_consent,
    jurisdiction_subtree,
    writable_organisations,
)

M = TypeVar("M", bound=BaseModel)

#: Fields of an input schema that are not columns (handled by the resource itself).
_DERIVED = {"guarded_room_ids"}


def validate(resource: Resource, data: Mapping[str, Any]) -> Input:
    """Validate raw input; the first problem becomes an ``InvalidInput`` naming its field."""
    return validate_input(resource.schema_in, data)


def validate_input(schema: type[M], data: Mapping[str, Any]) -> M:
    """``data`` as ``schema`` (a console form's values); the first problem becomes an
    ``InvalidInput`` naming its field."""
    try:
        return schema.model_validate(dict(data))
    except ValidationError as exc:
        raise invalid_from(exc) from None


def invalid_from(exc: ValidationError) -> InvalidInput:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or None
    key = str(error.get("ctx", {}).get("error", ""))
    if key in catalogue(DEFAULT_LANGUAGE):
        return InvalidInput(key, field=field)
    return InvalidInput("registry.field_invalid", field=field, problem=error["msg"])


def list_objects(
    session: Session,
    principal: Principal,
    resource: Resource,
    *,
    filters: Mapping[str, Any] | None = None,
    search: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[Any]:
    model = resource.model
    query = select(model).order_by(model.id)  # type: ignore[attr-defined]
    visible = visible_organisations(session, principal)
    if visible is not None:
        query = query.where(resource.scope(visible))
    for name, value in (filters or {}).items():
        column = getattr(model, name, None)
        if column is None or name not in model.__table__.columns:
            raise InvalidInput("registry.unknown_filter", field=name)
        query = query.where(column == value)
    if search:
        column = getattr(model, resource.search_column)
        query = query.where(cast(column, String).ilike(f"%{search}%"))
    return list(session.scalars(query.limit(limit).offset(offset)))


def get_object(session: Session, principal: Principal, resource: Resource, ident: int) -> Any:
    obj = session.get(resource.model, ident)
    if obj is None or not _visible(session, principal, resource, obj):
        raise NotFound("scope.not_found")
    return obj


def create_object(
    session: Session, principal: Principal, resource: Resource, data: Mapping[str, Any] | Input
) -> Any:
    validated = data if isinstance(data, Input) else validate(resource, data)
    tenancy = Tenancy(session, principal)
    _ensure_role(principal, resource)
    resource.check(tenancy, validated, None)
    obj = resource.model()
    _assign(session, obj, validated)
    _ensure_writable(session, principal, resource, obj, creating=True)
    if isinstance(obj, Lease | Supply):
        consent_for(tenancy, _parties(obj), obj, utcnow())
    session.add(obj)
    _flush(session)
    return obj


def update_object(
    session: Session,
    principal: Principal,
    resource: Resource,
    ident: int,
    patch: Mapping[str, Any],
) -> Any:
    obj = get_object(session, principal, resource, ident)
    _ensure_writable(session, principal, resource, obj)
    current = resource.schema_out.model_validate(obj).model_dump(
        include=set(resource.schema_in.model_fields)
    )
    unknown = set(patch) - set(resource.schema_in.model_fields)
    if unknown:
        raise InvalidInput("registry.unknown_field", field=sorted(unknown)[0])
    validated = validate(resource, current | dict(patch))
    tenancy = Tenancy(session, principal)
    resource.check(tenancy, validated, obj)
    before = _links(obj)
    _assign(session, obj, validated)
    _ensure_writable(session, principal, resource, obj)
    if isinstance(obj, Lease | Supply) and (
        _links(obj) != before or obj.status == Consent.DECLINED
    ):
        # Re-pointed (or asked again after a refusal): the other party confirms anew.
        consent_for(tenancy, _parties(obj), obj, utcnow())
    _flush(session)
    return obj


def delete_object(session: Session, principal: Principal, resource: Resource, ident: int) -> None:
    obj = get_object(session, principal, resource, ident)
    _ensure_writable(session, principal, resource, obj)
    session.delete(obj)
    _flush(session)


def _parties(link: Lease | Supply) -> tuple[int, int]:
    if isinstance(link, Lease):
        return (link.lessor_id, link.lessee_id)
    return (link.supplier_id, link.customer_id)


def _links(obj: Any) -> tuple[Any, ...]:
    """What a lease or supply points at: changing any of it needs a new confirmation."""
    if isinstance(obj, Lease):
        return (obj.lessor_id, obj.lessee_id, obj.site_id, obj.parent_id)
    if isinstance(obj, Supply):
        return (obj.supplier_id, obj.customer_id, obj.tank_id, obj.room_id)
    return ()


def confirm(
    session: Session, principal: Principal, resource: Resource, ident: int, *, accept: bool
) -> Any:
    """The other party of a lease or supply confirms (or declines) it."""
    if resource.model not in (Lease, Supply):
        raise InvalidInput("tenancy.not_a_link", field="kind", kind=resource.name)
    link = get_object(session, principal, resource, ident)
    decide_consent(session, principal, link, accept, utcnow())
    _flush(session)
    return link


def awaits_answer(session: Session, principal: Principal, obj: Any) -> bool:
    """Whether ``obj`` is a pending lease or supply waiting for ``principal``'s answer."""
    return isinstance(obj, Lease | Supply) and awaits_answer_from(session, principal, obj)


def _ensure_role(principal: Principal, resource: Resource) -> None:
    if principal.is_platform_admin:
        return
    if resource.writers is not None and principal.role not in resource.writers:
        raise Forbidden("registry.role_cannot_write", role=principal.role.value)
    if not principal.can_edit and principal.role not in (Role.LANDLORD, Role.SUPPLIER):
        raise Forbidden("registry.not_your_organisation")


def _assign(session: Session, obj: Any, data: Input) -> None:
    values = data.model_dump(exclude=_DERIVED)
    if isinstance(data, OrganisationIn):
        values["contacts"] = [contact.model_dump() for contact in data.contacts]
    for name, value in values.items():
        setattr(obj, name, value)
    if isinstance(obj, HazardSource):
        # Scoping and the audit row need the room before the new source is flushed.
        room = session.get(Room, obj.room_id)
        if room is not None:
            obj.room = room
    if isinstance(obj, Door):
        set_door_guards(obj, list(getattr(data, "guarded_room_ids", [])))


def _flush(session: Session) -> None:
    """Flush now so constraint violations surface as a 409; the caller's unit of work then
    rolls everything back."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("registry.in_use") from exc


def _visible(session: Session, principal: Principal, resource: Resource, obj: Any) -> bool:
    visible = visible_organisations(session, principal)
    owners = resource.owners(obj)
    return visible is None or not owners or bool(owners & visible)


def _ensure_writable(
    session: Session, principal: Principal, resource: Resource, obj: Any, *, creating: bool = False
) -> None:
    if principal.is_platform_admin:
        return
    if resource.writers is not None and principal.role not in resource.writers:
        raise Forbidden("registry.role_cannot_write", role=principal.role.value)
    if isinstance(obj, Organisation) and creating:
        _ensure_may_register(session, principal, obj)
        return
    writable = writable_organisations(session, principal)
    if writable is None or resource.owners(obj) & writable:
        return
    if _visible(session, principal, resource, obj):
        raise Forbidden("registry.not_your_organisation")
    # Writing for an organisation the caller cannot see answers like a read would: 404.
    raise NotFound("scope.not_found")


def _ensure_may_register(
    session: Session, principal: Principal, organisation: Organisation
) -> None:
    """Only regulators (within their area) register new organisations."""
    if principal.jurisdiction_id is None or organisation.jurisdiction_id is None:
        raise Forbidden("registry.not_your_jurisdiction")
    if organisation.jurisdiction_id not in jurisdiction_subtree(session, principal.jurisdiction_id):
        raise Forbidden("registry.not_your_jurisdiction")


def organisation_names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    query = select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    return {row.id: row.name for row in session.execute(query)}


def district_of(session: Session, jurisdiction_id: int | None) -> Jurisdiction | None:
    """Walk up the tree to the district (the level whose bureau is the fallback owner)."""
    node = session.get(Jurisdiction, jurisdiction_id) if jurisdiction_id else None
    while node is not None and node.kind != "district":
        node = node.parent
    return node
