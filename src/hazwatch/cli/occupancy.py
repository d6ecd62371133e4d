"""``hazwatch occupancy …``: who is inside a site (its muster list) and a manual check-out
(someone confirmed the person is out), acting as a named user (``--as``)."""

from __future__ import annotations

import json
from datetime import timedelta

import typer

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting
from hazwatch.core.clock import local_text
from hazwatch.core.i18n import translate
from hazwatch.monitoring.occupancy import service

occupancy_app = typer.Typer(help="Who is inside: muster lists and manual check-outs.")


def register(app: typer.Typer) -> None:
    app.add_typer(occupancy_app, name="occupancy")


@occupancy_app.command("muster")
@reports_domain_errors
def muster(
    site: int = typer.Argument(..., help="The site (id)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The site's muster list: who is inside which rooms since when; exit 1 when someone's
    stay is long enough to ask about."""
    lang = language()
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        stay = timedelta(minutes=context.settings.occupancy_max_stay_minutes)
        inside = service.muster(session, who, site, context.clock.now(), stay)
        timezone = context.settings.timezone
    if as_json:
        shown = [
            {
                "person": o.person,
                "organisation_id": o.organisation_id,
                "site_id": o.site_id,
                "entered_at": o.entered_at.isoformat(),
                "door": o.door,
                "room_ids": o.room_ids,
                "check_due": o.check_due,
            }
            for o in inside
        ]
        typer.echo(json.dumps(shown, ensure_ascii=False))
    else:
        typer.echo(translate("web.muster.count", lang, count=len(inside)))
        for o in inside:
            due = f" [{translate('web.muster.check_due', lang)}]" if o.check_due else ""
            typer.echo(
                translate(
                    "occupancy.cli.occupant",
                    lang,
                    person=o.person,
                    door=o.door,
                    since=local_text(o.entered_at, timezone),
                )
                + due
            )
    if any(o.check_due for o in inside):
        raise typer.Exit(1)


@occupancy_app.command("check-out")
@reports_domain_errors
def check_out(
    site: int = typer.Argument(..., help="The site (id)."),
    person: str = typer.Argument(..., help="The person, as the door reader named them."),
    reason: str = typer.Option(..., "--reason", "-m", help="How it was confirmed."),
    rooms: list[int] = typer.Option([], "--room", help="Only out of this room (repeatable)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Record that the person is out (of the rooms named, else of the whole site); only a
    person who is inside can be checked out."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who  # the audit names who confirmed it
        now = context.clock.now()
        row = service.check_out(
            session,
            who,
            site_id=site,
            person=person,
            at=now,
            now=now,
            reason=reason,
            room_ids=rooms,
        )
        result = {"id": row.id, "site_id": site, "person": person}
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        typer.echo(translate("occupancy.cli.checked_out", language(), person=person))
