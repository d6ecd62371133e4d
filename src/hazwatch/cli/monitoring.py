"""``hazwatch monitoring …`` and ``hazwatch access …``: points, alarms and doors from a shell."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import typer

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import local_text
from hazwatch.core.i18n import translate
from hazwatch.core.settings import get_settings
from hazwatch.monitoring import service
from hazwatch.monitoring.access import service as access
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.maintenance import StorageMaintenance
from hazwatch.monitoring.present import PersistedPresent

monitoring_app = typer.Typer(help="Measurement points, readings and alarms.")
access_app = typer.Typer(help="Door access checks.")


def register(app: typer.Typer) -> None:
    app.add_typer(monitoring_app, name="monitoring")
    app.add_typer(access_app, name="access")


@monitoring_app.command("points")
def points(room: int | None = typer.Option(None, help="Only this room.")) -> None:
    """Current value and quality of each point (unknown is never shown as a number; a point
    whose stored reading is past its stale limit reads stale: the engine that would mark it
    runs in another process)."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        stored = PersistedPresent(context)
        statuses = service.point_statuses(
            session, SYSTEM, room_id=room, present=stored.present, at=context.clock.now()
        )
    for status in statuses:
        value = "—" if status["value"] is None else f"{status['value']:g} {status['unit']}"
        quality = translate(f"choice.Quality.{status['quality']}", lang)
        modelled = translate("choice.PointKind.o2_modelled", lang) if status["modelled"] else ""
        conditions = ",".join(status["conditions"])
        typer.echo(f"{status['code']:<16} {value:>14}  {quality} {modelled} {conditions}")


@monitoring_app.command("alarms")
def alarms(all_states: bool = typer.Option(False, "--all", help="Include normal ones.")) -> None:
    """Alarms needing attention, most urgent first."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        rows = service.list_alarms(session, SYSTEM, active_only=not all_states)
        for alarm in rows:
            state = translate(f"choice.AlarmState.{alarm.state}", lang)
            priority = translate(f"choice.Priority.{alarm.priority}", lang)
            message = translate(alarm.message_key, lang, **alarm.params)
            acked = (
                translate(
                    "monitoring.cli.acked_by",
                    lang,
                    by=alarm.acked_by,
                    at=local_text(alarm.acked_at, context.settings.timezone),
                )
                if alarm.acked_by
                else ""
            )
            typer.echo(f"#{alarm.id:<5} {priority:<12} {state:<12} {message}{acked}")


@monitoring_app.command("submit")
@reports_domain_errors
def submit(
    point: str = typer.Argument(..., help="Point code."),
    value: float = typer.Argument(..., help="Measured value."),
    unit: str = typer.Option(..., help="Unit, e.g. %vol."),
) -> None:
    """Submit one reading now through the engine (commissioning, drills)."""
    with cli_context() as context:
        engine = MonitoringEngine(context)
        report = engine.submit([ReadingIn(point, datetime.now(UTC), value, unit)], source="cli")
        engine.close()
    typer.echo(
        json.dumps({"accepted": report.accepted, "rejected": [r.reason for r in report.rejected]})
    )
    if report.rejected:
        raise typer.Exit(2)


@access_app.command("check")
def check(
    door: str = typer.Argument(..., help="Door code, e.g. LAB-ENTRANCE."),
    person: str = typer.Option(..., help="Who wants to enter."),
    purpose: str = typer.Option("work", help="work, visit, maintenance or rescue."),
) -> None:
    """Ask what the door reader would be told; exit 1 on deny."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        decision = access.check(
            session,
            door_code=door,
            person=person,
            purpose=purpose,
            now=context.clock.now(),
            policy=access.AccessPolicy.from_settings(context.settings),
        )
    verdict = translate("access.cli.allow" if decision.allowed else "access.cli.deny", lang)
    typer.secho(verdict, fg=typer.colors.GREEN if decision.allowed else typer.colors.RED, bold=True)
    for reason in decision.reasons:
        typer.echo(
            "  "
            + translate(reason["code"], lang, room=reason.get("room") or "", **reason["params"])
        )
    if not decision.allowed:
        raise typer.Exit(1)


@monitoring_app.command("retention")
def retention() -> None:
    """Create upcoming reading partitions and apply the retention settings now."""
    with cli_context() as context:
        created, dropped = StorageMaintenance(context).run(context.clock.now())
    typer.echo(
        translate(
            "monitoring.cli.retention", language(), created=len(created), dropped=len(dropped)
        )
    )


@access_app.command("serve")
def serve(
    host: str | None = typer.Option(None, help="Interface to bind (default from settings)."),
    port: int = typer.Option(8100, min=1, max=65535, help="Port of the access service."),
    workers: int = typer.Option(2, min=1, max=64, help="Worker processes (about one per core)."),
) -> None:
    """Door checks for a fleet of readers: worker processes answering from the persisted
    present (docs/capacity.md); runs beside `hazwatch serve` or the ingest workers."""
    import uvicorn

    settings = get_settings()
    bind_host = host or settings.host
    typer.secho(
        translate("cli.serve.listening", language(), url=f"http://{bind_host}:{port}/"),
        fg=typer.colors.GREEN,
    )
    uvicorn.run(
        "hazwatch.monitoring.access.fleet:app_from_settings",
        factory=True,
        host=bind_host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        # a worker answers the supervisor's pings only once imported: on a busy machine
        # that takes longer than uvicorn's 5 s, and it would be killed and restarted forever
        timeout_worker_healthcheck=300,
    )


@monitoring_app.command("ready")
def ready(
    url: str | None = typer.Option(
        None, help="The server (default: the public_url setting, else http://host:port)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print /readyz's answer as JSON."),
) -> None:
    """Ask a running HazWatch whether it is ready (``/readyz``): its database answers and its
    ingest moves (not stalled, not lagging). Exit 1 when not, with the reasons, and when
    the server does not answer: ingest state lives in the serving process."""
    settings = get_settings()
    base = (url or settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")
    try:
        body = httpx.get(f"{base}/readyz", timeout=10).json()
    except (httpx.HTTPError, ValueError) as exc:
        body = {"status": "unreachable", "reasons": ["server_unreachable"], "error": str(exc)}
    if as_json:
        typer.echo(json.dumps(body))
    else:
        lang = language()
        status = str(body.get("status"))
        typer.secho(
            translate(f"ingest.cli.{status}", lang, url=base),
            fg=typer.colors.GREEN if status == "ready" else typer.colors.RED,
            bold=True,
        )
        for reason in body.get("reasons", []):
            typer.echo("  " + translate(f"ingest.reason.{reason}", lang))
    if body.get("status") != "ready":
        raise typer.Exit(1)
