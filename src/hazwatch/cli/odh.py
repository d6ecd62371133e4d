"""``hazwatch odh show/assess``: a room's stored ODH assessment from a shell.

The commands join the ``hazwatch odh`` group of the physics calculator (``odh room``), so
everything about oxygen-deficiency hazard sits under one word.
"""

from __future__ import annotations

import typer

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.cli.physics import odh_app
from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.errors import InvalidInput
from hazwatch.core.i18n import translate
from hazwatch.prevention.odh import service
from hazwatch.prevention.odh.choices import event_text
from hazwatch.prevention.odh.models import OdhAssessment


def register(app: typer.Typer) -> None:
    """The group itself is registered by :mod:`hazwatch.cli.physics`; add ours to it."""
    odh_app.command("show")(show)
    odh_app.command("assess")(assess)


def _print(assessment: OdhAssessment, room_name: str) -> None:
    lang = language()
    typer.echo(
        translate(
            "odh.cli.summary",
            lang,
            room=room_name,
            odh_class=assessment.odh_class,
            phi=f"{assessment.phi_per_hour:.2e}",
            at=assessment.computed_at.isoformat(timespec="seconds"),
            trigger=translate(f"choice.AssessmentTrigger.{assessment.trigger}", lang),
        )
    )
    for safeguard in assessment.inputs["safeguards"]:
        figure = safeguard["failure_on_demand"]
        typer.echo(
            translate(
                "odh.cli.safeguard",
                lang,
                kind=translate(f"choice.SafeguardKind.{safeguard['kind']}", lang),
                figure="-" if figure is None else f"{figure:.1e}",
                origin=safeguard["origin"],
            )
        )
    for event in assessment.result["events"]:
        typer.echo(
            translate(
                "odh.cli.event",
                lang,
                event=event_text(event, lang),
                probability=f"{event['probability_per_hour']:.2e}",
                o2=f"{event['o2'] * 100:.1f}",
                rate=f"{event['fatality_rate']:.2e}",
            )
        )


@reports_domain_errors
def show(room: int = typer.Argument(..., help="Room id.")) -> None:
    """The room's current ODH class, φ, credited safeguards and failure events."""
    with cli_context() as context, context.unit_of_work() as session:
        assessment = service.room_assessment(session, SYSTEM, room)
        _print(assessment, service.room_name(session, room))


@reports_domain_errors
def assess(
    room: int | None = typer.Argument(None, help="Room id."),
    every: bool = typer.Option(False, "--all", help="Every room with an inert-gas source."),
) -> None:
    """Recompute (a new row only if the room's inputs changed) and show the result."""
    if room is None and not every:
        raise typer.BadParameter(translate("odh.cli.room_or_all", language()))
    with cli_context() as context, context.unit_of_work() as session:
        now = context.clock.now()
        rooms = [room] if room is not None else service.inert_gas_room_ids(session)
        for room_id in rooms:
            name = service.room_name(session, room_id)
            try:
                _print(service.assess(session, SYSTEM, room_id, now), name)
            except InvalidInput as exc:
                if room is not None:
                    raise
                typer.echo(f"{name}: {translate(exc.code, language())}")
