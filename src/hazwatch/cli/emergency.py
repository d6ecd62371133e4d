"""``hazwatch emergency …``: the training matrix (and its Excel), the equipment registry and
its periodic checks, each acting as a named user (``--as``)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import typer
from sqlalchemy import select

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting
from hazwatch.core.clock import local_date, local_text
from hazwatch.core.errors import InvalidInput
from hazwatch.core.i18n import translate
from hazwatch.emergency.readiness import checks_ledger, matrix, service
from hazwatch.emergency.readiness.choices import EquipmentKind, QualificationKind
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.prevention.ledger import workbook
from hazwatch.registry.models import Organisation
from hazwatch.registry.service import organisation_names

emergency_app = typer.Typer(help="Emergency readiness: training matrix, equipment checks.")


def register(app: typer.Typer) -> None:
    app.add_typer(emergency_app, name="emergency")


@emergency_app.command("training")
@reports_domain_errors
def training(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """The training matrix: each person's qualifications with their expiry; exit 1 when one
    has lapsed."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        today = local_date(context.clock.now(), context.settings.timezone)
        rows = service.training_matrix(session, who, today)
    shown: list[dict[str, Any]] = [
        {
            "organisation_id": row.organisation_id,
            "person": row.person,
            "trainings": row.trainings,
            "hours": str(row.hours),
            "qualifications": {
                kind: {
                    "expires_on": cell.expires_on.isoformat() if cell.expires_on else None,
                    "lapsed": cell.lapsed,
                }
                for kind, cell in row.cells.items()
            },
        }
        for row in rows
    ]
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
    else:
        for row in rows:
            typer.secho(row.person, bold=True)
            for kind, cell in row.cells.items():
                expiry = cell.expires_on.isoformat() if cell.expires_on else "-"
                mark = f" {translate('readiness.matrix.lapsed', lang)}" if cell.lapsed else ""
                typer.echo(f"  {QualificationKind(kind).label(lang)}: {expiry}{mark}")
    if any(cell.lapsed for row in rows for cell in row.cells.values()):
        raise typer.Exit(1)


@emergency_app.command("training-export")
@reports_domain_errors
def training_export(
    path: Path = typer.Argument(..., help="Output .xlsx file."),
    username: str | None = AS_USER,
) -> None:
    """Write the training matrix to an Excel file."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        today = local_date(context.clock.now(), context.settings.timezone)
        rows = service.training_matrix(session, who, today)
        ids = {row.organisation_id for row in rows}
        names = {
            r[0]: r[1]
            for r in session.execute(
                select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
            ).all()
        }
    path.write_bytes(workbook(matrix.ledger(rows, names, today, lang)))
    typer.echo(translate("readiness.cli.exported", lang, count=len(rows), path=str(path)))


@emergency_app.command("equipment")
@reports_domain_errors
def equipment(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """The equipment registry (SCBA sets included) with readiness; exit 1 when an item is
    not ready."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        items = service.equipment_registry(session, who, context.clock.now())
        timezone = context.settings.timezone
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "code": i.code,
                        "kind": i.kind,
                        "organisation_id": i.organisation_id,
                        "holder": i.holder,
                        "ready": i.ready,
                        "reason": i.reason,
                        "last_check": i.last_check.isoformat() if i.last_check else None,
                        "due_at": i.due_at.isoformat() if i.due_at else None,
                        "hidden_danger_id": i.hidden_danger_id,
                    }
                    for i in items
                ],
                ensure_ascii=False,
            )
        )
    else:
        for item in items:
            state = translate("web.scba.ready" if item.ready else "web.scba.not_ready", lang)
            why = ""
            if item.reason:
                why = f" ({translate(item.reason, lang, scba=item.code, pressure='-')})"
            typer.echo(
                f"{EquipmentKind(item.kind).label(lang)} {item.code}: {state}{why}"
                f" · {local_text(item.due_at, timezone) or '-'}"
            )
    if any(not item.ready for item in items):
        raise typer.Exit(1)


@emergency_app.command("check")
@reports_domain_errors
def check(
    code: str = typer.Argument(..., help="The item's code."),
    passed: bool = typer.Option(True, "--passed/--failed", help="The check's outcome."),
    pressure: str | None = typer.Option(None, "--pressure", help="SCBA cylinder MPa."),
    notes: str = typer.Option("", "--notes", "-m"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Record a periodic check; one that leaves the item not ready opens its hidden danger
    (its id is printed)."""
    try:
        cylinder = Decimal(pressure) if pressure is not None else None
    except InvalidOperation:
        raise InvalidInput("emergency.bad_pressure", field="pressure") from None
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who  # the audit names the person who checked
        opened = service.check_equipment(
            session,
            who,
            Moment.of(context),
            code,
            passed=passed,
            notes=notes,
            cylinder_pressure_mpa=cylinder,
        )
    result = {"code": code, "hidden_danger_id": opened}
    if as_json:
        typer.echo(json.dumps(result))
    else:
        text = translate("readiness.cli.checked", language(), code=code, hidden=opened or "-")
        typer.echo(text)


SITE = typer.Option(None, "--site", help="Only items kept at this site (id).")
ORGANISATION = typer.Option(None, "--org", help="Only this organisation's items (id).")


@emergency_app.command("checks")
@reports_domain_errors
def checks(
    site: int | None = SITE,
    organisation: int | None = ORGANISATION,
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The equipment checks ledger: every periodic check, newest first; exit 1 when one
    failed."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        rows = service.equipment_checks(session, who, organisation_id=organisation, site_id=site)
        timezone = context.settings.timezone
    if as_json:
        shown = [
            {
                "organisation_id": row.organisation_id,
                "site_id": row.site_id,
                "kind": row.kind,
                "code": row.code,
                "at": row.at.isoformat(),
                "checked_by": row.checked_by,
                "passed": row.passed,
                "cylinder_pressure_mpa": None
                if row.pressure_mpa is None
                else str(row.pressure_mpa),
                "minimum_pressure_mpa": None
                if row.minimum_pressure_mpa is None
                else str(row.minimum_pressure_mpa),
                "defects": list(row.defects),
                "notes": row.notes,
            }
            for row in rows
        ]
        typer.echo(json.dumps(shown, ensure_ascii=False))
    else:
        for row in rows:
            result = "readiness.ledger.passed" if row.passed else "readiness.ledger.not_passed"
            defects = "；".join(translate(key, lang) for key in row.defects)
            pressure = "" if row.pressure_mpa is None else f" {row.pressure_mpa:f} MPa"
            typer.echo(
                f"{local_text(row.at, timezone)} {EquipmentKind(row.kind).label(lang)} {row.code}"
                f" · {row.checked_by} · {translate(result, lang)}{pressure}"
                + (f" · {defects}" if defects else "")
            )
    if any(not row.passed for row in rows):
        raise typer.Exit(1)


@emergency_app.command("checks-export")
@reports_domain_errors
def checks_export(
    path: Path = typer.Argument(..., help="Output .xlsx file."),
    site: int | None = SITE,
    organisation: int | None = ORGANISATION,
    username: str | None = AS_USER,
) -> None:
    """Write the equipment checks ledger (of one site, one organisation) to an Excel file."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        rows = service.equipment_checks(session, who, organisation_id=organisation, site_id=site)
        names = organisation_names(session, list({row.organisation_id for row in rows}))
        book = checks_ledger.ledger(
            rows, names, context.clock.now(), lang, context.settings.timezone
        )
    path.write_bytes(workbook(book))
    typer.echo(translate("readiness.cli.checks_exported", lang, count=len(rows), path=str(path)))
