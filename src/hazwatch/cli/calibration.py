"""``hazwatch calibration …``: fixed detectors' calibration status, their records, and a new
calibration or bump test (one that leaves the detector uncalibrated opens its hidden
danger), each acting as a named user (``--as``)."""

from __future__ import annotations

import json
from typing import Any

import typer

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting
from hazwatch.core.clock import local_text
from hazwatch.core.i18n import translate
from hazwatch.monitoring.calibration import service
from hazwatch.prevention.hazard_findings.service import Moment

calibration_app = typer.Typer(help="Detector calibration and bump tests.")


def register(app: typer.Typer) -> None:
    app.add_typer(calibration_app, name="calibration")


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat())


@calibration_app.command("detectors")
@reports_domain_errors
def detectors(
    site: int | None = typer.Option(None, "--site", help="Only this site's detectors (id)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Every fixed detector with its calibration status; exit 1 when one is uncalibrated
    (never calibrated, overdue or failed)."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        found = service.detectors(session, who, context.clock.now(), site)
        opened = {p.id: service.hidden_danger_of(session, p.id) for p, _s in found}
        timezone = context.settings.timezone
    shown = [
        {
            "point_id": point.id,
            "code": point.code,
            "kind": point.kind,
            "site_id": point.site_id,
            "room_id": point.room_id,
            "status": status.status,
            "uncalibrated": status.uncalibrated,
            "last_calibration": _iso(status.last_calibration),
            "last_bump_test": _iso(status.last_bump_test),
            "due_at": _iso(status.due_at),
            "hidden_danger_id": finding.id if (finding := opened[point.id]) else None,
        }
        for point, status in found
    ]
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
    else:
        for (point, status), row in zip(found, shown, strict=True):
            state = translate(f"choice.CalibrationStatus.{status.status}", lang)
            due = local_text(status.due_at, timezone) or "-"
            hidden = f" #{row['hidden_danger_id']}" if row["hidden_danger_id"] else ""
            typer.echo(
                translate("calibration.cli.detector", lang, point=point.code, state=state, due=due)
                + hidden
            )
    if any(status.uncalibrated for _p, status in found):
        raise typer.Exit(1)


@calibration_app.command("record")
@reports_domain_errors
def record(
    point: int = typer.Argument(..., help="The detector's measurement point (id)."),
    performed_by: str = typer.Option(..., "--by", help="Who calibrated it (person, firm)."),
    bump: bool = typer.Option(False, "--bump", help="A bump test, not a calibration."),
    passed: bool = typer.Option(True, "--passed/--failed", help="The outcome."),
    reference_gas: str = typer.Option("", "--gas", help="Reference gas used."),
    certificate: str = typer.Option("", "--certificate", help="Certificate number."),
    notes: str = typer.Option("", "--notes", "-m"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Record a calibration (valid for the configured interval) or a bump test done now;
    one that leaves the detector uncalibrated opens its hidden danger (its id is printed)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who  # the audit names the person who recorded it
        moment = Moment.of(context)
        row = service.record(
            session,
            who,
            point_id=point,
            kind=service.BUMP_TEST if bump else service.CALIBRATION,
            at=moment.now,
            passed=passed,
            performed_by=performed_by,
            moment=moment,
            interval_months=context.settings.calibration_interval_months,
            reference_gas=reference_gas,
            certificate=certificate,
            notes=notes,
        )
        finding = service.hidden_danger_of(session, point)
        result = {
            "id": row.id,
            "point_id": point,
            "valid_until": _iso(row.valid_until),
            "hidden_danger_id": finding.id if finding else None,
        }
    if as_json:
        typer.echo(json.dumps(result))
    else:
        typer.echo(
            translate(
                "calibration.cli.recorded",
                language(),
                id=row.id,
                hidden=result["hidden_danger_id"] or "-",
            )
        )


@calibration_app.command("records")
@reports_domain_errors
def records(
    point: int = typer.Argument(..., help="The detector's measurement point (id)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """A detector's calibrations and bump tests, newest first."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        rows = service.list_records(session, who, point)
        timezone = context.settings.timezone
        shown = [
            {
                "id": r.id,
                "kind": r.kind,
                "at": r.at.isoformat(),
                "passed": r.passed,
                "valid_until": _iso(r.valid_until),
                "performed_by": r.performed_by,
                "reference_gas": r.reference_gas,
                "certificate": r.certificate,
                "notes": r.notes,
                "recorded_by": r.recorded_by,
            }
            for r in rows
        ]
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
        return
    for row in rows:
        outcome = "web.calibration.passed" if row.passed else "calibration.cli.failed"
        typer.echo(
            f"{local_text(row.at, timezone)} {translate(f'web.calibration.kind.{row.kind}', lang)}"
            f" · {translate(outcome, lang)} · {row.performed_by}"
        )
