"""``hazwatch risk …``: the risk register and each site's colour map; adding analysis
objects, hazardous events (graded on saving), control measures and new gradings."""

from __future__ import annotations

import json
from typing import Any

import typer
from sqlalchemy import select

from hazwatch.cli.common import cli_context, language, reports_domain_errors, typed
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting, acting_as
from hazwatch.core.i18n import translate
from hazwatch.core.scope import visible_organisations
from hazwatch.prevention.risks import service
from hazwatch.prevention.risks.choices import ControlKind, ObjectKind
from hazwatch.prevention.risks.grading import RiskLevel, RiskMethod
from hazwatch.prevention.risks.schemas import (
    AssessIn,
    AssessmentOut,
    ControlIn,
    ControlOut,
    EventIn,
    EventOut,
    EventPatch,
    ObjectIn,
    ObjectOut,
    ObjectPatch,
)
from hazwatch.registry.models import Building, Room, Site

risk_app = typer.Typer(help="The risk register (graded risk control) and colour maps.")


def register(app: typer.Typer) -> None:
    app.add_typer(risk_app, name="risk")


@risk_app.command("events")
@reports_domain_errors
def events(
    site: int | None = typer.Option(None, "--site", help="Only this site's events."),
    level: RiskLevel | None = typer.Option(None, "--level", help="red, orange, yellow, blue."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Hazardous events with their object, factors, score, level and controls, red first."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        rows = service.list_events(session, who, site, level)
        controls = service.controls(session, [e.id for e, _o in rows])
        latest = {e.id: service.latest_assessment(session, e.id) for e, _o in rows}
        shown: list[dict[str, Any]] = [
            {
                **EventOut.model_validate(e).model_dump(mode="json"),
                "object": ObjectOut.model_validate(o).model_dump(mode="json"),
                "factors": (a.factors if (a := latest[e.id]) is not None else {}),
                "controls": [
                    ControlOut.model_validate(c).model_dump(mode="json")
                    for c in controls.get(e.id, [])
                ],
            }
            for e, o in rows
        ]
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
        return
    for item in shown:
        typer.echo(
            translate(
                "risks.cli.event",
                lang,
                id=item["id"],
                level=RiskLevel(item["level"]) if item["level"] else "-",
                object=item["object"]["name"],
                title=item["title"],
                method=RiskMethod(item["method"]),
                factors=" × ".join(f"{k}={v}" for k, v in item["factors"].items()),
                score=item["score"],
            )
        )
        for control in item["controls"]:
            typer.echo(
                translate(
                    "risks.cli.control",
                    lang,
                    kind=ControlKind(control["kind"]),
                    text=control["description"],
                )
            )


@risk_app.command("map")
@reports_domain_errors
def colour_map(
    site: int | None = typer.Option(None, "--site", help="Site id (default: every site)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Each room coloured by its highest current risk."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        if site is not None:
            sites = [site]
        else:
            query = select(Site.id).where(
                Site.id.in_(select(Building.site_id).join(Room, Room.building_id == Building.id))
            )
            visible = visible_organisations(session, who)
            if visible is not None:
                query = query.where(
                    Site.id.in_(
                        select(Building.site_id)
                        .join(Room, Room.building_id == Building.id)
                        .where(Room.organisation_id.in_(visible))
                    )
                )
            sites = list(session.scalars(query.order_by(Site.id)))
        maps: list[dict[str, Any]] = []
        for site_id in sites:
            found = session.get(Site, site_id)
            rooms = service.colour_map(session, who, site_id)
            maps.append(
                {
                    "site_id": site_id,
                    "site": found.name if found else str(site_id),
                    "rooms": [r.as_dict() for r in rooms],
                }
            )
    if as_json:
        typer.echo(json.dumps(maps, ensure_ascii=False))
        return
    for item in maps:
        typer.secho(f"#{item['site_id']} {item['site']}", bold=True)
        for room in item["rooms"]:
            level = (
                RiskLevel(room["level"]).label(lang)
                if room["level"]
                else translate("risks.cli.none", lang)
            )
            typer.secho(
                "  "
                + translate(
                    "risks.cli.room",
                    lang,
                    building=room["building"],
                    room=room["room"],
                    level=level,
                    events=room["events"],
                ),
                fg=None if room["colour"] in ("grey", "orange") else room["colour"],
            )


FACTOR = typer.Option([], "--factor", "-f", help="A factor, NAME=VALUE (LS: L, S; LEC: L, E, C).")


def _factors(pairs: list[str]) -> dict[str, str]:
    """``-f L=3 -f S=4`` as typed (the service checks each against the method's table)."""
    return {name.strip(): value.strip() for name, _s, value in (p.partition("=") for p in pairs)}


def _echo(shown: dict[str, Any], as_json: bool, text: str) -> None:
    typer.echo(json.dumps(shown, ensure_ascii=False) if as_json else text)


@risk_app.command("objects")
@reports_domain_errors
def objects(
    site: int | None = typer.Option(None, "--site", help="Only this site's objects."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The analysis objects (places, equipment, facilities, operations) events hang on."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        shown = [
            ObjectOut.model_validate(o).model_dump(mode="json")
            for o in service.list_objects(session, who, site)
        ]
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
        return
    for item in shown:
        typer.echo(f"#{item['id']} {item['name']} ({ObjectKind(item['kind']).label(language())})")


@risk_app.command("object-add")
@reports_domain_errors
def object_add(
    organisation: int = typer.Option(..., "--org", help="The organisation (id)."),
    site: int = typer.Option(..., "--site", help="The site (id)."),
    name: str = typer.Option(..., "--name"),
    kind: ObjectKind = typer.Option(ObjectKind.PLACE, "--kind"),
    room: int | None = typer.Option(None, "--room", help="The room it is in (id)."),
    unit: int | None = typer.Option(None, "--unit", help="Its chemical unit (id)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Add an analysis object (分析对象) of a site, in one of its rooms or chemical units."""
    data = typed(
        ObjectIn,
        organisation_id=organisation,
        site_id=site,
        name=name,
        kind=kind,
        room_id=room,
        chemical_unit_id=unit,
    )
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        shown = ObjectOut.model_validate(service.create_object(session, who, data))
    text = translate("risks.cli.added", language(), id=shown.id, name=name)
    _echo(shown.model_dump(mode="json"), as_json, text)


@risk_app.command("event-add")
@reports_domain_errors
def event_add(
    object_id: int = typer.Argument(..., help="The analysis object (id)."),
    title: str = typer.Option(..., "--title"),
    consequence: str = typer.Option("", "--consequence"),
    method: RiskMethod = typer.Option(RiskMethod.LS, "--method"),
    odh: bool = typer.Option(False, "--odh", help="L from the room's ODH class (LS, S 5)."),
    factor: list[str] = FACTOR,
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Add a hazardous event, graded at once from its factors (or its room's ODH class)."""
    data = typed(
        EventIn,
        title=title,
        consequence=consequence,
        method=method,
        odh=odh,
        factors=_factors(factor),
    )
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        event = service.create_event(session, who, object_id, data, context.clock.now())
        shown = EventOut.model_validate(event)
    level = RiskLevel(shown.level).label(language()) if shown.level else "-"
    text = translate("risks.cli.graded", language(), id=shown.id, score=shown.score, level=level)
    _echo(shown.model_dump(mode="json"), as_json, text)


@risk_app.command("assess")
@reports_domain_errors
def assess(
    event: int = typer.Argument(..., help="The hazardous event (id)."),
    factor: list[str] = FACTOR,
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Grade an event again: new factors, or (an ODH event) its room's current class."""
    data = typed(AssessIn, factors=_factors(factor))
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        shown = AssessmentOut.model_validate(
            service.assess(session, who, event, data, context.clock.now())
        )
    level = shown.level.label(language())
    text = translate("risks.cli.graded", language(), id=event, score=shown.score, level=level)
    _echo(shown.model_dump(mode="json"), as_json, text)


@risk_app.command("control-add")
@reports_domain_errors
def control_add(
    event: int = typer.Argument(..., help="The hazardous event (id)."),
    kind: ControlKind = typer.Option(..., "--kind"),
    description: str = typer.Option(..., "--text", "-m"),
    responsible: str = typer.Option("", "--responsible"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Add a control measure (engineering, management, training, PPE, emergency)."""
    data = typed(ControlIn, kind=kind, description=description, responsible=responsible)
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        shown = ControlOut.model_validate(service.add_control(session, who, event, data))
    text = translate("risks.cli.control_added", language(), id=event)
    _echo(shown.model_dump(mode="json"), as_json, text)


@risk_app.command("object-edit")
@reports_domain_errors
def object_edit(
    object_id: int = typer.Argument(..., help="The analysis object (id)."),
    name: str | None = typer.Option(None, "--name"),
    kind: ObjectKind | None = typer.Option(None, "--kind"),
    room: int | None = typer.Option(None, "--room", help="The room it is in now (id)."),
    unit: int | None = typer.Option(None, "--unit", help="Its chemical unit now (id)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Rename, re-kind or re-place an analysis object (only the options given change)."""
    data = typed(ObjectPatch, name=name, kind=kind, room_id=room, chemical_unit_id=unit)
    with acting_as(username, writes=True) as run:
        changed = service.update_object(run.session, run.who, object_id, data)
        shown = ObjectOut.model_validate(changed)
    text = translate("risks.cli.changed", language(), id=shown.id)
    _echo(shown.model_dump(mode="json"), as_json, text)


@risk_app.command("object-retire")
@reports_domain_errors
def object_retire(
    object_id: int = typer.Argument(..., help="The analysis object (id)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Take an object and its events off the register (kept for the audit)."""
    with acting_as(username, writes=True) as run:
        retired = service.retire_object(run.session, run.who, object_id, run.now)
        shown = ObjectOut.model_validate(retired)
    text = translate("risks.cli.retired", language(), id=shown.id)
    _echo(shown.model_dump(mode="json"), as_json, text)


@risk_app.command("event-edit")
@reports_domain_errors
def event_edit(
    event: int = typer.Argument(..., help="The hazardous event (id)."),
    title: str | None = typer.Option(None, "--title"),
    consequence: str | None = typer.Option(None, "--consequence"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Reword a hazardous event (a new grading is ``risk assess``)."""
    data = typed(EventPatch, title=title, consequence=consequence)
    with acting_as(username, writes=True) as run:
        shown = EventOut.model_validate(service.update_event(run.session, run.who, event, data))
    text = translate("risks.cli.changed", language(), id=shown.id)
    _echo(shown.model_dump(mode="json"), as_json, text)


@risk_app.command("event-retire")
@reports_domain_errors
def event_retire(
    event: int = typer.Argument(..., help="The hazardous event (id)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Take an event off the register and the colour map (kept, with its gradings)."""
    with acting_as(username, writes=True) as run:
        retired = service.retire_event(run.session, run.who, event, run.now)
        shown = EventOut.model_validate(retired)
    text = translate("risks.cli.retired", language(), id=shown.id)
    _echo(shown.model_dump(mode="json"), as_json, text)
