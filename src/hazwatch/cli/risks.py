"""``hazwatch risk events|map``: the risk register and each site's colour map."""

from __future__ import annotations

import json
from typing import Any

import typer
from sqlalchemy import select

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting
from hazwatch.core.i18n import translate
from hazwatch.core.scope import visible_organisations
from hazwatch.prevention.risks import service
from hazwatch.prevention.risks.choices import ControlKind
from hazwatch.prevention.risks.grading import RiskLevel, RiskMethod
from hazwatch.prevention.risks.schemas import ControlOut, EventOut, ObjectOut
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
