"""``hazwatch odh …`` and ``hazwatch leak …``: the physics from a shell."""

from __future__ import annotations

import typer

from hazwatch.cli.common import language
from hazwatch.core.i18n import translate
from hazwatch.physics import room
from hazwatch.physics.leak_eval import evaluate

odh_app = typer.Typer(help="Oxygen-deficiency physics of a room.")
leak_app = typer.Typer(help="Tank leak detection.")


def register(app: typer.Typer) -> None:
    app.add_typer(odh_app, name="odh")
    app.add_typer(leak_app, name="leak")


@odh_app.command("room")
def odh_room(
    volume: float = typer.Option(..., min=0.1, help="Free volume, m³."),
    inflow: float = typer.Option(..., min=0.0, help="Inert-gas inflow, m³/h."),
    exhaust: float = typer.Option(0.0, min=0.0, help="Exhaust fan flow, m³/h."),
    hours: float = typer.Option(8.0, min=0.1, help="How long to follow the room."),
) -> None:
    """O2 over time, the crossing times of 19.5 / 18 / 8.8 %, and the exhaust needed."""
    lang = language()
    typer.echo(translate("physics.cli.table_header", lang))
    for step in range(int(hours * 4) + 1):
        t = step / 4
        o2 = room.exhaust(t, volume, inflow, exhaust)
        typer.echo(f"{t:6.2f} h  {o2 * 100:6.2f} %")
    for level in (0.195, 0.18, 0.088):
        if exhaust > inflow and room.exhaust(1e6, volume, inflow, exhaust) >= level:
            typer.echo(translate("physics.cli.never", lang, level=level * 100))
        else:
            minutes = room.time_to_reach(level, volume, inflow) * 60
            typer.echo(
                translate("physics.cli.crosses", lang, level=level * 100, minutes=f"{minutes:.1f}")
            )
    needed = room.exhaust_needed(inflow, 0.195)
    typer.echo(
        translate(
            "physics.cli.exhaust_needed", lang, flow=f"{needed:.0f}", ach=f"{needed / volume:.1f}"
        )
    )


@leak_app.command("evaluate")
def leak_evaluate(
    noise: float = typer.Option(3.0, min=0.1, help="Level noise (σ), mm."),
    budget: float = typer.Option(1.0, min=0.01, help="False alarms allowed per tank-year."),
    years: float = typer.Option(2.0, min=0.1, help="Leak-free years to simulate."),
    runs: int = typer.Option(10, min=1, help="Leak runs (30.9 mm/h, the 2·7 rate)."),
) -> None:
    """Detection delay and false alarms per tank-year on synthetic telemetry."""
    result = evaluate(noise, budget, years, runs)
    typer.echo(
        translate(
            "physics.cli.leak_result",
            language(),
            noise=noise,
            threshold=f"{result.threshold_mm:.1f}",
            false_alarms=f"{result.false_alarms_per_year:.2f}",
            delay=f"{result.median_delay_h:.2f}",
            missed=result.missed,
            runs=runs,
        )
    )
