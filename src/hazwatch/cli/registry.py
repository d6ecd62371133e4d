"""``hazwatch registry …``: the registry from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from hazwatch.cli.common import cli_context, fail, language, reports_domain_errors
from hazwatch.cli.hazards import acting
from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.i18n import translate
from hazwatch.registry import findings, plan, service, transfer
from hazwatch.registry.choices import Consent
from hazwatch.registry.resources import RESOURCES, resource

registry_app = typer.Typer(help="Organisations, premises, leases, supplies, licences.")
KINDS = ", ".join(RESOURCES)


def register(app: typer.Typer) -> None:
    app.add_typer(registry_app, name="registry")


@registry_app.command("list")
@reports_domain_errors
def list_kind(
    kind: str = typer.Argument(..., help=f"One of: {KINDS}"),
    search: str | None = typer.Option(None, "--search", "-q", help="Text to look for."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the records of one kind."""
    res = resource(kind)
    with cli_context() as context, context.unit_of_work() as session:
        objects = service.list_objects(session, SYSTEM, res, search=search)
        rows = [res.schema_out.model_validate(obj).model_dump(mode="json") for obj in objects]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        label = row.get(res.search_column) or row.get("name") or ""
        typer.echo(f"{row['id']:>5}  {label}")


@registry_app.command("plan")
@reports_domain_errors
def show_plan(
    building: int = typer.Argument(..., help="Building id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """A building's floor plan: rooms by depth behind their doors, detectors, doors."""
    with cli_context() as context, context.unit_of_work() as session:
        shown = plan.building_plan(session, SYSTEM, building)
    if as_json:
        typer.echo(shown.model_dump_json(indent=2))
        return
    lang = language()
    names = {room.id: room.name for room in shown.rooms}
    typer.secho(shown.building or f"#{shown.building_id}", bold=True)
    for room in shown.rooms:
        points = ", ".join(room.points) or "—"
        typer.echo(f"{'  ' * room.depth}{room.name}  [{points}]")
    for door in shown.doors:
        rooms = translate("access.list_separator", lang).join(names[r] for r in door.guards)
        typer.echo(translate("registry.cli.plan_door", lang, door=door.code, rooms=rooms))


@registry_app.command("findings")
def list_findings(
    organisation_id: int | None = typer.Option(None, "--org", help="Only this organisation."),
    code: str | None = typer.Option(None, "--code", help="Only this kind of finding."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Registry findings with their legal basis (exit 1 when there are any)."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        as_of = findings.AsOf.of(context)
        found = findings.compute(session, SYSTEM, as_of, organisation_id=organisation_id, code=code)
        ids = [f.organisation_id for f in found if f.organisation_id]
        names = service.organisation_names(session, ids)
    out = []
    for finding in found:
        params = {**finding.params, "organisation": names.get(finding.organisation_id or 0, "")}
        out.append(
            {
                "code": finding.code,
                "severity": finding.severity.value,
                "organisation_id": finding.organisation_id,
                "object": f"{finding.object_type}/{finding.object_id}",
                "message": translate(finding.message_key, lang, **params),
                "legal_basis": translate(finding.legal_basis_key, lang),
            }
        )
    if as_json:
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        for item in out:
            severity = findings.Severity(str(item["severity"])).label(lang)
            typer.secho(f"[{severity}] {item['message']} ({item['object']})", bold=True)
            typer.echo(f"    {item['legal_basis']}")
        typer.echo(translate("registry.cli.findings_total", lang, count=len(out)))
    if out:
        raise typer.Exit(1)


@registry_app.command("export")
@reports_domain_errors
def export(
    kind: str = typer.Argument(..., help=f"One of: {KINDS}"),
    path: Path = typer.Argument(..., help="Output file, .csv or .xlsx."),
) -> None:
    """Write every record of one kind to a CSV or Excel file."""
    res = resource(kind)
    with cli_context() as context, context.unit_of_work() as session:
        rows = transfer.export_rows(session, SYSTEM, res)
    transfer.write(path, transfer.columns(res), rows)
    typer.echo(translate("registry.cli.exported", language(), count=len(rows), path=str(path)))


def _decide(kind: str, ident: int, username: str | None, as_json: bool, accept: bool) -> None:
    res = resource(kind)
    with cli_context() as context, context.unit_of_work() as session:
        principal = acting(session, username)
        link = service.confirm(session, principal, res, ident, accept=accept)
        row = res.schema_out.model_validate(link).model_dump(mode="json")
    if as_json:
        typer.echo(json.dumps(row, ensure_ascii=False, indent=2))
        return
    status = Consent(row["status"]).label(language())
    typer.echo(translate("registry.cli.consent_decided", language(), id=ident, status=status))


LINK_KIND = typer.Argument(..., help="leases or supplies")
AS_USER = typer.Option(None, "--as", help="Answer as this user (default: the system).")


@registry_app.command("confirm")
@reports_domain_errors
def confirm(
    kind: str = LINK_KIND,
    ident: int = typer.Argument(..., help="The lease's or supply's id."),
    username: str | None = AS_USER,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Confirm a lease or supply another organisation recorded naming yours."""
    _decide(kind, ident, username, as_json, accept=True)


@registry_app.command("decline")
@reports_domain_errors
def decline(
    kind: str = LINK_KIND,
    ident: int = typer.Argument(..., help="The lease's or supply's id."),
    username: str | None = AS_USER,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Decline it: it then grants no visibility."""
    _decide(kind, ident, username, as_json, accept=False)


class _DryRun(Exception):
    """Raised to roll back a dry-run import after it was fully checked."""


@registry_app.command("import")
@reports_domain_errors
def import_(
    kind: str = typer.Argument(..., help=f"One of: {KINDS}"),
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help=".csv or .xlsx file."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check every row, store nothing."),
) -> None:
    """Create or update records from a file; all rows or none (errors name row and field)."""
    res = resource(kind)
    lang = language()
    with cli_context() as context:
        report = transfer.ImportReport()
        try:
            with context.unit_of_work() as session:
                report = transfer.import_rows(session, SYSTEM, res, path)
                if not report.ok or dry_run:
                    raise _DryRun
        except _DryRun:
            pass
    for error in report.errors:
        message = translate(error.code, lang, **error.params)
        typer.secho(
            translate("registry.cli.row_error", lang, row=error.row, field=error.field or "-")
            + f" {message} ({error.code})",
            err=True,
            fg=typer.colors.RED,
        )
    if not report.ok:
        raise fail("registry.cli.import_rejected", 2, count=len(report.errors))
    key = "registry.cli.import_checked" if dry_run else "registry.cli.imported"
    typer.echo(translate(key, lang, created=report.created, updated=report.updated))
