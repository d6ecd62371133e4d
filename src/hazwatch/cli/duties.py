"""``hazwatch commitment …`` (the daily safety commitment: publish today's, who is missing)
and ``hazwatch landlord tenants`` (a landlord's tenants at a glance), acting as a named user
(``--as``)."""

from __future__ import annotations

import json
from typing import Any

import typer

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting
from hazwatch.core.i18n import translate
from hazwatch.prevention.commitments import service as commitments
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.landlord import service as landlord

commitment_app = typer.Typer(help="Daily safety commitment (安全承诺).")
landlord_app = typer.Typer(help="Landlord duties: tenants and their inspections.")


def register(app: typer.Typer) -> None:
    app.add_typer(commitment_app, name="commitment")
    app.add_typer(landlord_app, name="landlord")


@commitment_app.command("publish")
@reports_domain_errors
def publish(
    organisation: int = typer.Option(..., "--org", help="Organisation id."),
    running: int = typer.Option(..., "--running", help="Units running."),
    stopped: int = typer.Option(0, "--stopped", help="Units stopped."),
    special_work: int = typer.Option(0, "--special-work", help="Special work today."),
    special_work_note: str = typer.Option(
        "", "--special-work-note", help="What special work, where (needed when there is any)."
    ),
    controlled: bool = typer.Option(
        True, "--controlled/--not-controlled", help="Major hazards under control."
    ),
    signer: str = typer.Option(..., "--signer", help="Who signs."),
    judgement: str = typer.Option("", "--judgement", "-m", help="Today's risk judgement."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Publish today's commitment (the open major hidden dangers are counted)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        row = commitments.publish(
            session,
            who,
            Moment.of(context),
            organisation_id=organisation,
            units_running=running,
            units_stopped=stopped,
            special_work=special_work,
            special_work_note=special_work_note,
            major_hazards_controlled=controlled,
            signer=signer,
            judgement=judgement,
        )
        shown = {
            "id": row.id,
            "organisation_id": row.organisation_id,
            "day": row.day.isoformat(),
            "units_running": row.units_running,
            "units_stopped": row.units_stopped,
            "special_work": row.special_work,
            "special_work_note": row.special_work_note,
            "major_hazards_controlled": row.major_hazards_controlled,
            "open_major_hidden_dangers": row.open_major_hidden_dangers,
            "judgement": row.judgement,
            "signer": row.signer,
        }
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
    else:
        text = translate(
            "commitment.cli.published",
            language(),
            id=shown["id"],
            organisation_id=shown["organisation_id"],
            day=shown["day"],
            signer=shown["signer"],
            open_major_hidden_dangers=shown["open_major_hidden_dangers"],
        )
        typer.echo(text)


@commitment_app.command("missing")
@reports_domain_errors
def missing(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Who has not published today's commitment; exit 1 when someone is late."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        moment = Moment.of(context)
        day = commitments.today(moment)
        late = moment.now >= commitments.deadline(day, moment)
        shown: dict[str, Any] = {
            "day": day.isoformat(),
            "overdue": late,
            "organisations": [
                {"id": o.id, "name": o.name} for o in commitments.missing(session, who, day)
            ],
        }
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
    else:
        for organisation in shown["organisations"]:
            typer.echo(f"#{organisation['id']} {organisation['name']}")
    if late and shown["organisations"]:
        raise typer.Exit(1)


@landlord_app.command("tenants")
@reports_domain_errors
def tenants(
    organisation: int = typer.Option(..., "--org", help="The landlord's organisation id."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The landlord's tenants: open (major) hidden dangers, inspections; exit 1 when an
    inspection is overdue."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        rows = landlord.tenants(session, who, organisation, context.clock.now())
    shown = [
        {
            "id": t.id,
            "name": t.name,
            "open_hidden_dangers": t.open_hidden_dangers,
            "open_major": t.open_major,
            "last_inspected": t.last_inspected.isoformat() if t.last_inspected else None,
            "next_planned": t.next_planned.isoformat() if t.next_planned else None,
            "inspection_overdue": t.inspection_overdue,
        }
        for t in rows
    ]
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
    else:
        for t in shown:
            typer.echo(
                translate(
                    "landlord.cli.tenant",
                    language(),
                    name=t["name"],
                    open=t["open_hidden_dangers"],
                    major=t["open_major"],
                    next=t["next_planned"] or "-",
                )
            )
    if any(t["inspection_overdue"] for t in shown):
        raise typer.Exit(1)
