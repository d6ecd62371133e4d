"""``hazwatch catalogue …``: the district's 禁限控 catalogue as versioned data, who a draft
newly affects, publishing it, and the conflicts with the versions in force.

Each command runs as a named user (``--as``, default: the system).
"""

from __future__ import annotations

import json

import typer

from hazwatch.cli.common import cli_context, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, acting, acting_as
from hazwatch.core.scope import visible_organisations
from hazwatch.district.catalogue import service, views
from hazwatch.district.catalogue.choices import CatalogueCategory, CatalogueSubject
from hazwatch.district.catalogue.schemas import HitOut, VersionOut
from hazwatch.prevention.hazard_findings.service import Moment

catalogue_app = typer.Typer(help="The district's prohibited / restricted / controlled catalogue.")


def register(app: typer.Typer) -> None:
    app.add_typer(catalogue_app, name="catalogue")


def _versions(shown: list[VersionOut], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([v.model_dump(mode="json") for v in shown], ensure_ascii=False))
        return
    for v in shown:
        typer.secho(f"#{v.id} {v.district} v{v.number} {v.title} · {v.state_label}", bold=True)
        for e in v.entries:
            code = e.process_code or e.cas or ""
            typer.echo(f"  [{e.category_label}] {e.subject_label} {e.name} {code}".rstrip())


def _hits(shown: list[HitOut], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps([h.model_dump(mode="json") for h in shown], ensure_ascii=False))
        return
    for h in shown:
        typer.echo(f"[{h.category_label}] {h.organisation}: {h.item} ({h.entry})")


@catalogue_app.command("versions")
@reports_domain_errors
def versions(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Versions in force and superseded, and the drafts of the user's districts."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        shown = [
            views.version_out(session, v, language()) for v in service.list_versions(session, who)
        ]
    _versions(shown, as_json)


@catalogue_app.command("new-version")
@reports_domain_errors
def new_version(
    district: int = typer.Option(..., "--district", help="District (jurisdiction) id."),
    title: str = typer.Option(..., "--title", help="Title of the version."),
    basis: str = typer.Option("", "--basis", help="The document that sets it."),
    empty: bool = typer.Option(False, "--empty", help="Start empty, not from the one in force."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Draft a new version (a copy of the one in force unless --empty)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        version = service.create_version(
            session,
            who,
            Moment.of(context),
            jurisdiction_id=district,
            title=title,
            basis=basis,
            copy_in_force=not empty,
        )
        shown = [views.version_out(session, version, language())]
    _versions(shown, as_json)


@catalogue_app.command("add-entry")
@reports_domain_errors
def add_entry(
    version: int = typer.Argument(..., help="Draft version id."),
    subject: CatalogueSubject = typer.Argument(..., help="process or product."),
    category: CatalogueCategory = typer.Argument(..., help="prohibited, restricted, controlled."),
    name: str = typer.Argument(..., help="Name of the process or product."),
    code: str | None = typer.Option(None, "--process-code", help="Key-process code (P09)."),
    cas: str | None = typer.Option(None, "--cas", help="CAS number of a product."),
    note: str = typer.Option("", "--note"),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Add an entry to a draft."""
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        service.add_entry(
            session,
            who,
            version,
            subject=subject,
            category=category,
            name=name,
            process_code=code,
            cas=cas,
            note=note,
        )
        shown = [views.version_out(session, service.get(session, who, version), language())]
    _versions(shown, as_json)


@catalogue_app.command("impact")
@reports_domain_errors
def impact(
    version: int = typer.Argument(..., help="Version id."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Who the version newly affects against the one in force; exit 1 when anyone."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        found = service.get(session, who, version)
        shown = views.impact_out(session, found, service.newly_affected(session, found), language())
    if as_json:
        typer.echo(shown.model_dump_json())
    else:
        _hits(shown.newly_affected, False)
    if shown.newly_affected:
        raise typer.Exit(1)


@catalogue_app.command("publish")
@reports_domain_errors
def publish(
    version: int = typer.Argument(..., help="Draft version id."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Put a draft in force (the version in force before is superseded)."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        session.info["principal"] = who
        found = service.publish(session, who, Moment.of(context), version)
        shown = [views.version_out(session, found, language())]
    _versions(shown, as_json)


@catalogue_app.command("conflicts")
@reports_domain_errors
def conflicts(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Registered processes and products in conflict with the versions in force; exit 1
    when any is."""
    with cli_context() as context, context.unit_of_work() as session:
        who = acting(session, username)
        hits = service.current_conflicts(session, visible_organisations(session, who))
        shown = views.hit_outs(session, hits, language())
    _hits(shown, as_json)
    if shown:
        raise typer.Exit(1)


@catalogue_app.command("add-process")
@reports_domain_errors
def add_process(
    organisation: int = typer.Argument(..., help="Organisation id."),
    name: str = typer.Argument(..., help="Name of the process."),
    code: str | None = typer.Option(None, "--process-code", help="Key-process code (P03)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Register a production process an enterprise runs."""
    with acting_as(username, writes=True) as run:
        session, who = run.session, run.who
        row = service.register_process(
            session, who, organisation_id=organisation, name=name, process_code=code
        )
        shown = views.process_outs(session, [row])
    if as_json:
        typer.echo(json.dumps([p.model_dump() for p in shown], ensure_ascii=False))
        return
    for p in shown:
        typer.echo(f"#{p.id} {p.organisation}: {p.name} {p.process_code or ''}".rstrip())
