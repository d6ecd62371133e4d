"""``hazwatch supervision …``: responsibilities and blind spots from the command line.

Each command runs as a named user (``--as``, default: the system), so a street regulator
sees its street and the district its district.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

import typer

from hazwatch.cli.common import cli_context, fail, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, Acting, acting, acting_as
from hazwatch.core.clock import local_text
from hazwatch.core.i18n import translate
from hazwatch.supervision import dispatch, incidents, responsibility, views
from hazwatch.supervision.choices import Sector
from hazwatch.supervision.incident_grade import SOURCE as GRADE_SOURCE
from hazwatch.supervision.incident_grade import grade
from hazwatch.supervision.schemas import IncidentOut, ResolutionOut

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


def _print_resolution(run: Acting, organisation: int, as_json: bool) -> None:
    """Who supervises one organisation, as it stands in ``run``."""
    found = responsibility.resolve(run.session, run.who, organisation, run.today)
    shown = views.resolution_outs(run.session, [found], language())
    if as_json:
        typer.echo(json.dumps(shown[0].model_dump(mode="json"), ensure_ascii=False))
    else:
        _print(shown, False)


@supervision_app.command("blind-spots")
@reports_domain_errors
def blind_spots(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """The worklist of organisations no department supervises; exit 1 when there are any."""
    with acting_as(username) as run:
        shown = views.resolution_outs(
            run.session, responsibility.blind_spots(run.session, run.who, run.today), language()
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
    with acting_as(username) as run:
        _print_resolution(run, organisation, as_json)


@supervision_app.command("classify")
@reports_domain_errors
def classify(
    organisation: int = typer.Argument(..., help="Organisation id."),
    sector: Sector = typer.Argument(..., help="Its sector."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """A regulator classifies an organisation's sector (the matrix then applies)."""
    with acting_as(username, writes=True) as run:
        responsibility.classify(run.session, run.who, run.now, organisation, sector)
        _print_resolution(run, organisation, as_json)


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


def print_incident(shown: IncidentOut, timezone: str) -> None:
    """An incident with its reporting chain, as the list and the recording commands show it."""
    lang = language()
    typer.secho(f"#{shown.id} {shown.title} [{shown.grade_label}]", bold=True)
    figures = translate(
        "web.incidents.figures",
        lang,
        deaths=shown.deaths,
        injuries=shown.serious_injuries,
        loss=shown.direct_loss_yuan,
    )
    typer.echo(f"  {shown.organisation} · {figures}")
    for step in shown.steps:
        flag = ""
        if step.late:
            flag = translate("web.incidents.late", lang)
        elif step.overdue:
            flag = translate("web.incidents.overdue", lang)
        done = local_text(step.reported_at, timezone) or "-"
        due = local_text(step.due, timezone)
        typer.echo(f"  {step.level_label:<10} {due} → {done} {flag}")
    typer.echo(
        "  "
        + translate(
            "web.incidents.investigation", lang, due=local_text(shown.investigation_due, timezone)
        )
    )


@supervision_app.command("incidents")
@reports_domain_errors
def list_incidents(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Incidents with their reporting chains; exit 1 when a step is late or overdue."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        now = context.clock.now()
        shown = [
            views.incident_out(session, i, now, language())
            for i in incidents.list_incidents(session, who)
        ]
    if as_json:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in shown], ensure_ascii=False))
    else:
        for one in shown:
            print_incident(one, context.settings.timezone)
    if any(one.late_steps or one.overdue_steps for one in shown):
        raise typer.Exit(1)


@supervision_app.command("grade")
def grade_command(
    deaths: int = typer.Option(0, "--deaths", min=0, help="Deaths."),
    injuries: int = typer.Option(0, "--injuries", min=0, help="Serious injuries."),
    loss: str = typer.Option("0", "--loss", help="Direct economic loss, yuan."),
    as_json: bool = AS_JSON,
) -> None:
    """The grade of an accident from its figures (Order 493 Art. 3)."""
    try:
        amount = Decimal(loss)
    except InvalidOperation:
        raise fail("supervision.incident.not_a_number") from None
    if not amount.is_finite() or amount < 0:
        raise fail("supervision.incident.negative")
    found = grade(deaths, injuries, amount)
    if as_json:
        payload = {
            "grade": found.grade.value,
            "label": found.grade.label(language()),
            "criteria": list(found.criteria),
            "source": GRADE_SOURCE,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False))
    else:
        typer.echo(f"{found.grade.label(language())} ({GRADE_SOURCE})")


@supervision_app.command("dispatches")
@reports_domain_errors
def list_dispatches(
    scan: bool = typer.Option(False, "--scan", help="Dispatch the warnings first."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Work orders (派单核查) of the caller's area; exit 1 when any open one is late."""
    with acting_as(username, writes=True) as run:
        if scan:
            responsibility.ensure_regulator(run.who)
            dispatch.scan(run.session, run.now, run.context.settings)
            dispatch.tick(run.session, run.now, run.context.settings)
        shown = [
            views.dispatch_out(run.session, o, run.now, language())
            for o in dispatch.list_orders(run.session, run.who)
        ]
    if as_json:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in shown], ensure_ascii=False))
    else:
        for one in shown:
            late = f" [{translate('web.dispatch.late', language())}]" if one.late else ""
            typer.echo(
                f"#{one.id} {one.state_label:<8} {one.organisation} → {one.department}: "
                f"{one.title}{late}"
            )
    if any(one.late for one in shown):
        raise typer.Exit(1)
