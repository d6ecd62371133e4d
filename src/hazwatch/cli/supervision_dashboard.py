"""``hazwatch supervision dashboard``: the regulator dashboard of a jurisdiction (issue 15
item 9), each figure with its count and, with ``--items``, what is behind it."""

from __future__ import annotations

import json

import typer

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting
from hazwatch.core.i18n import translate
from hazwatch.supervision.dashboard import service
from hazwatch.supervision.dashboard.routes import dashboard_out


def register(supervision_app: typer.Typer) -> None:
    supervision_app.command("dashboard")(dashboard)


@reports_domain_errors
def dashboard(
    jurisdiction: int | None = typer.Option(None, "--jurisdiction", help="Default: your own."),
    items: bool = typer.Option(False, "--items", help="List what is behind each figure."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Each figure of the jurisdiction: grades, codes, open warnings and dispatches with
    their ages, blind spots, overdue hidden dangers, missing commitments, incidents, tasks."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        found = dashboard_out(
            service.build(session, who, context.clock.now(), context.settings, jurisdiction)
        )
    if as_json:
        typer.echo(json.dumps(found.model_dump(mode="json"), ensure_ascii=False))
        return
    lang = language()
    typer.secho(found.jurisdiction, bold=True)
    for figure in found.figures:
        levels = " ".join(f"{k}:{v}" for k, v in figure.by_level.items())
        title = translate(f"web.dashboard.figure.{figure.key}", lang)
        typer.echo(f"{title:<24} {figure.count:>4} {levels}")
        if items:
            for item in figure.items:
                age = f" {item.age_minutes} min" if item.age_minutes is not None else ""
                typer.echo(f"    {item.label} · {item.organisation}{age} {item.flag}")
