"""Service administration: serve, database migrations, users, audit verification."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from hazwatch.chemicals.seed import seed_catalogue
from hazwatch.cli.common import cli_context, fail, language, reports_domain_errors
from hazwatch.core import exposure, migrate
from hazwatch.core.audit import service as audit
from hazwatch.core.auth import service as auth
from hazwatch.core.auth.roles import Role
from hazwatch.core.i18n import translate
from hazwatch.core.settings import get_settings

db_app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)
users_app = typer.Typer(help="User accounts.", no_args_is_help=True)
audit_app = typer.Typer(help="Audit trail.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(db_app, name="db")
    app.add_typer(users_app, name="users")
    app.add_typer(audit_app, name="audit")


def serve(
    host: str | None = typer.Option(None, help="Interface to bind (default from settings)."),
    port: int | None = typer.Option(None, help="Port (default from settings)."),
    migrate_first: bool = typer.Option(True, "--migrate/--no-migrate", help="Upgrade the schema."),
) -> None:
    """Start the API, the web console and the ingest engine."""
    import uvicorn

    from hazwatch.api.app import create_app
    from hazwatch.core.context import build_context

    settings = get_settings()
    if migrate_first:
        migrate.upgrade(settings.effective_database_url)
        seed_reference_data()
    context = build_context(settings)
    bind_host = host or settings.host
    bind_port = port or settings.port
    with context.unit_of_work() as session:
        exposed = exposure.warnings(settings, bind_host, session)
    for key, params in exposed:  # standard error: the service's log under systemd or make run
        typer.secho(translate(key, language(), **params), err=True, fg=typer.colors.YELLOW)
    typer.secho(
        translate("cli.serve.listening", language(), url=f"http://{bind_host}:{bind_port}/"),
        fg=typer.colors.GREEN,
    )
    uvicorn.run(create_app(context), host=bind_host, port=bind_port, log_level="warning")


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    settings = get_settings()
    migrate.upgrade(settings.effective_database_url, revision)
    typer.echo(translate("cli.db.upgraded", language(), revision=revision))
    if revision == "head":
        typer.echo(translate("cli.db.seeded", language(), count=seed_reference_data()))


def seed_reference_data() -> int:
    """What every install needs besides its schema, added or completed through the audit
    log like any change: the platform chemical catalogue (GB 18218-2018 with its flags).
    Returns how many entries were added or completed."""
    with cli_context() as context, context.unit_of_work() as session:
        return seed_catalogue(session)


@db_app.command("check")
def db_check() -> None:
    """Fail when the models and the migrated schema disagree."""
    with cli_context() as context:
        differences = migrate.pending_differences(context.engine)
    if differences:
        for difference in differences:
            typer.echo(repr(difference), err=True)
        raise fail("cli.db.drift", 1, count=len(differences))
    typer.echo(translate("cli.db.in_sync", language()))


@users_app.command("create")
@reports_domain_errors
def users_create(
    username: str,
    role: Role = typer.Option(..., help="Role of the new user."),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, envvar="HAZWATCH_PASSWORD"
    ),
    organisation_id: int | None = typer.Option(None, "--organisation", help="Organisation id."),
    jurisdiction_id: int | None = typer.Option(None, "--jurisdiction", help="Jurisdiction id."),
    display_name: str = typer.Option("", help="Name shown in the console."),
    user_language: str = typer.Option("zh_CN", "--language", help="zh_CN or en."),
) -> None:
    """Create a user account."""
    with cli_context() as context, context.unit_of_work() as session:
        user = auth.create_user(
            session,
            username=username,
            password=password,
            role=role,
            organisation_id=organisation_id,
            jurisdiction_id=jurisdiction_id,
            display_name=display_name,
            language=user_language,
        )
        typer.echo(translate("cli.users.created", language(), username=user.username, id=user.id))


@audit_app.command("verify")
def audit_verify(
    anchor: Path | None = typer.Option(
        None,
        "--anchor",
        help="A head exported earlier by 'hazwatch audit anchor': the chain must still hold it.",
        exists=True,
        dir_okay=False,
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Recompute the audit hash chain; exit 1 if any entry was altered or removed, or the
    chain no longer holds its anchor (rolled back or rewritten). Prints the head to keep."""
    expected = None
    if anchor is not None:
        try:
            expected = audit.Head.from_json(json.loads(anchor.read_text(encoding="utf-8")))
        except (ValueError, UnicodeDecodeError) as exc:
            raise fail("audit.anchor.invalid", 2, path=str(anchor)) from exc
    with cli_context() as context, context.unit_of_work() as session:
        report = audit.verify(session, expected)
    head = report.head
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "ok": report.ok,
                    "entries": report.entries,
                    "first_bad_id": report.first_bad_id,
                    "reason": report.reason,
                    "head": head.as_json() if head else None,
                }
            )
        )
        if not report.ok:
            raise typer.Exit(1)
        return
    if not report.ok:
        raise fail(report.reason or "audit.verify.failed", 1, id=report.first_bad_id)
    typer.echo(translate("audit.verify.ok", language(), entries=report.entries))
    if head is not None:
        typer.echo(translate("audit.verify.head", language(), id=head.id, hash=head.hash))


@audit_app.command("anchor")
def audit_anchor(
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Also write the anchor to this file.", dir_okay=False
    ),
) -> None:
    """Print the chain head (id, hash, count, time) as JSON, to keep outside this database:
    'hazwatch audit verify --anchor FILE' later reveals a rollback or a rewrite."""
    with cli_context() as context, context.unit_of_work() as session:
        head = audit.head(session)
    text = json.dumps(head.as_json())
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
    typer.echo(text)
