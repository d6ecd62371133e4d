"""``hazwatch transport …``: hazardous-goods vehicles, zones, positions, warnings and
coverage from the command line, as a named user (``--as``, default: the system)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal, InvalidOperation

import typer

from hazwatch.cli.common import cli_context, fail, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting, acting_as
from hazwatch.core.clock import local_text
from hazwatch.core.i18n import translate
from hazwatch.district.transport import service, views
from hazwatch.district.transport.choices import ZoneKind
from hazwatch.district.transport.schemas import WarningOut
from hazwatch.prevention.hazard_findings.service import Moment

transport_app = typer.Typer(help="Hazardous-goods transport (危险货物运输).")


def register(app: typer.Typer) -> None:
    app.add_typer(transport_app, name="transport")


def _decimal(text: str, field: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise fail("district.transport.out_of_range", field=field, low="-", high="-") from None


@transport_app.command("overview")
@reports_domain_errors
def overview(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Insurance coverage per district and monitoring staff per carrier; exit 1 when a
    district is below 100 % or a carrier short of staff."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        shown = views.overview(session, who, service.today(Moment.of(context)), context.settings)
    if as_json:
        typer.echo(json.dumps(shown.model_dump(mode="json"), ensure_ascii=False))
    else:
        lang = language()
        for c in shown.coverage:
            typer.echo(
                translate(
                    "transport.cli.coverage",
                    lang,
                    district=c.district,
                    rate=c.rate_percent,
                    insured=c.insured,
                    vehicles=c.vehicles,
                )
            )
        for s in shown.staffing:
            typer.echo(
                translate(
                    "transport.cli.staff",
                    lang,
                    carrier=s.carrier,
                    staff=s.monitoring_staff,
                    required=s.required_staff,
                )
            )
    if any(c.insured < c.vehicles for c in shown.coverage) or any(s.short for s in shown.staffing):
        raise typer.Exit(1)


@transport_app.command("zones")
@reports_domain_errors
def zones(as_json: bool = AS_JSON) -> None:
    """Restricted and speed zones."""
    with cli_context() as context, context.unit_of_work() as session:
        shown = views.zone_outs(session, service.list_zones(session), language())
    if as_json:
        typer.echo(json.dumps([z.model_dump(mode="json") for z in shown], ensure_ascii=False))
        return
    for z in shown:
        state = "" if z.active else " ✗"
        typer.echo(f"#{z.id} {z.name} {z.kind_label} {service.window_text(z.windows)}{state}")


@transport_app.command("add-zone")
@reports_domain_errors
def add_zone(
    department: int = typer.Option(..., "--department", help="Department organisation id."),
    name: str = typer.Option(..., "--name"),
    kind: ZoneKind = typer.Option(ZoneKind.RESTRICTED, "--kind"),
    wkt: str = typer.Option(..., "--wkt", help="WKT in lon lat (WGS-84)."),
    buffer_m: str = typer.Option("0", "--buffer-m", help="Half-width of a line, metres."),
    limit: int | None = typer.Option(None, "--limit", help="Speed limit of a speed zone."),
    window: list[str] = typer.Option(
        [], "--window", help="Restricted hours HH:MM-HH:MM (every day); repeat."
    ),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Add a restricted segment or area, or a speed zone."""
    windows = []
    for text in window:
        start, _, end = text.partition("-")
        windows.append({"days": list(range(1, 8)), "start": start, "end": end})
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        zone = service.create_zone(
            session,
            who,
            organisation_id=department,
            name=name,
            kind=kind,
            geometry_wkt=wkt,
            buffer_m=_decimal(buffer_m, "buffer_m"),
            speed_limit_kmh=limit,
            windows=windows,
        )
        shown = views.zone_outs(session, [zone], language())[0]
    typer.echo(
        json.dumps(shown.model_dump(mode="json"), ensure_ascii=False)
        if as_json
        else f"#{shown.id} {shown.name}"
    )


@transport_app.command("position")
@reports_domain_errors
def position(
    plate: str = typer.Argument(...),
    lat: str = typer.Argument(...),
    lon: str = typer.Argument(...),
    speed: str = typer.Option("0", "--speed", help="km/h"),
    heading: str = typer.Option("0", "--heading", help="degrees"),
    at: datetime | None = typer.Option(None, "--at", help="ISO time with zone (default now)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Report a position; prints the warnings it raised (exit 1 when any)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        moment = Moment.of(context)
        if at is not None and at.tzinfo is None:
            raise fail("district.cli.at_needs_zone", field="at")
        _, warnings = service.report(
            session,
            who,
            moment,
            service.PositionIn(
                plate=plate,
                at=at or moment.now,
                lat=_decimal(lat, "lat"),
                lon=_decimal(lon, "lon"),
                speed_kmh=_decimal(speed, "speed_kmh"),
                heading=_decimal(heading, "heading"),
            ),
        )
        shown = views.warning_outs(session, warnings, language())
    _print_warnings(shown, as_json, context.settings.timezone)
    if shown:
        raise typer.Exit(1)


def _print_warnings(shown: list[WarningOut], as_json: bool, timezone: str) -> None:
    if as_json:
        typer.echo(json.dumps([w.model_dump(mode="json") for w in shown], ensure_ascii=False))
        return
    lang = language()
    for w in shown:
        typer.echo(
            translate(
                "transport.cli.warning",
                lang,
                id=w.id,
                at=local_text(w.at, timezone),
                plate=w.plate,
                kind=w.kind_label,
                where=w.zone or "-",
                speed=service.kmh(w.speed_kmh),
                dispatch=w.dispatch_id or "-",
            )
        )


@transport_app.command("warnings")
@reports_domain_errors
def warnings(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Warnings of the user's area, newest first, with their dispatch."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        shown = views.warning_outs(session, service.list_warnings(session, who), language())
    _print_warnings(shown, as_json, context.settings.timezone)
