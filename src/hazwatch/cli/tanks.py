"""``hazwatch tank …``: a tank's level, leak detector and the rooms it feeds, and its leak
settings. Resetting a latched leak alarm is left to the running service (console or
``POST /api/tanks/{id}/leak-reset``): the engine there alone owns alarm state."""

from __future__ import annotations

from decimal import Decimal

import typer

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.i18n import translate
from hazwatch.monitoring.present import PersistedPresent
from hazwatch.monitoring.tanks import service
from hazwatch.monitoring.tanks.schemas import TankStatusOut
from hazwatch.monitoring.tanks.text import describe

tank_app = typer.Typer(help="Tank level, leak detection and the rooms a tank feeds.")


def register(app: typer.Typer) -> None:
    app.add_typer(tank_app, name="tank")


def _print(status: TankStatusOut, timezone: str) -> bool:
    text = describe(status, language(), timezone)
    typer.secho(f"#{status.id} {text.title}", bold=True)
    for line in (text.level, text.draw, text.plain, text.detector):
        typer.echo(f"  {line}")
    typer.secho(f"  {text.leak}", fg=None if text.fine else typer.colors.RED)
    return text.fine


@tank_app.command("status")
@reports_domain_errors
def status(tank: int | None = typer.Argument(None, help="Tank id (default: every tank).")) -> None:
    """Level, volume, mass, leak detector and rooms fed; exit 1 when any tank shown has a
    leak alarm or a level that is not known (unknown is not fine)."""
    with cli_context() as context, context.unit_of_work() as session:
        now = context.clock.now()
        present = PersistedPresent(context).present  # the stored level, stale past its limit
        found = (
            [service.status(session, SYSTEM, tank, now, present)]
            if tank is not None
            else service.statuses(session, SYSTEM, now, present)
        )
        timezone = context.settings.timezone
    if not found:
        typer.echo(translate("tanks.cli.none", language()))
    fine = [_print(shown, timezone) for shown in found]
    if not all(fine):
        raise typer.Exit(1)


@tank_app.command("leak-settings")
@reports_domain_errors
def leak_settings(
    tank: int = typer.Argument(..., help="Tank id."),
    false_alarms_per_year: Decimal = typer.Option(
        ..., help="False leak alarms accepted per tank-year (0.2–52)."
    ),
    noise_mm: Decimal = typer.Option(..., help="Standard deviation of the level reading, mm."),
) -> None:
    """Set the false-alarm budget and the level noise; prints the tuned CUSUM."""
    data = service.settings_in(
        {"false_alarms_per_year": false_alarms_per_year, "noise_mm": noise_mm}
    )
    with cli_context() as context, context.unit_of_work() as session:
        setting = service.update_settings(session, SYSTEM, tank, data)
        typer.echo(
            translate(
                "tanks.cli.tuned",
                language(),
                budget=f"{setting.false_alarms_per_year:g}",
                noise=f"{setting.noise_mm:g}",
                allowance=f"{setting.allowance_mm:.2f}",
                threshold=f"{setting.threshold_mm:.1f}",
            )
        )
