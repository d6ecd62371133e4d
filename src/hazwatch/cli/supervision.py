"""``hazwatch supervision …``: responsibilities and blind spots from the command line.

Each command runs as a named user (``--as``, default: the system), so a street regulator
sees its street and the district its district.
"""

from __future__ import annotations

import json

import typer

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting
from hazwatch.core.clock import local_date
from hazwatch.core.i18n import translate
from hazwatch.supervision import responsibility, views
from hazwatch.supervision.choices import Sector
from hazwatch.supervision.schemas import ResolutionOut

supervision_app = typer.Typer(help="Supervision: responsibility matrices and blind spots.")


def register(app: typer.Typer) -> None:
    app.add_typer(supervision_app, name="supervision")


def _print(shown: list[ResolutionOut], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in shown], ensure_ascii=False))
        return
    for one in shown:
        typer.secho(f"#{one.organisation_id} {one.message}", bold=one.blind_spot)
        for s in one.supervisors:
            typer.echo(f"  {s.stage_label:<8} {s.department} ({s.by_label})")


@supervision_app.command("blind-spots")
@reports_domain_errors
def blind_spots(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """The worklist of organisations no department supervises; exit 1 when there are any."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        today = local_date(context.clock.now(), context.settings.timezone)
        shown = views.resolution_outs(
            session, responsibility.blind_spots(session, who, today), language()
        )
    _print(shown, as_json)
    if not as_json:
        typer.echo(translate("cli.supervision.total", language(), count=len(shown)))
    if shown:
        raise typer.Exit(1)


@supervision_app.command("supervisors")
@reports_domain_errors
def supervisors(
    organisation: int = typer.Argument(..., help="Organisation id."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Who supervises an organisation (assignment, matrix), else its fallback owner."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        today = local_date(context.clock.now(), context.settings.timezone)
        found = responsibility.resolve(session, who, organisation, today)
        shown = views.resolution_outs(session, [found], language())
    if as_json:
        typer.echo(json.dumps(shown[0].model_dump(mode="json"), ensure_ascii=False))
    else:
        _print(shown, False)


@supervision_app.command("classify")
@reports_domain_errors
def classify(
    organisation: int = typer.Argument(..., help="Organisation id."),
    sector: Sector = typer.Argument(..., help="Its sector."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """A regulator classifies an organisation's sector (the matrix then applies)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        now = context.clock.now()
        responsibility.classify(session, who, now, organisation, sector)
        found = responsibility.resolve(
            session, who, organisation, local_date(now, context.settings.timezone)
        )
        shown = views.resolution_outs(session, [found], language())
    if as_json:
        typer.echo(json.dumps(shown[0].model_dump(mode="json"), ensure_ascii=False))
    else:
        _print(shown, False)


@supervision_app.command("matrices")
@reports_domain_errors
def matrices(
    jurisdiction: int | None = typer.Option(None, "--jurisdiction", help="Only this one."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Responsibility matrices, newest version first per jurisdiction."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        shown = [
            views.matrix_out(session, m, language())
            for m in responsibility.list_matrices(session, who, jurisdiction)
        ]
    if as_json:
        typer.echo(json.dumps([m.model_dump(mode="json") for m in shown], ensure_ascii=False))
        return
    for matrix in shown:
        typer.secho(
            translate(
                "web.supervision.matrix",
                language(),
                jurisdiction=matrix.jurisdiction,
                version=matrix.version,
            ),
            bold=True,
        )
        for rule in matrix.rules:
            typer.echo(f"  {rule.stage_label:<8} {rule.sector_label:<12} {rule.department}")
