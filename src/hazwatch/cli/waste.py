"""``hazwatch waste …`` and ``hazwatch calendar …``: hazardous-waste transfer manifests and
the holiday calendar their working-day deadlines count on.

Each command runs as a named user (``--as``, default: the system).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import typer
from sqlalchemy.orm import Session

from hazwatch.cli.common import cli_context, fail, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting, acting_as
from hazwatch.core.clock import local_date, local_text
from hazwatch.core.context import Context
from hazwatch.core.i18n import translate
from hazwatch.district import calendar
from hazwatch.district.waste import service, views
from hazwatch.district.waste.choices import HandoverStep, ManifestState, WasteLicenceKind
from hazwatch.district.waste.models import WasteManifest
from hazwatch.district.waste.schemas import ManifestOut
from hazwatch.prevention.hazard_findings.service import Moment

waste_app = typer.Typer(help="Hazardous-waste transfer manifests (危险废物转移联单).")
calendar_app = typer.Typer(help="The holiday calendar working-day deadlines count on.")


def register(app: typer.Typer) -> None:
    app.add_typer(waste_app, name="waste")
    app.add_typer(calendar_app, name="calendar")


def _quantity(text: str, field: str = "quantity_kg") -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise fail("district.waste.bad_quantity", field=field) from None


def _outs(session: Session, context: Context, found: list[WasteManifest]) -> list[ManifestOut]:
    return views.manifest_outs(
        session,
        found,
        context.clock.now(),
        context.settings.waste_quantity_tolerance,
        language(),
    )


def _print(shown: list[ManifestOut], as_json: bool, timezone: str) -> None:
    if as_json:
        typer.echo(json.dumps([m.model_dump(mode="json") for m in shown], ensure_ascii=False))
        return
    lang = language()
    for m in shown:
        flag = f" [{translate('district.cli.fails', lang)}]" if m.fails_reconciliation else ""
        typer.secho(f"#{m.id} {m.number} {m.state_label}{flag}", bold=m.fails_reconciliation)
        typer.echo(
            translate(
                "district.cli.manifest",
                lang,
                code=m.waste_code,
                name=m.waste_name,
                quantity=service.kg(m.quantity_kg),
                producer=m.producer,
                carrier=m.carrier,
                receiver=m.receiver,
                plate=m.vehicle_plate,
                due=local_text(m.due_at, timezone) or "-",
            )
        )
        for step, found in m.mismatches.items():
            typer.echo(f"  ≠ {HandoverStep(step).label(lang)}: {service.kg(found)} kg")


@waste_app.command("manifests")
@reports_domain_errors
def manifests(
    state: ManifestState | None = typer.Option(None, "--state", help="Only this state."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Manifests the user is a party to, reconciled; exit 1 when any fails."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        shown = _outs(session, context, service.list_manifests(session, who, state))
    _print(shown, as_json, context.settings.timezone)
    if any(m.fails_reconciliation for m in shown):
        raise typer.Exit(1)


@waste_app.command("issue")
@reports_domain_errors
def issue(
    producer: int = typer.Option(..., "--producer", help="Producer organisation id."),
    carrier: int = typer.Option(..., "--carrier", help="Carrier organisation id."),
    receiver: int = typer.Option(..., "--receiver", help="Receiver organisation id."),
    plate: str = typer.Option(..., "--plate", help="Vehicle plate (one manifest per trip)."),
    code: str = typer.Option(..., "--code", help="Waste code, e.g. 900-041-49."),
    name: str = typer.Option(..., "--name", help="Waste name."),
    quantity: str = typer.Option(..., "--quantity", help="Declared quantity in kg."),
    paper_number: str = typer.Option("", "--paper-number", help="Back-fill this paper one."),
    completed_on: datetime | None = typer.Option(
        None, "--completed-on", formats=["%Y-%m-%d"], help="Paper: day the transfer completed."
    ),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The producer issues a manifest (or back-fills a paper one)."""
    amount = _quantity(quantity)
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        manifest = service.issue(
            session,
            who,
            Moment.of(context),
            organisation_id=producer,
            carrier_id=carrier,
            receiver_id=receiver,
            vehicle_plate=plate,
            waste_code=code,
            waste_name=name,
            quantity_kg=amount,
            paper_number=paper_number,
            completed_on=completed_on.date() if completed_on else None,
        )
        shown = _outs(session, context, [manifest])
    _print(shown, as_json, context.settings.timezone)


@waste_app.command("handover")
@reports_domain_errors
def handover(
    manifest: int = typer.Argument(..., help="Manifest id."),
    step: HandoverStep = typer.Argument(..., help="pickup (carrier) or receipt (receiver)."),
    quantity: str = typer.Argument(..., help="Quantity found, kg."),
    at: datetime | None = typer.Option(None, "--at", help="When it was taken over (ISO)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The taking party confirms a hand-over with the quantity it found."""
    amount = _quantity(quantity)
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        if at is not None and at.tzinfo is None:
            raise fail("district.cli.at_needs_zone", field="at")
        found = service.handover(
            session, who, Moment.of(context), manifest, step=step, quantity_kg=amount, at=at
        )
        shown = _outs(session, context, [found])
    _print(shown, as_json, context.settings.timezone)


@waste_app.command("licences")
@reports_domain_errors
def licences(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Carriers' and receivers' waste licences with the codes they cover."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        today = local_date(context.clock.now(), context.settings.timezone)
        shown = views.licence_outs(session, service.list_licences(session, who), today, language())
    if as_json:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in shown], ensure_ascii=False))
        return
    for lic in shown:
        typer.echo(
            f"#{lic.id} {lic.organisation} {lic.kind_label} {lic.number} "
            f"{lic.valid_from}…{lic.valid_until} {','.join(lic.waste_codes)}"
            + ("" if lic.valid_today else " ✗")
        )


@waste_app.command("add-licence")
@reports_domain_errors
def add_licence(
    organisation: int = typer.Argument(..., help="Organisation id."),
    kind: WasteLicenceKind = typer.Argument(..., help="carrier or receiver."),
    number: str = typer.Argument(..., help="Licence number."),
    codes: list[str] = typer.Option(..., "--code", help="A code or category (HW08); repeat."),
    valid_from: datetime = typer.Option(..., "--from", formats=["%Y-%m-%d"]),
    valid_until: datetime = typer.Option(..., "--until", formats=["%Y-%m-%d"]),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Record a carrier's or receiver's licence."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        licence = service.create_licence(
            session,
            who,
            organisation_id=organisation,
            kind=kind,
            number=number,
            waste_codes=codes,
            valid_from=valid_from.date(),
            valid_until=valid_until.date(),
        )
        today = local_date(context.clock.now(), context.settings.timezone)
        shown = views.licence_outs(session, [licence], today, language())[0]
    if as_json:
        typer.echo(json.dumps(shown.model_dump(mode="json"), ensure_ascii=False))
    else:
        typer.echo(f"#{shown.id} {shown.organisation} {shown.kind_label} {shown.number}")


@calendar_app.command("list")
@reports_domain_errors
def list_days(
    year: int | None = typer.Option(None, "--year", min=2000, max=2100),
    as_json: bool = AS_JSON,
) -> None:
    """Holidays and make-up working days on the calendar."""
    with cli_context() as context, context.unit_of_work() as session:
        rows = [(r.day, r.working, r.name) for r in calendar.list_days(session, year)]
    if as_json:
        typer.echo(
            json.dumps(
                [{"day": d.isoformat(), "working": w, "name": n} for d, w, n in rows],
                ensure_ascii=False,
            )
        )
        return
    lang = language()
    for day, working, name in rows:
        kind = translate("district.cli.working" if working else "district.cli.holiday", lang)
        typer.echo(f"{day} {kind} {name}")


@calendar_app.command("set")
@reports_domain_errors
def set_day(
    day: datetime = typer.Argument(..., formats=["%Y-%m-%d"], help="The day."),
    working: bool = typer.Option(False, "--working/--holiday", help="Make-up day or holiday."),
    name: str = typer.Option("", "--name"),
    username: str | None = AS_USER,
) -> None:
    """Mark a day a holiday or a make-up working day (platform administrator)."""
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        calendar.set_day(session, who, day.date(), working=working, name=name)
    typer.echo(f"{date.isoformat(day.date())} {working}")
