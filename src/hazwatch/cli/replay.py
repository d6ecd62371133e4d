"""``hazwatch replay FILE``: run a scenario through the live pipeline on a simulated clock."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from hazwatch.cli.common import fail, language, seconds_progress
from hazwatch.core.i18n import translate
from hazwatch.core.settings import get_settings
from hazwatch.scenarios import plot, saved
from hazwatch.scenarios.loader import LoadedScenario, ScenarioError, bundled, load
from hazwatch.scenarios.result import assemble, render_timeline
from hazwatch.scenarios.runner import Run, run


def register(app: typer.Typer) -> None:
    app.command("replay")(replay)


def resolve(file: str) -> LoadedScenario:
    """A path, or the name of a bundled scenario."""
    examples = bundled()
    return load(examples[file] if file in examples and not Path(file).exists() else file)


def run_with_progress(loaded: LoadedScenario) -> Run:
    seconds = int((loaded.end - loaded.start).total_seconds())
    with seconds_progress(seconds, loaded.spec.name) as progress:
        return run(loaded, progress)


def replay(
    file: str | None = typer.Argument(None, help="Scenario YAML file, or a bundled name."),
    out: Path | None = typer.Option(None, help="Folder for <name>.json, .txt and .png."),
    as_json: bool = typer.Option(False, "--json", help="Print the JSON result, not the timeline."),
    with_plot: bool = typer.Option(
        False, "--plot", help="Draw <name>.png (into --out, else the data dir's replays folder)."
    ),
    list_examples: bool = typer.Option(False, "--list", help="List the bundled scenarios."),
    keep: bool = typer.Option(
        False, "--save", help="Also keep the JSON result where the console's replay page lists it."
    ),
) -> None:
    """Replay a scenario: timeline (actual vs with HazWatch), JSON result and plot."""
    lang = language()
    if list_examples:
        typer.echo(translate("scenarios.cli.examples", lang))
        for name, path in bundled().items():
            typer.echo(f"  {name}  ({path})")
        return
    if file is None:
        raise fail("scenarios.cli.no_file")
    try:
        loaded = resolve(file)
    except ScenarioError as exc:
        typer.secho(exc.describe(lang), err=True, fg=typer.colors.RED)
        raise typer.Exit(2) from exc
    result = assemble(loaded, run_with_progress(loaded), lang)
    text = render_timeline(result, lang)
    typer.echo(json.dumps(result, ensure_ascii=False, indent=1) if as_json else text)
    if keep:
        path = saved.save(get_settings(), result)
        typer.echo(translate("scenarios.cli.written", lang, path=str(path)), err=True)
    # Never the working directory (that is the repository under `make run`).
    folder = out if out is not None else (saved.folder(get_settings()) if with_plot else None)
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    if out is not None:
        written.append(saved.write(result, folder))
        (folder / f"{loaded.spec.name}.txt").write_text(text, encoding="utf-8")
        written.append(folder / f"{loaded.spec.name}.txt")
    if with_plot:
        written.append(plot.render(result, folder / f"{loaded.spec.name}.png"))
    for path in written:
        typer.echo(translate("scenarios.cli.written", lang, path=str(path)), err=True)
