"""``hazwatch supervision credit|dishonesty|points|grades|codes|code|rules|plan…``: credit and
points, graded supervision and safety codes (issue 15 items 2, 4, 5) from the command line.

Each command runs as a named user (``--as``, default: the system), so a street regulator
sees its street and the district its district; ``--json`` prints JSON alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar, overload

import typer
from pydantic import BaseModel

from hazwatch.cli.common import fail, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, Acting, acting_as
from hazwatch.core.i18n import translate
from hazwatch.supervision import codes, credit, grading, rating_views, rules
from hazwatch.supervision.choices import CodeSubject, RuleKind
from hazwatch.supervision.models import RuleSet
from hazwatch.supervision.responsibility import ensure_regulator
from hazwatch.supervision.schemas import CreditOut, GradeOut, PlanOut

DAY = typer.Option(None, "--on", help="The day (YYYY-MM-DD; default today).")
SOURCE = typer.Option(..., "--source", help="The document it rests on.")
PERSON = typer.Option("", "--person", help="Its principal or safety officer (by name).")
ORGANISATION = typer.Argument(..., help="Organisation id.")
Row = TypeVar("Row")


@dataclass(frozen=True)
class Against:
    """What every record against an organisation gives on the command line: whom, the
    document it rests on, the person concerned, the day (default today) and how it runs."""

    organisation: int
    source: str
    person: str
    day: str | None
    username: str | None
    as_json: bool


def record_against(
    against: Against,
    service: Callable[..., Row],
    day_field: str,
    show: Callable[[Acting, Row], BaseModel],
    line: Callable[[Any], str],
    **details: object,
) -> None:
    """Call ``service`` (a credit record, a listing, points) in one unit of work as the user of
    ``--as`` with the organisation, source, person and day (passed as ``day_field``) and
    ``details``; then show the stored row as a line or JSON."""
    with acting_as(against.username, writes=True) as run:
        row = service(
            run.session,
            run.who,
            run.now,
            organisation_id=against.organisation,
            source=against.source,
            person=against.person,
            **{day_field: day_of(against.day, run.today)},
            **details,
        )
        shown = show(run, row)
    emit(shown, against.as_json, line)


def emit(shown: Sequence[BaseModel] | BaseModel, as_json: bool, line: Callable[[Any], str]) -> None:
    if as_json:
        payload = (
            shown.model_dump(mode="json")
            if isinstance(shown, BaseModel)
            else [s.model_dump(mode="json") for s in shown]
        )
        typer.echo(json.dumps(payload, ensure_ascii=False))
        return
    for one in [shown] if isinstance(shown, BaseModel) else shown:
        typer.echo(line(one))


@overload
def day_of(text: str | None, default: date) -> date: ...
@overload
def day_of(text: str | None, default: None) -> date | None: ...
def day_of(text: str | None, default: date | None) -> date | None:
    """A day given as ``YYYY-MM-DD`` (exit 2 when it is not one), else ``default``."""
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail("request.not_a_time") from None


def score_of(text: str) -> Decimal:
    """A score as typed (the service checks its range); exit 2 when it is not a number."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise fail("supervision.grade.score_range") from None
    if not value.is_finite():
        raise fail("supervision.grade.score_range")
    return value


def graded_line(one: GradeOut) -> str:
    who = f"{one.name} {one.person}".strip()
    reasons = "; ".join(r.text for r in one.reasons) or "-"
    return f"{one.label:<10} {who}: {reasons}"


def _plan_line(plan: PlanOut) -> str:
    return translate(
        "web.rating.plan_summary",
        language(),
        year=plan.year,
        seed=plan.seed,
        total=plan.total,
        done=plan.done,
        overdue=plan.overdue,
    )


@reports_domain_errors
def credit_command(
    organisation: int | None = typer.Option(None, "--org", help="Only this organisation."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Credit records (good and bad) with their sources."""
    with acting_as(username) as run:
        session, who = run.session, run.who
        shown = [
            CreditOut.model_validate(r) for r in credit.list_credit(session, who, organisation)
        ]
    emit(
        shown,
        as_json,
        lambda r: f"{r.occurred_on} {r.kind.label(language())} {r.title} ({r.source})",
    )


@reports_domain_errors
def dishonesty_command(
    include_ended: bool = typer.Option(False, "--all", help="Also removed and ended entries."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The serious-dishonesty list (MEM Order 11 of 2023)."""
    with acting_as(username) as run:
        session, who, today = run.session, run.who, run.today
        found = credit.list_listings(session, who, include_ended=include_ended, today=today)
        shown = rating_views.listing_outs(session, found, today, language())
    emit(
        shown,
        as_json,
        lambda r: (
            f"#{r.id} {r.organisation} {r.person} {r.listed_on}→{r.ends_on} "
            f"[{r.state_label}] {r.reason} ({r.source})"
        ),
    )


@reports_domain_errors
def points_command(
    totals: bool = typer.Option(False, "--totals", help="This cycle's totals and thresholds."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Points recorded; with ``--totals`` each party's total this year, exit 1 when an
    interview or re-examination is due."""
    with acting_as(username) as run:
        session, who, today = run.session, run.who, run.today
        if totals:
            sums = rating_views.points_totals(session, who, today)
        else:
            shown = rating_views.points_outs(session, credit.list_points(session, who), language())
    if not totals:
        emit(
            shown,
            as_json,
            lambda p: (
                f"#{p.id} {p.occurred_on} {p.organisation} {p.person} +{p.points} "
                f"{p.event_label} [{p.state_label}]"
            ),
        )
        return
    emit(
        sums,
        as_json,
        lambda t: f"{t.organisation} {t.person} {t.points} ({t.interview_at}/{t.reexamine_at})",
    )
    if any(t.interview_due for t in sums):
        raise typer.Exit(1)


@reports_domain_errors
def record_points_command(
    organisation: int = ORGANISATION,
    event: str = typer.Argument(..., help="Event of the points table in force."),
    source: str = SOURCE,
    person: str = PERSON,
    day: str | None = DAY,
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Record points for an event (audited)."""
    record_against(
        Against(organisation, source, person, day, username, as_json),
        credit.record_points,
        "occurred_on",
        lambda run, row: rating_views.points_outs(run.session, [row], language())[0],
        lambda p: f"#{p.id} {p.organisation} +{p.points} {p.event_label}",
        event=event,
    )


@reports_domain_errors
def grades_command(
    parks: bool = typer.Option(False, "--parks", help="Parks by the park risk guide."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Grades A–D with their reasons and inspections a year (or the parks' classes)."""
    with acting_as(username) as run:
        session, who, now, today = run.session, run.who, run.now, run.today
        outs = rating_views.park_grade_outs if parks else rating_views.grade_outs
        shown = outs(session, who, now, today, language())
    emit(shown, as_json, graded_line)


@reports_domain_errors
def codes_command(
    refresh: bool = typer.Option(False, "--refresh", help="Record changed codes first."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Safety codes of the parks, enterprises and people in view; exit 1 when any is red."""
    with acting_as(username, writes=True) as run:
        session, who, now, today = run.session, run.who, run.now, run.today
        if refresh:
            ensure_regulator(who)
            codes.refresh(session, now, today)
        shown = [
            rating_views.code_out(c, language()) for c in codes.compute(session, who, now, today)
        ]
    emit(shown, as_json, graded_line)
    if any(c.level == "red" for c in shown):
        raise typer.Exit(1)


@reports_domain_errors
def code_command(
    subject: CodeSubject = typer.Argument(..., help="park, enterprise or person."),
    ident: int = typer.Argument(..., help="Organisation id (park: jurisdiction id)."),
    person: str = typer.Option("", "--person", help="The person's name (subject person)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """One safety code with its reasons and history; exit 1 when it is red."""
    with acting_as(username) as run:
        session, who, now, today = run.session, run.who, run.now, run.today
        code = codes.find(session, who, now, today, subject, ident, person)
        path = rating_views.code_page_path(code)
        url = (run.context.settings.public_url or "").rstrip("/") + path
        shown = rating_views.code_detail(code, codes.history(session, code), language(), url)
    emit(shown, as_json, graded_line)
    if not as_json:
        for row in shown.history:
            typer.echo(f"  {row.at:%Y-%m-%d %H:%M} {row.label}")
    if shown.level == "red":
        raise typer.Exit(1)


@reports_domain_errors
def rules_command(
    kind: RuleKind = typer.Argument(..., help="Which rules."),
    jurisdiction: int | None = typer.Option(
        None, "--jurisdiction", help="Where (default: defaults)."
    ),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The rules of a kind in force in a jurisdiction: a stored version or the defaults,
    each boundary with its source."""
    with acting_as(username) as run:
        session, who = run.session, run.who
        found = rules.in_force(session, kind, jurisdiction)
        row = rules.get_version(session, who, found.id) if found.id is not None else None
        shown = rating_views.rule_set_out(row, found)
    if as_json:
        typer.echo(json.dumps(shown.model_dump(mode="json"), ensure_ascii=False))
        return
    typer.secho(f"{kind.label(language())} v{shown.version} ({shown.basis})", bold=True)
    typer.echo(json.dumps(shown.body, ensure_ascii=False, indent=2))


@reports_domain_errors
def set_rules_command(
    kind: RuleKind = typer.Argument(..., help="Which rules."),
    jurisdiction: int = typer.Argument(..., help="Jurisdiction id."),
    file: Path = typer.Argument(..., help="The rules as JSON.", exists=True, dir_okay=False),
    preview_only: bool = typer.Option(False, "--preview", help="Show the effect, store nothing."),
    basis: str = typer.Option("", "--basis", help="What the version rests on."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Store a new version (refused with the reason when it does not parse or names an
    unknown input), or only preview it against today's data."""
    try:
        body = json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise fail("supervision.rules.does_not_parse", detail=str(file)) from None
    if not isinstance(body, dict):
        raise fail("supervision.rules.does_not_parse", detail=str(file))
    with acting_as(username, writes=True) as run:
        session, who, now, today = run.session, run.who, run.now, run.today
        if preview_only:
            changes = rating_views.preview(session, who, now, today, kind, body, language())
            emit(
                changes,
                as_json,
                lambda p: f"{p.name} {p.person} {p.current} → {p.previewed}".strip(),
            )
            return
        row: RuleSet = rules.create_version(
            session, who, now, kind, jurisdiction, body, basis=basis
        )
        shown = rating_views.rule_set_out(row)
    emit(shown, as_json, lambda r: f"{r.kind.label(language())} v{r.version}")


@reports_domain_errors
def plan_command(
    jurisdiction: int = typer.Argument(..., help="Jurisdiction id."),
    year: int = typer.Argument(..., help="Year."),
    inspectors: list[str] = typer.Option(..., "--inspector", "-i", help="Inspector (≥ 2)."),
    seed: int | None = typer.Option(None, "--seed", min=0, max=2**31 - 2, help="Redo a draw."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Make the yearly plan (双随机一公开): the seed is printed and recorded."""
    with acting_as(username, writes=True) as run:
        session, who, now, today = run.session, run.who, run.now, run.today
        plan = grading.make_plan(
            session,
            who,
            now,
            today,
            jurisdiction_id=jurisdiction,
            year=year,
            inspectors=inspectors,
            seed=seed,
        )
        shown = rating_views.plan_out(session, plan, today)
    emit(shown, as_json, _plan_line)


@reports_domain_errors
def plans_command(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Yearly plans with their progress; exit 1 when an inspection is overdue."""
    with acting_as(username) as run:
        session, who, today = run.session, run.who, run.today
        shown = [rating_views.plan_out(session, p, today) for p in grading.list_plans(session, who)]
    emit(shown, as_json, _plan_line)
    if any(p.overdue for p in shown):
        raise typer.Exit(1)


@reports_domain_errors
def plan_done_command(
    plan: int = typer.Argument(..., help="Plan id."),
    inspection: int = typer.Argument(..., help="Planned inspection id."),
    note: str = typer.Option("", "--note", "-m", help="What was found."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Record a planned inspection as done."""
    with acting_as(username, writes=True) as run:
        session, who, now = run.session, run.who, run.now
        grading.mark_done(session, who, now, plan, inspection, note)
        shown = rating_views.plan_out(
            session,
            grading.get_plan(session, who, plan),
            run.today,
        )
    emit(shown, as_json, _plan_line)


@reports_domain_errors
def listing_command(
    listing: int = typer.Argument(..., help="Entry of the serious-dishonesty list."),
    action: str = typer.Argument(..., help="request, grant, refuse or reinstate."),
    text: str = typer.Option("", "--text", "-m", help="The request, or why it was false."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Early removal: the listed party requests it (after 12 months), a regulator grants or
    refuses it; a removal resting on a false request is reinstated."""
    with acting_as(username, writes=True) as run:
        session, who, now, today = run.session, run.who, run.now, run.today
        if action == "request":
            credit.request_removal(session, who, now, today, listing, text)
        elif action in ("grant", "refuse"):
            credit.decide_removal(session, who, now, listing, grant=action == "grant")
        elif action == "reinstate":
            credit.reinstate(session, who, now, listing, text)
        else:
            raise fail("supervision.cli.listing_action", action=action)
        row = credit.get_listing(session, who, listing)
        shown = rating_views.listing_outs(session, [row], today, language())[0]
    emit(shown, as_json, lambda r: f"#{r.id} {r.organisation} [{r.state_label}]")


@reports_domain_errors
def profile_command(
    organisation: int = typer.Argument(..., help="Organisation id."),
    score: str | None = typer.Option(None, "--score", help="MEM 2018 diagnostic score."),
    direct_red: bool = typer.Option(False, "--direct-red", help="A direct-red case applies."),
    level: int = typer.Option(0, "--level", min=0, max=3, help="Standardisation 1-3, 0 none."),
    source: str = typer.Option("", "--source", help="The assessment it comes from."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Enter an enterprise's grading inputs; prints the grade they give."""
    value = score_of(score) if score is not None else None
    with acting_as(username, writes=True) as run:
        session, who, now, today = run.session, run.who, run.now, run.today
        grading.set_profile(
            session,
            who,
            now,
            organisation,
            diagnostic_score=value,
            direct_red=direct_red,
            standardisation_level=level,
            assessed_on=today,
            source=source,
        )
        shown = next(
            g
            for g in rating_views.grade_outs(session, who, now, today, language())
            if g.organisation_id == organisation
        )
    emit(shown, as_json, graded_line)


COMMANDS: dict[str, Callable[..., None]] = {
    "credit": credit_command,
    "dishonesty": dishonesty_command,
    "points": points_command,
    "points-record": record_points_command,
    "grades": grades_command,
    "codes": codes_command,
    "code": code_command,
    "rules": rules_command,
    "rules-set": set_rules_command,
    "plan": plan_command,
    "plans": plans_command,
    "plan-done": plan_done_command,
    "listing": listing_command,
    "profile": profile_command,
}


def register(group: typer.Typer) -> None:
    """Add the commands to ``hazwatch supervision``."""
    for name, command in COMMANDS.items():
        group.command(name)(command)
