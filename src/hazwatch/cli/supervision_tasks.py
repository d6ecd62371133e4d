"""``hazwatch supervision tasks …``: the task table (Annex 1), progress reports and the
overdue list, and the two annexes as Excel files (issue 15 item 7)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting
from hazwatch.core.clock import local_text
from hazwatch.core.i18n import translate
from hazwatch.prevention.ledger import workbook
from hazwatch.supervision.choices import ProgressKind, TaskStatus
from hazwatch.supervision.tasks import service, views

tasks_app = typer.Typer(help="Task decomposition (Annex 1) and monthly progress (Annex 2).")


def register(supervision_app: typer.Typer) -> None:
    supervision_app.add_typer(tasks_app, name="tasks")


def _period(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text if len(text) > 7 else f"{text}-01")
    except ValueError:
        raise typer.BadParameter(text, param_hint="--period") from None


@tasks_app.command("list")
@reports_domain_errors
def list_tasks(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """The tasks of the caller's area with this month's report; exit 1 when any report (of
    any month) is overdue."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        now = context.clock.now()
        shown = views.task_outs(
            session, service.visible_tasks(session, who), now, context.settings, language()
        )
        late = service.overdue(session, who, now, context.settings)
    if as_json:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in shown], ensure_ascii=False))
    else:
        for one in shown:
            state = (
                one.month_report.status_label
                if one.month_report
                else translate(
                    "web.tasks.overdue" if one.month_overdue else "web.tasks.not_reported",
                    language(),
                )
            )
            typer.echo(f"{one.number:>2}. {one.title} [{one.lead_department}] {state}")
    if late:
        raise typer.Exit(1)


@tasks_app.command("load")
@reports_domain_errors
def load(
    jurisdiction: int = typer.Option(..., "--jurisdiction", help="Jurisdiction id."),
    username: str | None = AS_USER,
) -> None:
    """Load seed 001's tasks for a jurisdiction (each task once)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        found = service.load(session, who, context.clock.now(), jurisdiction)
    typer.echo(len(found))


@tasks_app.command("report")
@reports_domain_errors
def report(
    task: int = typer.Argument(..., help="Task id."),
    status: TaskStatus = typer.Option(..., "--status"),
    progress: str = typer.Option(..., "--progress", help="Progress this month."),
    period: str | None = typer.Option(None, "--period", help="YYYY-MM (default: this month)."),
    annual: bool = typer.Option(False, "--annual", help="The year-end summary."),
    problems: str = typer.Option("", "--problems"),
    next_steps: str = typer.Option("", "--next-steps"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Submit the lead department's report (before the 28th; the summary before 10 Dec)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        now = context.clock.now()
        made = service.submit(
            session,
            who,
            now,
            context.settings,
            task,
            kind=ProgressKind.ANNUAL if annual else ProgressKind.MONTHLY,
            period=_period(period) or service.month_of(now, context.settings.timezone),
            status=status,
            progress=progress,
            problems=problems,
            next_steps=next_steps,
        )
        shown = views.progress_out(made, language())
    if as_json:
        typer.echo(json.dumps(shown.model_dump(mode="json"), ensure_ascii=False))
    else:
        typer.echo(f"#{shown.id} {shown.period:%Y-%m} {shown.status_label} {shown.indicators_text}")


@tasks_app.command("overdue")
@reports_domain_errors
def overdue(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Reports past their deadline and not submitted; exit 1 when there are any."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        found = views.missing_outs(
            session, service.overdue(session, who, context.clock.now(), context.settings)
        )
    if as_json:
        typer.echo(json.dumps([m.model_dump(mode="json") for m in found], ensure_ascii=False))
    else:
        for one in found:
            due = local_text(one.due, context.settings.timezone)
            typer.echo(f"{one.number:>2}. {one.title} [{one.lead_department}] {one.period} {due}")
        typer.echo(translate("cli.tasks.overdue", language(), count=len(found)))
    if found:
        raise typer.Exit(1)


@tasks_app.command("export")
@reports_domain_errors
def export(
    out: Path = typer.Option(..., "-o", "--out", help="The .xlsx file to write."),
    annex: int = typer.Option(2, "--annex", min=1, max=2, help="1: tasks; 2: progress."),
    period: str | None = typer.Option(None, "--period", help="YYYY-MM (default: this month)."),
    annual: bool = typer.Option(False, "--annual", help="Annex 2 as the year-end summary."),
    username: str | None = AS_USER,
) -> None:
    """Write Annex 1 (the task table) or Annex 2 (the month's progress) as Excel."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        tasks = service.visible_tasks(session, who)
        if annex == 1:
            ledger = service.annex1(session, tasks, language())
        else:
            month = _period(period) or service.month_of(
                context.clock.now(), context.settings.timezone
            )
            kind = ProgressKind.ANNUAL if annual else ProgressKind.MONTHLY
            ledger = service.annex2(
                session, tasks, month, language(), context.settings.timezone, kind
            )
    out.write_bytes(workbook(ledger))
    typer.echo(translate("cli.tasks.written", language(), path=out), err=True)
