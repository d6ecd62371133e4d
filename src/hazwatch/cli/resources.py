"""``hazwatch resources …``: the shared equipment library, rescue teams, the nearest resources
to a scene, dispatches to an incident or drill and their arrival and return, as a named user
(``--as``, default: the system)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import typer

from hazwatch.cli.common import cli_context, fail, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting
from hazwatch.core.clock import local_date, local_text
from hazwatch.core.i18n import translate
from hazwatch.district.resources import service, views
from hazwatch.district.resources.choices import DispatchPurpose, ItemCondition
from hazwatch.district.resources.schemas import DispatchOut
from hazwatch.emergency.readiness.choices import EquipmentKind
from hazwatch.prevention.hazard_findings.service import Moment

resources_app = typer.Typer(help="Emergency resources: equipment library, teams, dispatch.")


def register(app: typer.Typer) -> None:
    app.add_typer(resources_app, name="resources")


def _decimal(text: str, field: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise fail("resources.cli.bad_number", field=field, text=text) from None


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False))


def _when(at: datetime | None) -> datetime | None:
    if at is not None and at.tzinfo is None:
        raise fail("district.cli.at_needs_zone", field="at")
    return at


@resources_app.command("items")
@reports_domain_errors
def items(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """The shared equipment library the user sees."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        shown = views.library(
            session, service.library(session, who, context.clock.now()), language()
        )
    if as_json:
        _echo_json([i.model_dump(mode="json") for i in shown])
        return
    lang = language()
    for i in shown:
        state = "" if i.lendable else f" ✗ {i.not_ready_reason or ''}"
        typer.echo(
            translate(
                "resources.cli.item",
                lang,
                code=i.code,
                kind=i.kind_label,
                name=i.name,
                quantity=f"{i.quantity.normalize():f}",
                unit=i.unit,
                condition=i.condition_label,
                owner=i.owner,
                state=state,
            )
        )


@resources_app.command("add-item")
@reports_domain_errors
def add_item(
    owner: int = typer.Option(..., "--owner", help="Owner organisation id."),
    kind: EquipmentKind = typer.Option(..., "--kind"),
    code: str = typer.Option(..., "--code"),
    lat: str = typer.Option(..., "--lat"),
    lon: str = typer.Option(..., "--lon"),
    quantity: str = typer.Option(..., "--quantity"),
    unit: str = typer.Option("", "--unit"),
    name: str = typer.Option("", "--name"),
    site: int | None = typer.Option(None, "--site", help="Site id."),
    condition: ItemCondition = typer.Option(ItemCondition.GOOD, "--condition"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """List an item in the library (and the equipment registry)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        item = service.add_item(
            session,
            who,
            organisation_id=owner,
            kind=kind,
            code=code,
            name=name,
            site_id=site,
            lat=_decimal(lat, "lat"),
            lon=_decimal(lon, "lon"),
            quantity=_decimal(quantity, "quantity"),
            unit=unit,
            condition=condition,
        )
        found = [
            s
            for s in service.library(session, who, context.clock.now())
            if s.item.equipment_id == item.equipment_id
        ]
        shown = views.library(session, found, language())[0]
    if as_json:
        _echo_json(shown.model_dump(mode="json"))
    else:
        typer.echo(f"{shown.code} {shown.kind_label}")


@resources_app.command("teams")
@reports_domain_errors
def teams(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Rescue teams with their certified members."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        today = local_date(context.clock.now(), context.settings.timezone)
        shown = views.team_outs(session, service.list_teams(session, who), today, language())
    if as_json:
        _echo_json([t.model_dump(mode="json") for t in shown])
        return
    lang = language()
    for t in shown:
        state = " ✗" if t.busy or not t.available else ""
        typer.echo(
            translate(
                "resources.cli.team",
                lang,
                id=t.id,
                name=t.name,
                kind=t.kind_label,
                qualified=t.qualified_members,
                members=len(t.members),
                state=state,
            )
        )


@resources_app.command("nearest")
@reports_domain_errors
def nearest(
    lat: str = typer.Argument(...),
    lon: str = typer.Argument(...),
    kind: EquipmentKind | None = typer.Option(
        None, "--kind", help="Equipment kind; teams if none."
    ),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Ready items of a kind (or teams) nearest a scene, under the district's rules."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        latitude, longitude = _decimal(lat, "lat"), _decimal(lon, "lon")
        service.check_position(latitude, longitude)
        scene = service.scene_of(session, who.organisation_id, latitude, longitude, None)
        now = context.clock.now()
        found = (
            service.rank_items(session, who, now, scene, kind)
            if kind is not None
            else service.rank_teams(session, who, local_date(now, context.settings.timezone), scene)
        )
        shown = views.candidate_outs(session, found)
    if as_json:
        _echo_json([c.model_dump(mode="json") for c in shown])
        return
    lang = language()
    for c in shown:
        typer.echo(
            translate(
                "resources.cli.candidate",
                lang,
                label=c.label,
                owner=c.owner,
                distance=c.distance_km,
                minutes=c.minutes,
                available=f" ×{c.available.normalize():f}" if c.available is not None else "",
            )
        )


def _print_dispatches(shown: list[DispatchOut], timezone: str) -> None:
    lang = language()
    for d in shown:
        typer.echo(
            translate(
                "resources.cli.dispatch",
                lang,
                id=d.id,
                at=local_text(d.requested_at, timezone),
                purpose=d.purpose_label,
                subject=d.subject,
                organisation=d.organisation,
                state=" ✓" if d.closed_at else "",
            )
        )
        for line in d.lines:
            typer.echo(
                translate(
                    "resources.cli.line",
                    lang,
                    id=line.id,
                    what=line.what,
                    quantity=f"{line.quantity.normalize():f}" if line.equipment_id else "",
                    unit=line.unit,
                    owner=line.owner,
                    distance=line.distance_km,
                    state=line.state_label,
                )
            )
        for s in d.shortfalls:
            typer.echo(
                translate(
                    "resources.cli.shortfall",
                    lang,
                    kind=s.kind_label,
                    missing=f"{s.missing.normalize():f}",
                )
            )


@resources_app.command("dispatch")
@reports_domain_errors
def dispatch(
    lat: str = typer.Option(..., "--lat"),
    lon: str = typer.Option(..., "--lon"),
    drill: int | None = typer.Option(None, "--drill", help="Drill id."),
    incident: int | None = typer.Option(None, "--incident", help="Incident id."),
    need: list[str] = typer.Option([], "--need", help="KIND=QUANTITY, e.g. absorbent=200; repeat."),
    teams: int | None = typer.Option(None, "--teams", help="Teams to send (default: the rules)."),
    site: int | None = typer.Option(None, "--site", help="The scene's site id."),
    note: str = typer.Option("", "--note"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Send the nearest ready equipment and teams to an incident or drill; exit 1 when
    something asked for could not be supplied."""
    needs = []
    for index, text in enumerate(need):
        kind, _, amount = text.partition("=")
        try:
            wanted = EquipmentKind(kind.strip())
        except ValueError:
            raise fail("district.resources.bad_need", field=f"needs.{index}.kind") from None
        needs.append(service.Need(wanted, _decimal(amount, f"needs.{index}.quantity")))
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        sent = service.request_dispatch(
            session,
            who,
            Moment.of(context),
            service.Request(
                purpose=DispatchPurpose.DRILL if incident is None else DispatchPurpose.INCIDENT,
                incident_id=incident,
                drill_id=drill,
                site_id=site,
                lat=_decimal(lat, "lat"),
                lon=_decimal(lon, "lon"),
                needs=needs,
                teams=teams,
                note=note,
            ),
        )
        shown = views.dispatch_outs(session, [sent], language())
    if as_json:
        _echo_json(shown[0].model_dump(mode="json"))
    else:
        _print_dispatches(shown, context.settings.timezone)
    if shown[0].shortfalls:
        raise typer.Exit(1)


@resources_app.command("dispatches")
@reports_domain_errors
def dispatches(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Dispatches to the user's area and those that took its resources, newest first."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        shown = views.dispatch_outs(session, service.list_dispatches(session, who), language())
    if as_json:
        _echo_json([d.model_dump(mode="json") for d in shown])
    else:
        _print_dispatches(shown, context.settings.timezone)


@resources_app.command("arrive")
@reports_domain_errors
def arrive(
    line: int = typer.Argument(..., help="Dispatch line id."),
    at: datetime | None = typer.Option(None, "--at", help="ISO time with zone (default now)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """A line sent reached the scene."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        done = service.record_arrival(session, who, Moment.of(context), line, _when(at))
        state = service.state_of(done)
    if as_json:
        _echo_json({"id": line, "state": state.value})
    else:
        typer.echo(f"#{line} {state.label(language())}")


@resources_app.command("return")
@reports_domain_errors
def give_back(
    line: int = typer.Argument(..., help="Dispatch line id."),
    quantity: str | None = typer.Option(None, "--quantity", help="How much came back (items)."),
    at: datetime | None = typer.Option(None, "--at", help="ISO time with zone (default now)."),
    note: str = typer.Option("", "--note"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """A line came back (with how much of an item: the rest leaves the library)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        done = service.record_return(
            session,
            who,
            Moment.of(context),
            line,
            at=_when(at),
            returned_quantity=_decimal(quantity, "returned_quantity") if quantity else None,
            note=note,
        )
        state = service.state_of(done)
    if as_json:
        _echo_json({"id": line, "state": state.value})
    else:
        typer.echo(f"#{line} {state.label(language())}")
