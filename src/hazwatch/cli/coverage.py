"""``hazwatch coverage …``: the coverage indicators of the user's area (exit 1 when a
district misses a target), and the contracts and officers they count."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation

import typer

from hazwatch.cli.common import cli_context, fail, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting, acting_as
from hazwatch.core.clock import local_date
from hazwatch.core.i18n import translate
from hazwatch.district.coverage import service, views

coverage_app = typer.Typer(help="Coverage indicators (seed 001 measures 11, 16, 17, 19).")


def register(app: typer.Typer) -> None:
    app.add_typer(coverage_app, name="coverage")


@coverage_app.command("show")
@reports_domain_errors
def show(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Each indicator per district and department with its missing items; exit 1 when a
    district misses a target."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        today = local_date(context.clock.now(), context.settings.timezone)
        shown = views.figure_outs(
            session, service.visible_figures(session, who, today, context.settings), language()
        )
    if as_json:
        typer.echo(json.dumps([f.model_dump(mode="json") for f in shown], ensure_ascii=False))
    else:
        lang = language()
        for f in shown:
            typer.echo(
                translate(
                    "coverage.cli.figure",
                    lang,
                    label=f.label,
                    scope=f.department or f.district,
                    numerator=f.numerator,
                    denominator=f.denominator,
                    rate="-" if f.rate_percent is None else f.rate_percent,
                    target=f.target_percent,
                    mark="" if f.met is not False else " ✗",
                )
            )
            if f.department_id is None:
                for g in f.gaps:
                    typer.echo(f"    {g.name}: {g.reason_label}")
    if any(f.met is False for f in shown if f.department_id is None):
        raise typer.Exit(1)


@coverage_app.command("add-contract")
@reports_domain_errors
def add_contract(
    organisation: int = typer.Option(..., "--organisation", help="Enterprise id."),
    provider: str = typer.Option(..., "--provider"),
    valid_from: str = typer.Option(..., "--from", help="YYYY-MM-DD"),
    valid_until: str = typer.Option(..., "--until", help="YYYY-MM-DD"),
    scope: str = typer.Option("", "--scope"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Record an enterprise's social safety-service contract."""
    days = []
    for field, text in (("valid_from", valid_from), ("valid_until", valid_until)):
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            raise fail("coverage.cli.bad_date", field=field, text=text) from None
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        row = service.add_contract(
            session,
            who,
            organisation_id=organisation,
            provider=provider,
            valid_from=days[0],
            valid_until=days[1],
            scope=scope,
        )
        shown = views.contract_outs(session, [row])[0]
    typer.echo(
        json.dumps(shown.model_dump(mode="json"), ensure_ascii=False)
        if as_json
        else f"#{shown.id} {shown.organisation} {shown.provider}"
    )


@coverage_app.command("add-officer")
@reports_domain_errors
def add_officer(
    department: int = typer.Option(..., "--department", help="Department organisation id."),
    name: str = typer.Option(..., "--name"),
    degree: str = typer.Option("", "--degree"),
    safety_related: bool = typer.Option(False, "--safety-related"),
    years: str = typer.Option("0", "--years", help="Years of safety practice."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Record a department's enforcement officer."""
    try:
        experience = Decimal(years)
    except InvalidOperation:
        raise fail("coverage.cli.bad_number", field="experience_years", text=years) from None
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        row = service.add_officer(
            session,
            who,
            organisation_id=department,
            name=name,
            degree=degree,
            safety_related=safety_related,
            experience_years=experience,
        )
        shown = views.officer_outs(session, [row])[0]
    typer.echo(
        json.dumps(shown.model_dump(mode="json"), ensure_ascii=False)
        if as_json
        else f"#{shown.id} {shown.department} {shown.name}"
    )
