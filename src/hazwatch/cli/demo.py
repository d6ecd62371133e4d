"""``hazwatch demo …``: the demo district, loaded once on first start (``make run``)."""

from __future__ import annotations

import typer

from hazwatch import demo as full_demo
from hazwatch.cli.common import cli_context, fail, language
from hazwatch.cli.replay import run_with_progress
from hazwatch.core.i18n import translate
from hazwatch.core.settings import get_settings
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry import demo
from hazwatch.scenarios import saved
from hazwatch.scenarios.loader import load as load_scenario
from hazwatch.scenarios.result import assemble

demo_app = typer.Typer(help="The demo district (2·7 accident's lab and its supply chain).")


def register(app: typer.Typer) -> None:
    app.add_typer(demo_app, name="demo")


@demo_app.command("load")
def load(
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing if data exist."),
) -> None:
    """Load the demo district and print the demo users and their password."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        if demo.is_loaded(session):
            if if_empty:
                typer.echo(translate("registry.cli.demo_present", lang))
                return
            raise fail("registry.cli.demo_not_empty", 4)
        loaded = full_demo.load(session, Moment.of(context))
    typer.echo(translate("registry.cli.demo_loaded", lang, password=demo.DEMO_PASSWORD))
    for username, role in loaded.users:
        typer.echo(f"  {username:<12} {role}")


@demo_app.command("replays")
def replay_bundled() -> None:
    """Replay the bundled 2·7 scenarios into the console's replay folder (those missing)."""
    settings = get_settings()
    for path in saved.missing_bundled(settings):
        loaded = load_scenario(path)
        result = assemble(loaded, run_with_progress(loaded), settings.language)
        written = saved.save(settings, result)
        typer.echo(translate("scenarios.cli.written", settings.language, path=str(written)))
