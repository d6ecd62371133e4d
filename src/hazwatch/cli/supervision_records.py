"""``hazwatch supervision incident-record|incident-report|incident-casualties|incident-extend|
duty-shift|duty-roster|duty-log|duty-write``: accidents followed up (Order 493, issue 15 item
6) and a department's 24-hour duty (item 3) from the command line, as the API and the console
record them. Options are checked by the API's input schemas (a refusal names its field, exit
2, nothing stored); each change is audited as the user of ``--as``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import typer
from pydantic import BaseModel

from hazwatch.cli.common import language, reports_domain_errors, typed
from hazwatch.cli.hazards import AS_JSON, AS_USER, Acting, acting_as
from hazwatch.cli.supervision import print_incident
from hazwatch.core.clock import local_text, typed_instant
from hazwatch.supervision import dispatch, incidents, views
from hazwatch.supervision.choices import DutyLogKind, IncidentKind, ReportLevel
from hazwatch.supervision.schemas import (
    CasualtyIn,
    DutyLogIn,
    DutyLogOut,
    ExtensionIn,
    IncidentIn,
    IncidentReportIn,
    RosterOut,
    ShiftIn,
    ShiftOut,
)

INCIDENT = typer.Argument(..., help="Incident id.")
DEPARTMENT = typer.Argument(..., help="The department (organisation id) on duty.")


def _when(run: Acting, text: str | None) -> Any:
    """A typed local time (``2025-03-01T17:00``) as an instant where the sites are."""
    return None if text is None else typed_instant(text, run.context.settings.timezone)


def _incident_after(run: Acting, ident: int, as_json: bool) -> None:
    """The incident as it now stands (grade, chain, deadlines), as a line or JSON."""
    shown = views.incident_out(
        run.session, incidents.get(run.session, run.who, ident), run.now, language()
    )
    if as_json:
        typer.echo(json.dumps(shown.model_dump(mode="json"), ensure_ascii=False))
    else:
        print_incident(shown, run.context.settings.timezone)


def _change_incident(username: str | None, as_json: bool, change: Callable[[Acting], int]) -> None:
    with acting_as(username, writes=True) as run:
        ident = change(run)
        _incident_after(run, ident, as_json)


@reports_domain_errors
def incident_record_command(
    organisation: int = typer.Argument(..., help="Organisation id."),
    title: str = typer.Argument(..., help="What happened."),
    occurred_at: str = typer.Option(..., "--at", help="When, local time (2025-02-07T12:11)."),
    known_at: str | None = typer.Option(None, "--known", help="When the unit knew (local)."),
    kind: IncidentKind = typer.Option(IncidentKind.PRODUCTION, "--kind"),
    deaths: int = typer.Option(0, "--deaths"),
    injuries: int = typer.Option(0, "--injuries", help="Serious injuries."),
    loss: str = typer.Option("0", "--loss", help="Direct economic loss, yuan."),
    description: str = typer.Option("", "--description", "-m"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Record an accident; its grade comes from the figures (Order 493 Art. 3) and its
    reporting chain starts from when the unit knew."""

    def change(run: Acting) -> int:
        data = typed(
            IncidentIn,
            organisation_id=organisation,
            title=title,
            kind=kind,
            occurred_at=_when(run, occurred_at),
            known_at=_when(run, known_at),
            deaths=deaths,
            serious_injuries=injuries,
            direct_loss_yuan=loss,
            description=description,
        )
        return incidents.record(run.session, run.who, run.now, **data.model_dump()).id

    _change_incident(username, as_json, change)


@reports_domain_errors
def incident_report_command(
    incident: int = INCIDENT,
    level: ReportLevel = typer.Argument(..., help="The level the report reached."),
    reported_at: str = typer.Option(..., "--at", help="When, local time."),
    recipient: str = typer.Option("", "--to", help="Who received it."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The report reached one level of the chain (1 h to the county, ≤ 2 h per level up)."""

    def change(run: Acting) -> int:
        data = typed(
            IncidentReportIn,
            level=level,
            reported_at=_when(run, reported_at),
            recipient=recipient,
        )
        incidents.report(run.session, run.who, run.now, incident, **data.model_dump())
        return incident

    _change_incident(username, as_json, change)


@reports_domain_errors
def incident_casualties_command(
    incident: int = INCIDENT,
    deaths: int = typer.Option(..., "--deaths"),
    injuries: int = typer.Option(..., "--injuries", help="Serious injuries."),
    loss: str | None = typer.Option(None, "--loss", help="Direct economic loss, yuan."),
    at: str = typer.Option(..., "--at", help="When the change was known, local time."),
    note: str = typer.Option("", "--note", "-m"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """New figures within 30 days (7 for road traffic and fire); the grade follows them."""

    def change(run: Acting) -> int:
        data = typed(
            CasualtyIn,
            at=_when(run, at),
            deaths=deaths,
            serious_injuries=injuries,
            direct_loss_yuan=loss,
            note=note,
        )
        incidents.change_casualties(run.session, run.who, run.now, incident, **data.model_dump())
        return incident

    _change_incident(username, as_json, change)


@reports_domain_errors
def incident_extend_command(
    incident: int = INCIDENT,
    days: int = typer.Option(..., "--days", help="At most 60 (Art. 29)."),
    approved_by: str = typer.Option(..., "--approved-by"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """An approved extension of the investigation."""

    def change(run: Acting) -> int:
        data = typed(ExtensionIn, days=days, approved_by=approved_by)
        incidents.extend_investigation(run.session, run.who, incident, **data.model_dump())
        return incident

    _change_incident(username, as_json, change)


def _emit(shown: BaseModel | list[Any], as_json: bool, lines: Callable[[], list[str]]) -> None:
    if as_json:
        payload = (
            shown.model_dump(mode="json")
            if isinstance(shown, BaseModel)
            else [s.model_dump(mode="json") for s in shown]
        )
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    for line in lines():
        typer.echo(line)


@reports_domain_errors
def duty_shift_command(
    department: int = DEPARTMENT,
    officer: str = typer.Argument(..., help="The duty officer."),
    starts_at: str = typer.Option(..., "--from", help="Start, local time."),
    ends_at: str = typer.Option(..., "--to", help="End, local time (at most 24 h later)."),
    phone: str = typer.Option("", "--phone"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Add a shift to the department's 24-hour duty roster."""
    with acting_as(username, writes=True) as run:
        data = typed(
            ShiftIn,
            department_id=department,
            officer=officer,
            phone=phone,
            starts_at=_when(run, starts_at),
            ends_at=_when(run, ends_at),
        )
        shown = ShiftOut.model_validate(
            dispatch.add_shift(run.session, run.who, **data.model_dump())
        )
        timezone = run.context.settings.timezone
    _emit(
        shown,
        as_json,
        lambda: [
            f"#{shown.id} {shown.officer} {local_text(shown.starts_at, timezone)}"
            f" → {local_text(shown.ends_at, timezone)}"
        ],
    )


@reports_domain_errors
def duty_roster_command(
    department: int = DEPARTMENT,
    hours: int = typer.Option(24, "--hours", min=1, max=24 * 31, help="From now."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The shifts of the next ``--hours`` and the gaps nobody is on duty; exit 1 on a gap."""
    with acting_as(username) as run:
        shifts, gaps = dispatch.roster(
            run.session, run.who, department, run.now, run.now + timedelta(hours=hours)
        )
        current = dispatch.on_duty(run.session, department, run.now)
        shown = RosterOut(
            shifts=[ShiftOut.model_validate(s) for s in shifts],
            gaps=gaps,
            on_duty=ShiftOut.model_validate(current) if current else None,
        )
        timezone = run.context.settings.timezone

    def lines() -> list[str]:
        found = [
            f"{local_text(s.starts_at, timezone)} → {local_text(s.ends_at, timezone)} "
            f"{s.officer} {s.phone}".rstrip()
            for s in shown.shifts
        ]
        return found + [
            f"{local_text(start, timezone)} → {local_text(end, timezone)} —"
            for start, end in shown.gaps
        ]

    _emit(shown, as_json, lines)
    if shown.gaps:
        raise typer.Exit(1)


def _log_line(entry: DutyLogOut) -> str:
    handed = f" → {entry.handed_to}" if entry.handed_to else ""
    return f"#{entry.id} {entry.author} {entry.kind.label(language())}: {entry.text}{handed}"


@reports_domain_errors
def duty_log_command(
    department: int = DEPARTMENT,
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The department's duty log, newest first."""
    with acting_as(username) as run:
        shown = [
            DutyLogOut.model_validate(e)
            for e in dispatch.duty_log(run.session, run.who, department)
        ]
    _emit(shown, as_json, lambda: [_log_line(e) for e in shown])


@reports_domain_errors
def duty_write_command(
    department: int = DEPARTMENT,
    text: str = typer.Argument(..., help="The entry."),
    handed_to: str = typer.Option(
        "", "--hand-over-to", help="Hand the shift over to this officer (on the roster)."
    ),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Write a line to the duty log, or hand the shift over (``--hand-over-to``)."""
    kind = DutyLogKind.HANDOVER if handed_to else DutyLogKind.NOTE
    data = typed(DutyLogIn, department_id=department, kind=kind, text=text, handed_to=handed_to)
    with acting_as(username, writes=True) as run:
        shown = DutyLogOut.model_validate(
            dispatch.log(run.session, run.who, run.now, **data.model_dump())
        )
    _emit(shown, as_json, lambda: [_log_line(shown)])


COMMANDS: dict[str, Callable[..., None]] = {
    "incident-record": incident_record_command,
    "incident-report": incident_report_command,
    "incident-casualties": incident_casualties_command,
    "incident-extend": incident_extend_command,
    "duty-shift": duty_shift_command,
    "duty-roster": duty_roster_command,
    "duty-log": duty_log_command,
    "duty-write": duty_write_command,
}


def register(group: typer.Typer) -> None:
    """Add the commands to ``hazwatch supervision``."""
    for name, command in COMMANDS.items():
        group.command(name)(command)
