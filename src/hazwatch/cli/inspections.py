"""``hazwatch inspection …``: plans with their due dates, and the records' ledger."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting
from hazwatch.core.clock import local_text
from hazwatch.core.i18n import translate
from hazwatch.prevention.inspections import service, views
from hazwatch.prevention.ledger import workbook

inspection_app = typer.Typer(help="Inspection plans, rounds and their ledger.")


def register(app: typer.Typer) -> None:
    app.add_typer(inspection_app, name="inspection")


@inspection_app.command("plans")
@reports_domain_errors
def plans(
    overdue: bool | None = typer.Option(None, "--overdue/--not-overdue", help="By due date."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Inspection plans, overdue first, with their next due dates; exit 1 when any shown is
    overdue."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        now = context.clock.now()
        timezone = context.settings.timezone
        shown = [
            views.plan_out(session, plan, now, lang, timezone)
            for plan in service.list_plans(session, who, now, overdue=overdue)
        ]
    if as_json:
        typer.echo(json.dumps([p.model_dump(mode="json") for p in shown], ensure_ascii=False))
    else:
        for plan in shown:
            due = local_text(plan.next_due, timezone)
            flag = f" [{translate('choice.PlanStatus.overdue', lang)}]" if plan.overdue else ""
            typer.secho(f"#{plan.id} {plan.name}{flag}", bold=True)
            typer.echo(
                translate(
                    "inspection.cli.plan",
                    lang,
                    point=plan.point,
                    frequency=plan.frequency_label,
                    assignee=plan.assignee,
                    due=due,
                )
            )
    if any(plan.overdue for plan in shown):
        raise typer.Exit(1)


@inspection_app.command("export")
@reports_domain_errors
def export(
    path: Path = typer.Argument(..., help="Output .xlsx file."),
    username: str | None = AS_USER,
) -> None:
    """Write the inspection records ledger to an Excel file."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        shown = [views.record_out(session, r) for r in service.list_records(session, who)]
        book = views.ledger(
            session, shown, context.clock.now(), language(), context.settings.timezone
        )
    path.write_bytes(workbook(book))
    typer.echo(translate("inspection.cli.exported", language(), count=len(shown), path=str(path)))
