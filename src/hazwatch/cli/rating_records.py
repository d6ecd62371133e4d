"""``hazwatch supervision credit-record|dishonesty-add|points-cancel|points-appeal|
points-decide|code-appeals|code-appeal|code-decide|park-score``: what a regulator records
about credit, points, safety codes and parks (issue 15 items 2, 4, 5), and what the coded
enterprise files against them, from the command line. Each change is audited as the user
of ``--as``; a refusal names its field and exits non-zero with nothing stored."""

from __future__ import annotations

from collections.abc import Callable

import typer

from hazwatch.cli.common import fail, language, reports_domain_errors
from hazwatch.cli.hazards import AS_JSON, AS_USER, Acting, acting_as
from hazwatch.cli.rating import (
    DAY,
    ORGANISATION,
    PERSON,
    SOURCE,
    Against,
    day_of,
    emit,
    graded_line,
    record_against,
    score_of,
)
from hazwatch.supervision import codes, credit, grading, point_triggers, rating_views
from hazwatch.supervision.choices import CancelVia, CodeColour, CodeSubject, CreditKind
from hazwatch.supervision.models import PointEvent
from hazwatch.supervision.responsibility import ensure_regulator
from hazwatch.supervision.schemas import CodeAppealOut, CreditOut, PointsOut


def _points_line(p: PointsOut) -> str:
    return f"#{p.id} {p.organisation} {p.person} +{p.points} {p.event_label} [{p.state_label}]"


def _appeal_line(a: CodeAppealOut) -> str:
    target = a.person or str(a.organisation_id or a.jurisdiction_id)
    return f"#{a.id} {a.subject.label(language())} {target} [{a.state_label}] {a.reason}"


@reports_domain_errors
def credit_record_command(
    organisation: int = ORGANISATION,
    kind: CreditKind = typer.Argument(..., help="good or bad."),
    title: str = typer.Argument(..., help="What happened."),
    source: str = SOURCE,
    person: str = PERSON,
    day: str | None = DAY,
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Record a good or bad credit record with its source."""
    record_against(
        Against(organisation, source, person, day, username, as_json),
        credit.record_credit,
        "occurred_on",
        lambda _run, row: CreditOut.model_validate(row),
        lambda r: f"#{r.id} {r.occurred_on} {r.kind.label(language())} {r.title}",
        kind=kind,
        title=title,
    )


@reports_domain_errors
def dishonesty_add_command(
    organisation: int = ORGANISATION,
    reason: str = typer.Option(..., "--reason", help="Why it is listed."),
    source: str = SOURCE,
    person: str = PERSON,
    day: str | None = DAY,
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """List a party on the serious-dishonesty list for 3 years (MEM Order 11 of 2023)."""
    record_against(
        Against(organisation, source, person, day, username, as_json),
        credit.list_entry,
        "listed_on",
        lambda run, row: rating_views.listing_outs(run.session, [row], run.today, language())[0],
        lambda r: f"#{r.id} {r.organisation} {r.listed_on}→{r.ends_on}",
        reason=reason,
    )


def _points_after(run: Acting, change: Callable[[], PointEvent], as_json: bool) -> None:
    """Make a change of points in ``run`` and show them as they now stand."""
    shown = rating_views.points_outs(run.session, [change()], language())[0]
    emit(shown, as_json, _points_line)


@reports_domain_errors
def points_cancel_command(
    point: int = typer.Argument(..., help="Points id."),
    training: int | None = typer.Option(None, "--training", help="A passed training record."),
    finding: int | None = typer.Option(None, "--finding", help="A closed hidden danger."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """销分: cancel points on the evidence of a passed training of the same person, or of a
    verified rectification (a closed hidden danger of the organisation)."""
    if (training is None) == (finding is None):
        raise fail("supervision.cli.cancel_evidence")
    via = CancelVia.TRAINING if training is not None else CancelVia.RECTIFICATION
    with acting_as(username, writes=True) as run:
        _points_after(
            run,
            lambda: credit.cancel_points(
                run.session,
                run.who,
                run.now,
                point,
                via=via,
                training_record_id=training,
                hazard_finding_id=finding,
            ),
            as_json,
        )


@reports_domain_errors
def points_appeal_command(
    point: int = typer.Argument(..., help="Points id."),
    reason: str = typer.Option(..., "--reason", help="Why the points are wrong."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The organisation appeals (申诉) points recorded against it or its people."""
    with acting_as(username, writes=True) as run:
        _points_after(
            run, lambda: credit.appeal_points(run.session, run.who, run.now, point, reason), as_json
        )


UPHOLD = typer.Option(..., "--uphold/--reject", help="Uphold the appeal, or reject it.")


@reports_domain_errors
def points_decide_command(
    point: int = typer.Argument(..., help="Points id."),
    uphold: bool = UPHOLD,
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """A regulator decides an appeal of points: upheld voids them, rejected they count."""
    with acting_as(username, writes=True) as run:
        _points_after(
            run,
            lambda: credit.decide_appeal(run.session, run.who, run.now, point, uphold=uphold),
            as_json,
        )


@reports_domain_errors
def code_appeals_command(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Appeals of safety codes the caller sees; exit 1 while any is pending."""
    with acting_as(username) as run:
        shown = [
            rating_views.appeal_out(a, language()) for a in codes.list_appeals(run.session, run.who)
        ]
    emit(shown, as_json, _appeal_line)
    if any(a.state == "pending" for a in shown):
        raise typer.Exit(1)


@reports_domain_errors
def code_appeal_command(
    subject: CodeSubject = typer.Argument(..., help="park, enterprise or person."),
    ident: int = typer.Argument(..., help="Organisation id (park: jurisdiction id)."),
    reason: str = typer.Option(..., "--reason", help="Why the code is wrong."),
    person: str = typer.Option("", "--person", help="The person's name (subject person)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """The coded enterprise appeals its (or its person's) yellow or red code."""
    with acting_as(username, writes=True) as run:
        row = codes.file_appeal(
            run.session,
            run.who,
            run.now,
            run.today,
            subject=subject,
            ident=ident,
            reason=reason,
            person=person,
        )
        shown = rating_views.appeal_out(row, language())
    emit(shown, as_json, _appeal_line)


@reports_domain_errors
def code_decide_command(
    appeal: int = typer.Argument(..., help="Appeal id."),
    uphold: bool = UPHOLD,
    note: str = typer.Option(..., "--note", "-m", help="Why (recorded either way)."),
    colour: CodeColour | None = typer.Option(None, "--colour", help="Colour while upheld."),
    until: str | None = typer.Option(None, "--until", help="Upheld until (default 30 days)."),
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """A regulator upholds a code appeal (one colour better by default) or rejects it."""
    with acting_as(username, writes=True) as run:
        row = codes.decide_appeal(
            run.session,
            run.who,
            run.now,
            run.today,
            appeal,
            uphold=uphold,
            note=note,
            colour=colour,
            until=day_of(until, None),
        )
        shown = rating_views.appeal_out(row, language())
    emit(shown, as_json, _appeal_line)


@reports_domain_errors
def park_score_command(
    park: int = typer.Argument(..., help="Park (jurisdiction) id."),
    score: str = typer.Argument(..., help="Score 0-100 by the park risk guide."),
    source: str = SOURCE,
    day: str | None = DAY,
    username: str | None = AS_USER,
    as_json: bool = AS_JSON,
) -> None:
    """Enter a park's score (应急〔2019〕78号); prints the park's class it gives."""
    value = score_of(score)
    with acting_as(username, writes=True) as run:
        grading.assess_park(
            run.session,
            run.who,
            run.now,
            park,
            score=value,
            assessed_on=day_of(day, run.today),
            source=source,
        )
        shown = next(
            g
            for g in rating_views.park_grade_outs(
                run.session, run.who, run.now, run.today, language()
            )
            if g.park_id == park
        )
    emit(shown, as_json, graded_line)


@reports_domain_errors
def points_scan_command(username: str | None = AS_USER, as_json: bool = AS_JSON) -> None:
    """Record now the points the platform's own records give (overdue hidden dangers, late
    alarm responses, fatal accidents); prints those recorded. Idempotent."""
    with acting_as(username, writes=True) as run:
        ensure_regulator(run.who)
        found = point_triggers.scan(run.session, run.now, run.context.settings.timezone)
        shown = rating_views.points_outs(
            run.session, credit.visible_to(run.session, run.who, found), language()
        )
    emit(shown, as_json, _points_line)


COMMANDS: dict[str, Callable[..., None]] = {
    "credit-record": credit_record_command,
    "dishonesty-add": dishonesty_add_command,
    "points-cancel": points_cancel_command,
    "points-appeal": points_appeal_command,
    "points-decide": points_decide_command,
    "code-appeals": code_appeals_command,
    "code-appeal": code_appeal_command,
    "code-decide": code_decide_command,
    "park-score": park_score_command,
    "points-scan": points_scan_command,
}


def register(group: typer.Typer) -> None:
    """Add the commands to ``hazwatch supervision``."""
    for name, command in COMMANDS.items():
        group.command(name)(command)
