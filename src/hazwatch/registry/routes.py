"""Registry HTTP API: the same five endpoints for every resource, plus findings.

The endpoints are generated from :data:`hazwatch.registry.resources.RESOURCES` so every
resource gets identical scoping, validation and error behaviour. (No ``from __future__
import annotations`` here: FastAPI reads the body annotations set on each generated
endpoint at runtime.)
"""

from typing import Annotated, Any

from fastapi import Body, Request

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Offset, Router, Text64, Text100, up_to
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.core.i18n import translate
from hazwatch.registry import findings as findings_service
from hazwatch.registry import plan, service
from hazwatch.registry.resources import RESOURCES, Resource
from hazwatch.registry.schemas import FindingOut, PlacementIn, PlanOut

router = Router(prefix="/api/registry", tags=["registry"])


def finding_out(
    finding: findings_service.Finding, language: str, names: dict[int, str]
) -> FindingOut:
    params = {**finding.params, "organisation": names.get(finding.organisation_id or 0, "")}
    return FindingOut(
        code=finding.code,
        severity=finding.severity.value,
        organisation_id=finding.organisation_id,
        organisation_name=names.get(finding.organisation_id or 0),
        object_type=finding.object_type,
        object_id=finding.object_id,
        message=translate(finding.message_key, language, **params),
        legal_basis=translate(finding.legal_basis_key, language),
        fallback_owner_id=finding.fallback_owner_id,
        params=finding.params,
    )


@router.get("/findings", response_model=list[FindingOut])
def list_findings(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    organisation_id: Id | None = None,
    code: Text64 | None = None,
) -> list[FindingOut]:
    as_of = findings_service.AsOf.of(get_context(request))
    found = findings_service.compute(
        db, principal, as_of, organisation_id=organisation_id, code=code
    )
    names = service.organisation_names(db, [f.organisation_id for f in found if f.organisation_id])
    language = language_of(request)
    return [finding_out(finding, language, names) for finding in found]


@router.get("/buildings/{building_id}/plan", response_model=PlanOut)
def building_plan(building_id: Id, db: DbSession, principal: CurrentPrincipal) -> PlanOut:
    """The building's floor plan sketch: rooms with their detectors, doors and the rooms
    each guards, placed where a person dragged them or laid out by their doors."""
    return plan.building_plan(db, principal, building_id)


@router.put("/rooms/{room_id}/placement", status_code=204)
def place_room(room_id: Id, body: PlacementIn, db: DbSession, principal: CurrentPrincipal) -> None:
    """Keep a room's box where it was dragged on the floor plan."""
    plan.place_room(db, principal, room_id, body)


def _add_resource_routes(resource: Resource) -> None:
    path = f"/{resource.name}"
    schema_in, schema_out = resource.schema_in, resource.schema_out

    def list_(
        db: DbSession,
        principal: CurrentPrincipal,
        q: Text100 | None = None,
        organisation_id: Id | None = None,
        limit: Annotated[int, up_to(1000)] = 500,
        offset: Offset = 0,
    ) -> list[Any]:
        filters = {}
        if organisation_id is not None:
            filters["organisation_id"] = organisation_id
        return service.list_objects(
            db, principal, resource, filters=filters, search=q, limit=limit, offset=offset
        )

    def get(ident: Id, db: DbSession, principal: CurrentPrincipal) -> Any:
        return service.get_object(db, principal, resource, ident)

    def create(body: Any, db: DbSession, principal: CurrentPrincipal) -> Any:
        return service.create_object(db, principal, resource, body)

    def update(
        ident: Id,
        body: Annotated[dict[str, Any], Body()],
        db: DbSession,
        principal: CurrentPrincipal,
    ) -> Any:
        return service.update_object(db, principal, resource, ident, body)

    def delete(ident: Id, db: DbSession, principal: CurrentPrincipal) -> None:
        service.delete_object(db, principal, resource, ident)

    create.__annotations__["body"] = schema_in
    tag = resource.name
    router.add_api_route(
        path,
        list_,
        methods=["GET"],
        response_model=list[schema_out],  # type: ignore[valid-type]
        name=f"list_{tag}",
        summary=f"List {tag}",
    )
    router.add_api_route(
        path,
        create,
        methods=["POST"],
        response_model=schema_out,
        status_code=201,
        name=f"create_{tag}",
        summary=f"Create in {tag}",
    )
    router.add_api_route(
        f"{path}/{{ident}}",
        get,
        methods=["GET"],
        response_model=schema_out,
        name=f"get_{tag}",
        summary=f"Read one of {tag}",
    )
    router.add_api_route(
        f"{path}/{{ident}}",
        update,
        methods=["PATCH"],
        response_model=schema_out,
        name=f"update_{tag}",
        summary=f"Change one of {tag}",
    )
    router.add_api_route(
        f"{path}/{{ident}}",
        delete,
        methods=["DELETE"],
        status_code=204,
        name=f"delete_{tag}",
        summary=f"Delete one of {tag}",
    )


def _add_consent_routes(resource: Resource) -> None:
    """The other party of a lease or supply confirms or declines it."""

    def confirm(ident: Id, db: DbSession, principal: CurrentPrincipal) -> Any:
        return service.confirm(db, principal, resource, ident, accept=True)

    def decline(ident: Id, db: DbSession, principal: CurrentPrincipal) -> Any:
        return service.confirm(db, principal, resource, ident, accept=False)

    for action, endpoint in (("confirm", confirm), ("decline", decline)):
        router.add_api_route(
            f"/{resource.name}/{{ident}}/{action}",
            endpoint,
            methods=["POST"],
            response_model=resource.schema_out,
            name=f"{action}_{resource.name}",
            summary=f"{action.capitalize()} one of {resource.name} (the other party)",
        )


for _resource in RESOURCES.values():
    _add_resource_routes(_resource)
    if _resource.name in ("leases", "supplies"):
        _add_consent_routes(_resource)
