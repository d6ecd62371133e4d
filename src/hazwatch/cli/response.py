"""``hazwatch escalation show`` and ``hazwatch notify test``: check the ladder and the
channels before an alarm needs them."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from hazwatch.cli.common import cli_context, fail, language
from hazwatch.core.i18n import translate
from hazwatch.core.settings import get_settings
from hazwatch.monitoring.choices import Priority
from hazwatch.monitoring.escalation import channels
from hazwatch.monitoring.escalation.choices import EscalationTarget
from hazwatch.monitoring.escalation.service import plan

escalation_app = typer.Typer(help="Escalation ladders.")
notify_app = typer.Typer(help="Notification channels.")


def register(app: typer.Typer) -> None:
    app.add_typer(escalation_app, name="escalation")
    app.add_typer(notify_app, name="notify")


@escalation_app.command("show")
def show(
    organisation: int = typer.Argument(..., help="Organisation id."),
    priority: Priority | None = typer.Option(None, help="Only this priority."),
) -> None:
    """Who an unacknowledged alarm would reach, and when; exit 1 if a step reaches nobody."""
    lang = language()
    gaps = 0
    with cli_context() as context, context.unit_of_work() as session:
        priorities = [priority] if priority else list(Priority)
        for level in priorities:
            steps = plan(session, organisation, level.value)
            typer.secho(translate(f"choice.Priority.{level.value}", lang), bold=True)
            if not steps:
                gaps += 1
                typer.echo("  " + translate("escalation.cli.no_ladder", lang))
            for step in steps:
                target = EscalationTarget(step.target).label(lang)
                reached = ", ".join(f"{c.channel}:{c.address}" for c in step.contacts)
                if not step.contacts:
                    gaps += 1
                    reached = translate("escalation.cli.nobody", lang)
                typer.echo(f"  +{step.after_minutes:>3} min  {target}: {reached}")
    if gaps:
        raise typer.Exit(1)


@notify_app.command("test")
def test(
    channel: str = typer.Argument(..., help=f"One of {', '.join(channels.CHANNELS)}."),
    address: str = typer.Option(..., help="Webhook or robot URL, or e-mail address."),
    secret: str | None = typer.Option(None, help="DingTalk robot signing secret."),
) -> None:
    """Send one test message now and report the outcome (nothing is queued or retried)."""
    if channel not in channels.CHANNELS:
        raise fail("escalation.cli.unknown_channel", channel=channel)
    lang = language()
    subject = translate("escalation.cli.test_subject", lang)
    body = translate("escalation.cli.test_body", lang, at=datetime.now(UTC).isoformat())
    try:
        channels.send(
            get_settings(),
            channel,
            address,
            secret,
            subject,
            body,
            {"test": True},
            lambda message: typer.echo(message),
        )
    except Exception as exc:  # the outcome is the answer, whatever failed
        raise fail("escalation.cli.failed", 1, error=f"{type(exc).__name__}: {exc}") from exc
    typer.secho(translate("escalation.cli.sent", lang, channel=channel), fg=typer.colors.GREEN)
