"""``hazwatch admission …``: the joint admission review of hazardous-chemical construction
projects, with their computed 两重点一重大 flags.

Each command runs as a named user (``--as``, default: the system).
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

import typer

from hazwatch.cli.common import cli_context, fail, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting
from hazwatch.core.clock import local_text
from hazwatch.core.i18n import translate
from hazwatch.district.admission import processes, service, views
from hazwatch.district.admission.choices import ProjectState, ReviewVerdict
from hazwatch.district.admission.schemas import ProjectOut
from hazwatch.prevention.hazard_findings.service import Moment

admission_app = typer.Typer(help="Admission review of hazardous-chemical construction projects.")


def register(app: typer.Typer) -> None:
    app.add_typer(admission_app, name="admission")


def _holding(text: str, index: int) -> service.PlannedItem:
    """``unit:chemical_id:tonnes`` (the unit may contain colons: the last two parts are taken)."""
    unit, _, rest = text.rpartition(":")
    unit, _, chemical = unit.rpartition(":")
    try:
        return service.PlannedItem(unit, int(chemical), Decimal(rest))
    except (ValueError, InvalidOperation):
        raise fail("district.cli.bad_holding", field=f"holdings.{index}", value=text) from None


def _print(shown: list[ProjectOut], as_json: bool, timezone: str) -> None:
    if as_json:
        typer.echo(json.dumps([p.model_dump(mode="json") for p in shown], ensure_ascii=False))
        return
    lang = language()
    for p in shown:
        flags = [
            *(
                f"{translate('web.admission.key_process', lang, name=k.name)}"
                for k in p.flags.key_processes
            ),
            *(translate("web.admission.key_chemical", lang, name=n) for n in p.flags.key_chemicals),
            *([translate("web.admission.major_hazard", lang)] if p.flags.major_hazard else []),
        ]
        typer.secho(f"#{p.id} {p.name} · {p.applicant} · {p.state_label}", bold=bool(flags))
        if flags:
            typer.echo("  " + "；".join(flags))
        for u in p.flags.units:
            typer.echo(f"  {u.unit}: S = {u.s}" + (" ✱" if u.major_hazard else ""))
        for o in p.opinions:
            late = f" [{translate('web.admission.overdue', lang)}]" if o.overdue else ""
            typer.echo(
                f"  {o.department}: {o.verdict_label}{late} ({local_text(o.due_at, timezone)})"
            )


@admission_app.command("processes")
def key_processes(as_json: bool = AS_JSON) -> None:
    """The 18 key-supervised hazardous chemical processes and their source notices."""
    shown = views.key_process_outs(list(processes.KEY_PROCESSES), language())
    if as_json:
        typer.echo(json.dumps([k.model_dump() for k in shown], ensure_ascii=False))
        return
    for k in shown:
        typer.echo(f"{k.code} {k.name} ({k.source})")


@admission_app.command("projects")
@reports_domain_errors
def projects(
    state: ProjectState | None = typer.Option(None, "--state", help="Only this state."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Projects with their flags and opinions; exit 1 when an opinion or decision is overdue."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        now = context.clock.now()
        shown = views.project_outs(
            session, service.list_projects(session, who, state), now, language()
        )
    _print(shown, as_json, context.settings.timezone)
    if any(p.decision_overdue or any(o.overdue for o in p.opinions) for p in shown):
        raise typer.Exit(1)


@admission_app.command("create")
@reports_domain_errors
def create(
    organisation: int = typer.Option(..., "--organisation", help="Applicant organisation id."),
    name: str = typer.Option(..., "--name", help="Project name."),
    processes_: list[str] = typer.Option([], "--process", help="Key process code (P03); repeat."),
    holdings: list[str] = typer.Option(
        [], "--holding", help="unit:chemical_id:tonnes (design maximum); repeat."
    ),
    people: int = typer.Option(0, "--people", help="People within 500 m."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Draft a project with its key processes and planned inventory."""
    items = [_holding(text, i) for i, text in enumerate(holdings)]
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        project = service.create_project(
            session,
            who,
            Moment.of(context),
            organisation_id=organisation,
            name=name,
            key_processes=processes_,
            people_within_500m=people,
            holdings=items,
        )
        shown = [views.project_out(session, project, context.clock.now(), language())]
    _print(shown, as_json, context.settings.timezone)


@admission_app.command("open")
@reports_domain_errors
def open_review(
    project: int = typer.Argument(..., help="Project id."),
    lead: int = typer.Option(..., "--lead", help="Lead department id."),
    departments: list[int] = typer.Option([], "--department", help="Department id; repeat."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Open the joint review (a regulator)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        found = service.open_review(
            session,
            who,
            Moment.of(context),
            project,
            lead_department_id=lead,
            department_ids=departments,
        )
        shown = [views.project_out(session, found, context.clock.now(), language())]
    _print(shown, as_json, context.settings.timezone)


@admission_app.command("opinion")
@reports_domain_errors
def opinion(
    project: int = typer.Argument(..., help="Project id."),
    department: int = typer.Argument(..., help="Department id (the caller's own)."),
    verdict: ReviewVerdict = typer.Argument(..., help="agree, conditions or reject."),
    text: str = typer.Option("", "--opinion", help="The opinion (a rejection's reason)."),
    conditions: list[str] = typer.Option([], "--condition", help="A condition; repeat."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """A department gives its opinion, once."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        moment = Moment.of(context)
        service.give_opinion(
            session,
            who,
            moment,
            project,
            department,
            verdict=verdict,
            opinion=text,
            conditions=conditions,
        )
        found = service.get(session, who, project)
        shown = [views.project_out(session, found, moment.now, language())]
    _print(shown, as_json, context.settings.timezone)


@admission_app.command("decide")
@reports_domain_errors
def decide(
    project: int = typer.Argument(..., help="Project id."),
    decision: ProjectState = typer.Argument(..., help="approved, conditional or rejected."),
    conditions: list[str] = typer.Option([], "--condition", help="A further condition; repeat."),
    note: str = typer.Option("", "--note", help="Note (a rejection's reason)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The lead department decides once every opinion is in."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        found = service.decide(
            session,
            who,
            Moment.of(context),
            project,
            decision=decision,
            conditions=conditions,
            note=note,
        )
        shown = [views.project_out(session, found, context.clock.now(), language())]
    _print(shown, as_json, context.settings.timezone)
