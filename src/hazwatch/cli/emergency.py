"""``hazwatch emergency …``: emergency plans, drills (planned, held, their findings), the
training matrix (and its Excel), the equipment registry and its periodic checks, each acting
as a named user (``--as``)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import typer
from sqlalchemy import select

from hazwatch.api.inputs import given
from hazwatch.cli.common import cli_context, language, reports_domain_errors, typed
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting, acting_as
from hazwatch.core.clock import local_date, local_text, typed_instant
from hazwatch.core.errors import InvalidInput
from hazwatch.core.i18n import translate
from hazwatch.emergency.readiness import checks_ledger, matrix, service
from hazwatch.emergency.readiness.choices import DrillState, EquipmentKind, QualificationKind
from hazwatch.emergency.readiness.schemas import DrillFindingIn, DrillIn, HoldIn, PlanIn, PlanPatch
from hazwatch.prevention.hazard_findings.choices import HazardGrade
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


def _saved(shown: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False, default=str))
    else:
        typer.echo(translate("readiness.cli.saved", language(), id=shown["id"]))


@emergency_app.command("plans")
@reports_domain_errors
def plans(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Emergency plans with their review dates; exit 1 when one is past its review."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        today = local_date(context.clock.now(), context.settings.timezone)
        shown = [
            {
                "id": p.id,
                "organisation_id": p.organisation_id,
                "site_id": p.site_id,
                "title": p.title,
                "version": p.version,
                "approved_on": p.approved_on.isoformat(),
                "review_due": p.review_due.isoformat(),
                "review_overdue": p.review_due < today,
            }
            for p in service.list_plans(session, who)
        ]
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
    else:
        for plan in shown:
            typer.echo(
                translate(
                    "readiness.cli.plan",
                    language(),
                    id=plan["id"],
                    title=plan["title"],
                    due=plan["review_due"],
                )
            )
    if any(plan["review_overdue"] for plan in shown):
        raise typer.Exit(1)


@emergency_app.command("plan-add")
@reports_domain_errors
def plan_add(
    organisation: int = typer.Option(..., "--org", help="The organisation (id)."),
    site: int = typer.Option(..., "--site", help="The site it covers (id)."),
    title: str = typer.Option(..., "--title"),
    approved: str = typer.Option(..., "--approved", help="Approved on (YYYY-MM-DD)."),
    review_due: str = typer.Option(..., "--review-due", help="Review due (YYYY-MM-DD)."),
    version: str = typer.Option("", "--version"),
    notes: str = typer.Option("", "--notes", "-m"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Add an emergency plan of a site (approved by today, its review still to come)."""
    data = typed(
        PlanIn,
        organisation_id=organisation,
        site_id=site,
        title=title,
        approved_on=approved,
        review_due=review_due,
        version=version,
        notes=notes,
    )
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        plan = service.create_plan(session, who, Moment.of(context), **data.model_dump())
        shown = {"id": plan.id, "title": plan.title, "review_due": plan.review_due.isoformat()}
    _saved(shown, as_json)


@emergency_app.command("plan-edit")
@reports_domain_errors
def plan_edit(
    plan: int = typer.Argument(..., help="The emergency plan (id)."),
    site: int | None = typer.Option(None, "--site", help="The site it covers (id)."),
    title: str | None = typer.Option(None, "--title"),
    approved: str | None = typer.Option(None, "--approved", help="Approved on (YYYY-MM-DD)."),
    review_due: str | None = typer.Option(None, "--review-due", help="Review due (YYYY-MM-DD)."),
    version: str | None = typer.Option(None, "--version"),
    notes: str | None = typer.Option(None, "--notes", "-m"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Change a current plan (a new version, its review date…); only the options given
    change, under the rules of a new plan."""
    data = typed(
        PlanPatch,
        site_id=site,
        title=title,
        approved_on=approved,
        review_due=review_due,
        version=version,
        notes=notes,
    )
    with acting_as(username, writes=True) as run:
        changed = service.update_plan(
            run.session, run.who, Moment.of(run.context), plan, **given(data)
        )
        shown = {"id": changed.id, "title": changed.title, "version": changed.version}
        shown["review_due"] = changed.review_due.isoformat()
    _saved(shown, as_json)


@emergency_app.command("plan-retire")
@reports_domain_errors
def plan_retire(
    plan: int = typer.Argument(..., help="The emergency plan (id)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Withdraw a plan: off the list, kept (with the drills naming it) for the audit."""
    with acting_as(username, writes=True) as run:
        retired = service.retire_plan(run.session, run.who, Moment.of(run.context), plan)
        assert retired.retired_at is not None
        shown = {"id": retired.id, "title": retired.title}
        shown["retired_at"] = retired.retired_at.isoformat()
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
    else:
        typer.echo(translate("readiness.cli.retired", language(), id=plan, title=shown["title"]))


def _drill_json(drill: Any) -> dict[str, Any]:
    return {
        "id": drill.id,
        "organisation_id": drill.organisation_id,
        "site_id": drill.site_id,
        "plan_id": drill.plan_id,
        "title": drill.title,
        "state": drill.state,
        "planned_for": drill.planned_for.isoformat(),
        "held_at": drill.held_at.isoformat() if drill.held_at else None,
        "participants": drill.participants,
        "summary": drill.summary,
    }


@emergency_app.command("drills")
@reports_domain_errors
def drills(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Drills, newest first: planned ones and held ones with their findings."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        timezone = context.settings.timezone
        found = service.list_drills(session, who)
        shown = [
            _drill_json(d)
            | {
                "findings": [
                    {"id": f.id, "text": f.text, "hidden_danger_id": f.hidden_danger_id}
                    for f in service.drill_findings(session, d.id)
                ]
            }
            for d in found
        ]
        lines = [
            translate(
                "readiness.cli.drill",
                language(),
                id=d.id,
                title=d.title,
                state=DrillState(d.state).label(language()),
                when=local_text(d.held_at or d.planned_for, timezone),
            )
            for d in found
        ]
    typer.echo(json.dumps(shown, ensure_ascii=False) if as_json else "\n".join(lines))


@emergency_app.command("drill-plan")
@reports_domain_errors
def drill_plan(
    organisation: int = typer.Option(..., "--org", help="The organisation (id)."),
    site: int = typer.Option(..., "--site", help="The site (id)."),
    title: str = typer.Option(..., "--title"),
    planned_for: str = typer.Option(..., "--at", help="When, local time (2025-03-01T09:30)."),
    scenario: str = typer.Option("", "--scenario"),
    plan: int | None = typer.Option(None, "--plan", help="The emergency plan it drills (id)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Plan a drill for a time still to come."""
    with cli_context() as context, context.unit_of_work() as session:
        data = typed(
            DrillIn,
            organisation_id=organisation,
            site_id=site,
            title=title,
            planned_for=typed_instant(planned_for, context.settings.timezone),
            scenario=scenario,
            plan_id=plan,
        )
        who = acting(session, username)
        session.info["principal"] = who
        drill = service.plan_drill(session, who, Moment.of(context), **data.model_dump())
        shown = _drill_json(drill)
    _saved(shown, as_json)


@emergency_app.command("drill-hold")
@reports_domain_errors
def drill_hold(
    drill: int = typer.Argument(..., help="The planned drill (id)."),
    participants: int = typer.Option(..., "--participants"),
    summary: str = typer.Option(..., "--summary", "-m", help="What was done and learned."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Record a planned drill as held now."""
    data = typed(HoldIn, participants=participants, summary=summary)
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        held = service.hold_drill(session, who, Moment.of(context), drill, **data.model_dump())
        shown = _drill_json(held)
    _saved(shown, as_json)


@emergency_app.command("drill-finding")
@reports_domain_errors
def drill_finding(
    drill: int = typer.Argument(..., help="The held drill (id)."),
    text: str = typer.Option(..., "--text", "-m", help="What the drill showed wrong."),
    grade: HazardGrade = typer.Option(HazardGrade.GENERAL, "--grade"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Record what a held drill showed wrong: opened at once as a hidden danger (a major one
    needs a deadline: give it in the console or the API)."""
    data = typed(DrillFindingIn, text=text, grade=grade)
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        found = service.add_drill_finding(
            session, who, Moment.of(context), drill, **data.model_dump()
        )
        shown = {"id": found.id, "hidden_danger_id": found.hidden_danger_id}
    if as_json:
        typer.echo(json.dumps(shown))
    else:
        typer.echo(translate("readiness.cli.finding", language(), hidden=shown["hidden_danger_id"]))
