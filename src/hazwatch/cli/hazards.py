"""``hazwatch hidden-danger …``: the hidden-danger loop from the command line.

Each action is done as a named user (``--as``, default: the system), since who rectified and
who accepts matters: the same person may not do both. Deadlines are local times where the
sites are (a bare date means the end of that day).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.core.auth.models import UserAccount
from hazwatch.core.auth.roles import SYSTEM, Principal
from hazwatch.core.auth.service import principal_of
from hazwatch.core.clock import local_date, local_text
from hazwatch.core.context import Context
from hazwatch.core.errors import NotFound
from hazwatch.core.i18n import translate
from hazwatch.core.settings import get_settings
from hazwatch.prevention.hazard_findings import service, views
from hazwatch.prevention.hazard_findings.choices import HazardGrade, HazardState
from hazwatch.prevention.hazard_findings.schemas import HazardDetailOut, HazardOut
from hazwatch.prevention.ledger import workbook

hazard_app = typer.Typer(help="Hidden dangers (隐患): report, grade, rectify, accept, close.")

AS_USER = typer.Option(None, "--as", help="Act as this user (default: the system).")
AS_JSON = typer.Option(False, "--json", help="Print JSON.")
COMMENT = typer.Option("", "--comment", "-m", help="Comment recorded on the timeline.")


def register(app: typer.Typer) -> None:
    app.add_typer(hazard_app, name="hidden-danger")


def acting(session: Session, username: str | None) -> Principal:
    if username is None:
        return SYSTEM
    user = session.scalar(select(UserAccount).where(UserAccount.username == username))
    if user is None or not user.active:
        raise NotFound("hazard.cli.unknown_user", field="as", username=username)
    return principal_of(user)


@dataclass(frozen=True)
class Acting:
    """A command's unit of work, the user it runs as and the context clock's now and today
    (where the sites are)."""

    context: Context
    session: Session
    who: Principal
    now: datetime
    today: date


@contextmanager
def acting_as(username: str | None, *, writes: bool = False) -> Iterator[Acting]:
    """One unit of work run as ``username``; ``writes``: its changes are audited as that
    user's. Every command of a domain opens the same way, so it is said once here."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        if writes:
            session.info["principal"] = who
        now = context.clock.now()
        yield Acting(context, session, who, now, local_date(now, context.settings.timezone))


def _print_one(shown: HazardOut | HazardDetailOut, as_json: bool, timezone: str) -> None:
    if as_json:
        typer.echo(json.dumps(shown.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    lang = language()

    def when(moment: datetime | None) -> str:
        return local_text(moment, timezone) or "-"

    overdue = f" [{translate('hazard.cli.overdue', lang)}]" if shown.overdue else ""
    typer.secho(f"#{shown.id} {shown.number} {shown.title}{overdue}", bold=True)
    typer.echo(
        translate(
            "hazard.cli.summary",
            lang,
            organisation=shown.organisation,
            grade=shown.grade_label or "-",
            state=shown.state_label,
            deadline=when(shown.deadline),
        )
    )
    if shown.measures:
        typer.echo(
            translate(
                "hazard.cli.order",
                lang,
                measures=shown.measures,
                person=shown.responsible_person,
                funds=shown.funds_yuan,
                plan=shown.contingency_plan,
            )
        )
    if isinstance(shown, HazardDetailOut):
        for event in shown.timeline:
            note = f"  {event.comment}" if event.comment else ""
            typer.echo(f"  {when(event.at)}  {event.actor:<12} {event.action_label}{note}")
        for attachment in shown.attachments:
            typer.echo(f"  📎 {attachment.filename} ({attachment.stage}) {attachment.url}")


def _act(
    finding_id: int,
    username: str | None,
    as_json: bool,
    action: Any,
    **arguments: Any,
) -> None:
    """Run one action of the loop as the acting user and print the result."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        action(session, who, service.Moment.of(context), finding_id, **arguments)
        shown = views.detail(session, who, finding_id, context.clock.now(), language())
    _print_one(shown, as_json, context.settings.timezone)


@hazard_app.command("list")
@reports_domain_errors
def list_(
    state: HazardState | None = typer.Option(None, help="Only this state."),
    grade: HazardGrade | None = typer.Option(None, help="Only this grade."),
    overdue: bool | None = typer.Option(None, "--overdue/--not-overdue", help="By deadline."),
    organisation: int | None = typer.Option(None, "--org", help="Only this organisation."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The ledger, open ones first by deadline; exit 1 when any shown is overdue."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        now = context.clock.now()
        found = service.list_findings(
            session,
            who,
            now,
            state=state,
            grade=grade,
            overdue=overdue,
            organisation_id=organisation,
        )
        shown = views.outs(session, who, found, now, language())
    if as_json:
        typer.echo(json.dumps([s.model_dump(mode="json") for s in shown], ensure_ascii=False))
    else:
        for one in shown:
            _print_one(one, False, context.settings.timezone)
        typer.echo(translate("hazard.cli.total", language(), count=len(shown)))
    if any(one.overdue for one in shown):
        raise typer.Exit(1)


@hazard_app.command("show")
@reports_domain_errors
def show(
    finding_id: int = typer.Argument(..., help="Hidden danger id."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """One hidden danger with its timeline and attachments."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        shown = views.detail(session, who, finding_id, context.clock.now(), language())
    _print_one(shown, as_json, context.settings.timezone)


@hazard_app.command("report")
@reports_domain_errors
def report(
    organisation: int = typer.Option(..., "--org", help="Organisation id."),
    title: str = typer.Option(..., help="What is wrong."),
    description: str = typer.Option("", help="More detail."),
    room: int | None = typer.Option(None, help="Room id."),
    site: int | None = typer.Option(None, help="Site id (default: the room's)."),
    location: str = typer.Option("", help="Where, in words."),
    grade: HazardGrade | None = typer.Option(None, help="Grade it at once."),
    deadline: str | None = typer.Option(None, help="Deadline (local), with --grade."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Register a hidden danger (and grade it, with --grade)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        finding = service.report(
            session,
            who,
            service.Moment.of(context),
            organisation_id=organisation,
            title=title,
            description=description,
            site_id=site,
            room_id=room,
            location=location,
            grade=grade,
            deadline=service.local_deadline(deadline, context.settings.timezone),
        )
        shown = views.detail(session, who, finding.id, context.clock.now(), language())
    _print_one(shown, as_json, context.settings.timezone)


@hazard_app.command("grade")
@reports_domain_errors
def grade(
    finding_id: int = typer.Argument(..., help="Hidden danger id."),
    grade: HazardGrade = typer.Option(..., help="general (一般) or major (重大)."),
    deadline: str | None = typer.Option(None, help="Deadline (required for major)."),
    comment: str = COMMENT,
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Grade it; a major one is reported to the regulator at once."""
    timezone = _timezone()
    _act(
        finding_id,
        username,
        as_json,
        service.grade,
        grade=grade,
        deadline=service.local_deadline(deadline, timezone),
        comment=comment,
    )


@hazard_app.command("order")
@reports_domain_errors
def order(
    finding_id: int = typer.Argument(..., help="Hidden danger id."),
    measures: str = typer.Option(..., help="Rectification measures."),
    person: str = typer.Option(..., help="Responsible person."),
    funds: Decimal = typer.Option(..., help="Funds, yuan."),
    plan: str = typer.Option(..., help="Contingency plan meanwhile."),
    deadline: str | None = typer.Option(None, help="New deadline (default: as graded)."),
    comment: str = COMMENT,
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Issue the rectification order with its five fixes."""
    _act(
        finding_id,
        username,
        as_json,
        service.order,
        measures=measures,
        responsible_person=person,
        funds_yuan=funds,
        contingency_plan=plan,
        deadline=service.local_deadline(deadline, _timezone()),
        comment=comment,
    )


def _simple(name: str, function: Any, help_text: str) -> None:
    """A loop action that takes only a comment."""

    @hazard_app.command(name, help=help_text)
    @reports_domain_errors
    def command(
        finding_id: int = typer.Argument(..., help="Hidden danger id."),
        comment: str = COMMENT,
        username: str | None = AS_USER,
        as_json: bool = AS_JSON,
    ) -> None:
        _act(finding_id, username, as_json, function, comment=comment)


_simple("start", service.start, "Start the rectification.")
_simple("self-check", service.self_check, "Record the rectifier's self-check (-m: what was done).")
_simple("accept", service.accept, "Accept the rectification (not by its rectifier).")
_simple("close", service.close, "Close it (销号), after acceptance.")


@hazard_app.command("reject")
@reports_domain_errors
def reject(
    finding_id: int = typer.Argument(..., help="Hidden danger id."),
    comment: str = typer.Option(..., "--comment", "-m", help="Why acceptance is refused."),
    deadline: str | None = typer.Option(None, help="New deadline."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Refuse acceptance: back to rectification."""
    _act(
        finding_id,
        username,
        as_json,
        service.reject,
        comment=comment,
        deadline=service.local_deadline(deadline, _timezone()),
    )


@hazard_app.command("export")
@reports_domain_errors
def export(
    path: Path = typer.Argument(..., help="Output .xlsx file."),
    state: HazardState | None = typer.Option(None, help="Only this state."),
    organisation: int | None = typer.Option(None, "--org", help="Only this organisation."),
    username: str | None = AS_USER,
) -> None:
    """Write the hidden-danger ledger to an Excel file."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        now = context.clock.now()
        found = service.list_findings(session, who, now, state=state, organisation_id=organisation)
        shown = views.outs(session, who, found, now, language())
    path.write_bytes(workbook(views.ledger(shown, now, language(), context.settings.timezone)))
    typer.echo(translate("hazard.cli.exported", language(), count=len(shown), path=str(path)))


def _timezone() -> str:
    return get_settings().timezone
