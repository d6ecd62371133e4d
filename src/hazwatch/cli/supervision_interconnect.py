"""``hazwatch supervision feed …`` and ``import-organisations``: the outbound event feed
from a cursor, collecting and delivering it, and the city registry import (issue 15 item 8)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting, acting_as
from hazwatch.core.i18n import translate
from hazwatch.supervision.interconnect import importer, service, views

feed_app = typer.Typer(help="The outbound event feed (warnings, dispatches, findings, …).")


def register(supervision_app: typer.Typer) -> None:
    supervision_app.add_typer(feed_app, name="feed")
    supervision_app.command("import-organisations")(import_organisations)


@feed_app.command("pull")
@reports_domain_errors
def pull(
    after: int = typer.Option(0, "--after", min=0, help="Resume after this event id."),
    limit: int = typer.Option(100, "--limit", min=1, max=service.BATCH),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The events after a cursor the caller sees, and the cursor to resume from."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        events, cursor = service.pull(session, who, after, limit)
        shown = [service.event_dict(e) for e in events]
    if as_json:
        typer.echo(json.dumps({"events": shown, "cursor": cursor}, ensure_ascii=False))
        return
    for event in shown:
        typer.echo(f"#{event['id']} {event['occurred_at']} {event['kind']}/{event['action']}")
    typer.echo(f"cursor {cursor}", err=True)


@feed_app.command("collect")
@reports_domain_errors
def collect(
    deliver: bool = typer.Option(False, "--deliver", help="Then deliver to the webhooks."),
) -> None:
    """Collect new events now (the engine tick does it each minute), and deliver them."""
    with cli_context() as context, context.unit_of_work() as session:
        now = context.clock.now()
        added = service.collect(session, now, context.settings)
        delivered = service.deliver_due(session, now) if deliver else 0
    typer.echo(translate("cli.feed.collected", language(), count=added))
    if deliver:
        typer.echo(translate("cli.feed.delivered", language(), count=delivered))


@reports_domain_errors
def import_organisations(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help=".csv or .xlsx"),
    apply: bool = typer.Option(False, "--apply", help="Store the new rows (default: check)."),
    skip_conflicts: bool = typer.Option(False, "--skip-conflicts"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Check a city registry file (new, duplicate, conflict, invalid) and, with --apply,
    import its new organisations; exit 1 while conflicts or invalid rows remain."""
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        report = importer.run(
            session,
            who,
            filename=file.name,
            data=file.read_bytes(),
            apply=apply,
            skip_conflicts=skip_conflicts,
        )
        shown = views.import_out(report, language())
    if as_json:
        typer.echo(json.dumps(shown.model_dump(mode="json"), ensure_ascii=False))
    else:
        for row in shown.rows:
            typer.echo(f"{row.row:>4} {row.status:<18} {row.name} {row.reason_text}")
        typer.echo(
            translate(
                "web.import.summary",
                language(),
                new=shown.new,
                duplicates=shown.duplicates,
                conflicts=shown.conflicts,
                invalid=shown.invalid,
            )
        )
    if shown.conflicts or shown.invalid:
        raise typer.Exit(1)
