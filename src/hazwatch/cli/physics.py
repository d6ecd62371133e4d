"""``hazwatch odh …``, ``hazwatch leak …`` and ``hazwatch validate …``: the physics from a
shell, with no database."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import typer
import yaml
from rich.console import Console
from rich.progress import Progress

from hazwatch.cli.common import fail, language
from hazwatch.core.i18n import translate
from hazwatch.physics import room
from hazwatch.physics.fatality import class_message_key
from hazwatch.physics.fit import CROSSINGS, RECONSTRUCTION_HOURS, RECONSTRUCTION_O2, validate_2_7
from hazwatch.physics.leak_eval import LEAK_MM_H, PROFILES, evaluate
from hazwatch.physics.odh import RoomInputs, assess_room

odh_app = typer.Typer(help="Oxygen-deficiency physics of a room.")
leak_app = typer.Typer(help="Tank leak detection.")
validate_app = typer.Typer(help="Check the models against real cases.")


def register(app: typer.Typer) -> None:
    app.add_typer(odh_app, name="odh")
    app.add_typer(leak_app, name="leak")
    app.add_typer(validate_app, name="validate")


@odh_app.command("room")
def odh_room(
    volume: float = typer.Option(..., min=0.1, help="Free volume, m³."),
    inflow: float = typer.Option(..., min=0.0, help="Inert-gas inflow, m³/h."),
    exhaust: float = typer.Option(0.0, min=0.0, help="Exhaust fan flow, m³/h."),
    supply: float = typer.Option(0.0, min=0.0, help="Fresh-air supply fan flow, m³/h."),
    hours: float = typer.Option(8.0, min=0.1, help="How long to follow the room."),
    plot: Path | None = typer.Option(None, help="Write O2 over time to this PNG."),
) -> None:
    """O2 over time, the crossing times of 19.5 / 18 / 8.8 %, and the exhaust needed."""
    lang = language()
    times = [step / 4 for step in range(int(hours * 4) + 1)]
    o2 = [room.advance(room.C0, t, volume, inflow, exhaust, supply) for t in times]
    typer.echo(translate("physics.cli.table_header", lang))
    for t, value in zip(times, o2, strict=True):
        typer.echo(f"{t:6.2f} h  {value * 100:6.2f} %")
    for level in CROSSINGS:
        reached = room.time_to_level(level, volume, inflow, exhaust, supply)
        if math.isinf(reached):
            typer.echo(translate("physics.cli.never", lang, level=level * 100))
        else:
            minutes = f"{reached * 60:.1f}"
            typer.echo(translate("physics.cli.crosses", lang, level=level * 100, minutes=minutes))
    needed = room.exhaust_needed(inflow, 0.195)
    typer.echo(
        translate(
            "physics.cli.exhaust_needed", lang, flow=f"{needed:.0f}", ach=f"{needed / volume:.1f}"
        )
    )
    if plot is not None:
        _plot(plot, times, o2)
        typer.echo(translate("physics.cli.plot_saved", lang, path=str(plot)))


def _plot(path: Path, times: list[float], o2: list[float]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(7, 4))
    axes.plot(times, [value * 100 for value in o2], label="O2")
    for level in CROSSINGS:
        axes.axhline(level * 100, linestyle="--", linewidth=0.8, color="grey")
    axes.set_xlabel("h")
    axes.set_ylabel("O2 %")
    axes.set_ylim(0, 22)
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)


def _load(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError("not a mapping")
    return data


@odh_app.command("assess-file")
def odh_assess_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="Room inputs, YAML/JSON."),
) -> None:
    """φ, ODH class and required controls of a room described in a file (no database)."""
    lang = language()
    try:
        inputs = RoomInputs.from_dict(_load(file))
    except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise fail("physics.cli.assess_invalid", path=str(file), reason=str(exc)) from exc
    outcome = assess_room(inputs)
    for event in outcome.events:
        typer.echo(
            translate(
                "physics.cli.assess_event",
                lang,
                event=event.name,
                probability=f"{event.probability:.2e}",
                o2=f"{event.o2 * 100:.1f}",
                rate=f"{event.fatality_rate:.2e}",
            )
        )
    typer.echo(
        translate(
            "physics.cli.assess_summary",
            lang,
            phi=f"{outcome.phi:.2e}",
            odh_class=outcome.odh_class,
        )
    )
    typer.echo(translate(class_message_key(outcome.odh_class), lang))
    for control in outcome.controls:
        typer.echo(f"  - {translate(control.message_key, lang)}")


@leak_app.command("evaluate")
def leak_evaluate(
    noise: float = typer.Option(3.0, min=0.1, help="Level noise (σ), mm."),
    budget: float = typer.Option(1.0, min=0.01, help="False alarms allowed per tank-year."),
    years: float = typer.Option(20.0, min=0.1, help="Leak-free years to simulate."),
    runs: int = typer.Option(50, min=1, help="Leak runs per leak rate."),
    seed: int = typer.Option(1, help="Random seed."),
    profile: str = typer.Option(
        "learned", help="Expected draw: 'learned' (four weeks of history) or 'contract'."
    ),
    leak_mm_h: list[float] = typer.Option(
        [LEAK_MM_H], "--leak-mm-h", min=0.1, help="Leak rate, mm/h (repeat for several)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON alone."),
) -> None:
    """Detection delay (median, p90, missed within a day) per leak rate and false alarms per
    tank-year, of the leak alarm and of the modelled O2's 19.5 % alarm, on synthetic
    telemetry. Progress goes to standard error."""
    lang = language()
    if profile not in PROFILES:
        raise fail("physics.cli.leak_bad_profile", profile=profile)
    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(translate("physics.cli.leak_progress", lang), total=1.0)
        result = evaluate(
            noise,
            budget,
            years,
            runs,
            seed,
            lambda done: bar.update(task, completed=done),
            profile=profile,
            leak_rates=tuple(leak_mm_h),
        )
    if as_json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    typer.echo(
        translate(
            "physics.cli.leak_result",
            lang,
            noise=noise,
            threshold=f"{result.tuning.threshold_mm:.1f}",
            false_alarms=f"{result.false_alarms_per_year:.2f}",
            delay=f"{result.median_delay_h:.2f}",
            worst=f"{result.worst_delay_h:.2f}",
            missed=result.missed,
            runs=runs,
            estimate=f"{result.median_estimate_kg_h:.0f}",
        )
    )
    summary = result.to_dict()
    typer.echo(
        translate(
            "physics.cli.leak_o2_false",
            lang,
            profile=profile,
            false_alarms=f"{summary['modelled_o2_false_alarms_per_year']:.2f}",
        )
    )
    for rate in summary["leaks"]:
        alarm, o2 = rate["leak_alarm"], rate["modelled_o2_alarm"]
        typer.echo(
            translate(
                "physics.cli.leak_rate",
                lang,
                rate=rate["leak_mm_h"],
                delay=alarm["median_h"] if alarm["median_h"] is not None else "-",
                p90=alarm["p90_h"] if alarm["p90_h"] is not None else "-",
                missed=alarm["missed"],
                o2_delay=o2["median_h"] if o2["median_h"] is not None else "-",
                o2_missed=o2["missed"],
                runs=rate["runs"],
            )
        )


@validate_app.command("2-7")
def validate_2_7_command() -> None:
    """The 2·7 case: fitted inflow, crossing times and the O2 after 4 h against the
    reconstruction's band; exits 1 when the model falls outside it."""
    lang = language()
    result = validate_2_7()
    low, high = result.inflow_range_m3_h
    typer.echo(
        translate(
            "physics.cli.validate_inflow",
            lang,
            inflow=f"{result.inflow_m3_h:.1f}",
            low=f"{low:.0f}",
            high=f"{high:.0f}",
            tank=f"{result.tank_inflow_m3_h:.1f}",
            kg=f"{result.tank_kg_h:.1f}",
            tau=f"{result.time_constant_h:.2f}",
        )
    )
    for level, at in result.crossings.items():
        typer.echo(
            translate("physics.cli.validate_crossing", lang, level=level * 100, at=f"{at:%H:%M}")
        )
    for at, o2 in result.o2_at_entries.items():
        typer.echo(
            translate("physics.cli.validate_entry", lang, at=f"{at:%H:%M}", o2=f"{o2 * 100:.2f}")
        )
    key = "physics.cli.validate_in_band" if result.within_band else "physics.cli.validate_out"
    typer.echo(
        translate(
            key,
            lang,
            hours=RECONSTRUCTION_HOURS,
            o2=f"{result.o2_at_reference * 100:.2f}",
            low=f"{min(RECONSTRUCTION_O2) * 100:.2f}",
            high=f"{max(RECONSTRUCTION_O2) * 100:.2f}",
        )
    )
    if not result.within_band:
        raise typer.Exit(1)
