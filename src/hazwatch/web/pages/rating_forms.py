"""Console forms of credit, points, parks and rules (issue 15 items 2, 4, 5): what a
regulator records (a credit record, points, a serious-dishonesty listing and its early
removal or reinstatement, a park's score, a new version of rules after previewing it,
cancelling points or deciding their appeal) and what the enterprise files (an appeal of its
points, a request to leave the serious-dishonesty list early). The services check everything
again; a refusal is shown next to the field it names and nothing is stored."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from nicegui import ui
from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import local_date
from hazwatch.core.errors import DomainError, InvalidInput
from hazwatch.registry.models import Jurisdiction
from hazwatch.supervision import credit, grading, rating_views, rules
from hazwatch.supervision.choices import (
    CancelVia,
    CreditKind,
    ListingState,
    PointState,
    RuleKind,
)
from hazwatch.supervision.responsibility import visible_jurisdictions
from hazwatch.supervision.schemas import ListingOut, PlanOut, PointsOut
from hazwatch.web import state
from hazwatch.web.forms import clear_errors, show_error
from hazwatch.web.text import _t, language

Change = Callable[[Session, datetime, date], object]
Fields = dict[str, Any]


def may_record(who: Principal) -> bool:
    return who.role in (Role.REGULATOR, Role.PLATFORM_ADMIN)


def _day(fields: Fields, name: str) -> date:
    try:
        return date.fromisoformat(str(fields[name].value or ""))
    except ValueError:
        raise InvalidInput("request.not_a_time", field=name) from None


def _number(fields: Fields, name: str) -> Decimal:
    try:
        value = Decimal(str(fields[name].value or "").strip())
    except InvalidOperation:
        raise InvalidInput("supervision.grade.score_range", field=name) from None
    if not value.is_finite():
        raise InvalidInput("supervision.grade.score_range", field=name)
    return value


def _whole(fields: Fields, name: str) -> int | None:
    """A whole number typed in a field; None when left empty."""
    text = str(fields[name].value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput("supervision.web.whole_number", field=name)
    return int(text)


def names(people: list[str]) -> str:
    """People listed in the reader's language (、 in Chinese, commas in English)."""
    return _t("web.rating.name_separator").join(people)


def _text(fields: Fields, name: str) -> str:
    return str(fields[name].value or "")


def _run(who: Principal, fields: Fields, general: ui.label, change: Change) -> bool:
    """``change`` in one unit of work as ``who`` at the context's time; a refusal goes next
    to its field (or under the form) and nothing is stored."""
    clear_errors(fields, general)
    context = state.context()
    now = context.clock.now()
    try:
        with context.unit_of_work(who) as db:
            change(db, now, local_date(now, context.settings.timezone))
    except DomainError as exc:
        show_error(exc, fields, general)
        return False
    return True


def _save(who: Principal, fields: Fields, general: ui.label, change: Change) -> None:
    if _run(who, fields, general, change):
        ui.notify(_t("web.rating.saved"), type="positive")
        ui.navigate.reload()


def _save_button(
    who: Principal, fields: Fields, general: ui.label, testid: str, change: Change
) -> None:
    ui.button(_t("web.rating.save"), on_click=lambda: _save(who, fields, general, change)).props(
        f"data-testid={testid}"
    )


def _form(title: str, testid: str) -> ui.expansion:
    return ui.expansion(title, icon="edit_note").classes("w-full").props(f"data-testid={testid}")


def _general() -> ui.label:
    return ui.label("").classes("text-negative text-caption").props("data-testid=form-error")


def _date_input(key: str, today: date, testid: str) -> ui.input:
    return ui.input(_t(key), value=today.isoformat()).props(f"type=date data-testid={testid}")


def _wide(key: str, testid: str) -> ui.input:
    return ui.input(_t(key)).classes("w-full").props(f"data-testid={testid}")


def _organisation_select(organisations: dict[int, str]) -> ui.select:
    return (
        ui.select(organisations, label=_t("web.rating.organisation"))
        .classes("w-full")
        .props("data-testid=field-organisation")
    )


# -- the credit page ---------------------------------------------------------------------------


def credit_forms(who: Principal, organisations: dict[int, str], today: date) -> None:
    """A regulator records a credit record and lists a party on the serious-dishonesty list."""
    if not may_record(who):
        return
    lang = language()
    _against_form(
        who,
        organisations,
        today,
        name="credit",
        title="web.rating.record_credit",
        day_field="occurred_on",
        service=credit.record_credit,
        details=lambda: {
            "kind": ui.select(
                {k.value: k.label(lang) for k in CreditKind},
                label=_t("web.rating.kind"),
                value=CreditKind.BAD.value,
            ).props("data-testid=field-kind"),
            "title": _wide("web.rating.title", "field-title"),
        },
        values=lambda f: {"kind": CreditKind(f["kind"].value), "title": _text(f, "title")},
    )
    _against_form(
        who,
        organisations,
        today,
        name="listing",
        title="web.rating.list_dishonest",
        day_field="listed_on",
        service=credit.list_entry,
        details=lambda: {"reason": _wide("web.rating.reason", "field-reason")},
        values=lambda f: {"reason": _text(f, "reason")},
    )


def _against_form(
    who: Principal,
    organisations: dict[int, str],
    today: date,
    *,
    name: str,
    title: str,
    day_field: str,
    service: Callable[..., object],
    details: Callable[[], Fields],
    values: Callable[[Fields], dict[str, object]],
) -> None:
    """A form of what a regulator records against an organisation on a document and a day (a
    credit record, a listing, points): the organisation, the form's own ``details``, the source, the
    day (sent as ``day_field``) and the person; ``service`` stores it with ``values`` of the
    details. The three differ only in their details."""
    with _form(_t(title), f"{name}-form"):
        fields: Fields = {
            "organisation_id": _organisation_select(organisations),
            **details(),
            "source": _wide("web.rating.source", "field-source"),
            day_field: _date_input("web.rating.day", today, "field-day"),
            "person": ui.input(_t("web.rating.person")).props("data-testid=field-person"),
        }
        general = _general()

        def change(db: Session, now: datetime, _today: date) -> object:
            return service(
                db,
                who,
                now,
                organisation_id=int(fields["organisation_id"].value or 0),
                source=_text(fields, "source"),
                person=_text(fields, "person"),
                **{day_field: _day(fields, day_field)},
                **values(fields),
            )

        _save_button(who, fields, general, f"{name}-save", change)


def points_record_form(
    who: Principal, organisations: dict[int, str], today: date, events: dict[str, str]
) -> None:
    """A regulator records points for an event of the points table in force (记分): the
    organisation's own table decides the points, so an event it lacks is refused."""
    if not may_record(who) or not events:
        return
    _against_form(
        who,
        organisations,
        today,
        name="record-points",
        title="web.rating.record_points",
        day_field="occurred_on",
        service=credit.record_points,
        details=lambda: {
            "event": ui.select(events, label=_t("web.rating.event"))
            .classes("w-full")
            .props("data-testid=field-event")
        },
        values=lambda f: {"event": str(f["event"].value or "")},
    )


def listing_actions(who: Principal, entry: ListingOut, today: date) -> None:
    """Early removal from the serious-dishonesty list (MEM Order 11 of 2023): the listed party,
    or a regulator for it, asks once 12 months have passed; a regulator grants or refuses; a
    removal that rested on a false request is reinstated with the reason."""
    regulator = may_record(who)
    fields: Fields = {}

    def act(change: Change, testid: str, key: str) -> None:
        ui.button(_t(key), on_click=lambda: _save(who, fields, general, change)).props(
            f"data-testid={testid} flat dense"
        )

    state_now = ListingState(entry.state)
    if state_now == ListingState.LISTED and entry.active and today >= entry.earliest_removal:
        if regulator or who.organisation_id == entry.organisation_id:
            fields["request"] = _wide("web.rating.removal_request", "field-request")
            act(
                lambda db, now, day: credit.request_removal(
                    db, who, now, day, entry.id, _text(fields, "request")
                ),
                "removal-request",
                "web.rating.request_removal",
            )
    elif state_now == ListingState.REMOVAL_REQUESTED and regulator:
        with ui.row().classes("gap-2"):
            for grant, key in ((True, "grant"), (False, "refuse")):
                act(_removal_decider(who, entry.id, grant), f"removal-{key}", f"web.rating.{key}")
    elif state_now == ListingState.REMOVED and regulator:
        fields["reason"] = _wide("web.rating.reinstate_reason", "field-reinstate-reason")
        act(
            lambda db, now, _day: credit.reinstate(db, who, now, entry.id, _text(fields, "reason")),
            "reinstate",
            "web.rating.reinstate",
        )
    general = _general()


def _removal_decider(who: Principal, ident: int, grant: bool) -> Change:
    return lambda db, now, _day: credit.decide_removal(db, who, now, ident, grant=grant)


def points_form(who: Principal, events: list[PointsOut]) -> None:
    """One event of points: the enterprise appeals it; a regulator decides the appeal or
    cancels the points on the evidence of a passed training or a closed hidden danger."""
    open_ones = {
        e.id: f"#{e.id} {e.organisation} {e.person} +{e.points} {e.event_label} [{e.state_label}]"
        for e in events
        if e.state in (PointState.RECORDED, PointState.APPEALED)
    }
    if not open_ones:
        return
    regulator = may_record(who)
    with _form(_t("web.rating.points_action"), "points-form"):
        fields: Fields = {
            "point_id": ui.select(open_ones, label=_t("web.rating.point"))
            .classes("w-full")
            .props("data-testid=field-point"),
        }
        general = _general()

        def act(change: Callable[[Session, datetime, int], object]) -> Callable[[], None]:
            return lambda: _save(
                who,
                fields,
                general,
                lambda db, now, _today: change(db, now, int(fields["point_id"].value or 0)),
            )

        if not regulator:
            fields["reason"] = _wide("web.rating.reason", "field-reason")
            ui.button(
                _t("web.rating.appeal"),
                on_click=act(
                    lambda db, now, ident: credit.appeal_points(
                        db, who, now, ident, _text(fields, "reason")
                    )
                ),
            ).props("data-testid=points-appeal")
            return
        with ui.row().classes("gap-2"):
            for uphold, key in ((True, "uphold"), (False, "reject")):
                ui.button(
                    _t(f"web.rating.{key}"),
                    on_click=act(_decider(who, uphold)),
                ).props(f"data-testid=points-{key}")
        fields["training_record_id"] = ui.input(_t("web.rating.training_id")).props(
            "data-testid=field-training inputmode=numeric"
        )
        fields["hazard_finding_id"] = ui.input(_t("web.rating.finding_id")).props(
            "data-testid=field-finding inputmode=numeric"
        )
        ui.button(
            _t("web.rating.cancel_points"),
            on_click=act(lambda db, now, ident: _cancel(db, who, now, ident, fields)),
        ).props("data-testid=points-cancel")


def _decider(who: Principal, uphold: bool) -> Callable[[Session, datetime, int], object]:
    return lambda db, now, ident: credit.decide_appeal(db, who, now, ident, uphold=uphold)


def _cancel(db: Session, who: Principal, now: datetime, ident: int, fields: Fields) -> object:
    training = str(fields["training_record_id"].value or "").strip()
    finding = str(fields["hazard_finding_id"].value or "").strip()
    if bool(training) == bool(finding) or not (training or finding).isdigit():
        raise InvalidInput("supervision.web.cancel_evidence", field="hazard_finding_id")
    return credit.cancel_points(
        db,
        who,
        now,
        ident,
        via=CancelVia.TRAINING if training else CancelVia.RECTIFICATION,
        training_record_id=int(training) if training else None,
        hazard_finding_id=int(finding) if finding else None,
    )


# -- the grades page ---------------------------------------------------------------------------


def park_form(who: Principal, parks: dict[int, str], today: date) -> None:
    """A regulator enters a park's score by the park risk guide."""
    if not may_record(who) or not parks:
        return
    with _form(_t("web.rating.park_score"), "park-form"):
        fields: Fields = {
            "park_id": ui.select(parks, label=_t("web.rating.park"), value=next(iter(parks)))
            .classes("w-full")
            .props("data-testid=field-park"),
            "score": ui.input(_t("web.rating.score")).props(
                "data-testid=field-score inputmode=decimal"
            ),
            "source": _wide("web.rating.source", "field-source"),
            "assessed_on": _date_input("web.rating.day", today, "field-day"),
        }
        general = _general()

        def change(db: Session, now: datetime, _today: date) -> object:
            return grading.assess_park(
                db,
                who,
                now,
                int(fields["park_id"].value or 0),
                score=_number(fields, "score"),
                assessed_on=_day(fields, "assessed_on"),
                source=_text(fields, "source"),
            )

        _save_button(who, fields, general, "park-save", change)


def _body(fields: Fields) -> dict[str, Any]:
    try:
        body = json.loads(_text(fields, "body"))
    except ValueError as error:
        raise InvalidInput(
            "supervision.rules.does_not_parse", field="body", detail=str(error)
        ) from None
    if not isinstance(body, dict):
        raise InvalidInput("supervision.rules.does_not_parse", field="body", detail="{…}")
    return body


def jurisdictions(db: Session, who: Principal) -> dict[int, str]:
    """The jurisdictions the user sees, by id: where rules and plans are made."""
    visible = visible_jurisdictions(db, who)
    query = select(Jurisdiction).order_by(Jurisdiction.id)
    if visible is not None:
        query = query.where(Jurisdiction.id.in_(visible))
    return {j.id: j.name for j in db.scalars(query)}


def _home(who: Principal, places: dict[int, str]) -> int:
    return who.jurisdiction_id if who.jurisdiction_id in places else next(iter(places))


def rules_form(who: Principal, db: Session) -> None:
    """A new version of a jurisdiction's rules: the body in force to start from, a preview
    of what it would decide today, then saving it (refused with the reason when it does not
    parse or names an unknown input)."""
    if not may_record(who):
        return
    places = jurisdictions(db, who)
    if not places:
        return
    lang = language()
    start = _home(who, places)

    def in_force(kind: str, where: int | None) -> str:
        with state.context().unit_of_work(who) as session:
            found = rules.in_force(session, RuleKind(kind), where)
        body = found.rules.model_dump(mode="json", exclude_none=True)
        return json.dumps(body, ensure_ascii=False, indent=2)

    with _form(_t("web.rating.rules"), "rules-form"):
        fields: Fields = {}
        fields["kind"] = ui.select(
            {k.value: k.label(lang) for k in RuleKind},
            label=_t("web.rating.rule_kind"),
            value=RuleKind.ENTERPRISE_GRADE.value,
            on_change=lambda e: fields["body"].set_value(
                in_force(str(e.value), fields["jurisdiction_id"].value)
            ),
        ).props("data-testid=field-rule-kind")
        fields["jurisdiction_id"] = ui.select(
            places, label=_t("web.rating.jurisdiction"), value=start
        ).props("data-testid=field-jurisdiction")
        fields["body"] = (
            ui.textarea(
                _t("web.rating.body"), value=in_force(RuleKind.ENTERPRISE_GRADE.value, start)
            )
            .classes("w-full font-mono")
            .props("data-testid=field-body rows=12")
        )
        fields["basis"] = _wide("web.rating.basis", "field-basis")
        general = _general()
        preview = ui.column().classes("gap-0").props("data-testid=rules-preview")

        def show_preview() -> None:
            found: list[str] = []

            def change(db: Session, now: datetime, today: date) -> None:
                kind = RuleKind(fields["kind"].value)
                for one in rating_views.preview(db, who, now, today, kind, _body(fields), lang):
                    found.append(f"{one.name} {one.person} {one.current} → {one.previewed}")

            if not _run(who, fields, general, change):
                return
            preview.clear()
            with preview:
                for line in found or [_t("web.rating.no_change")]:
                    ui.label(line.replace("  ", " ")).classes("text-caption")

        def save_version(db: Session, now: datetime, _today: date) -> object:
            return rules.create_version(
                db,
                who,
                now,
                RuleKind(fields["kind"].value),
                int(fields["jurisdiction_id"].value or 0),
                _body(fields),
                basis=_text(fields, "basis"),
            )

        with ui.row().classes("gap-2"):
            ui.button(_t("web.rating.preview"), on_click=show_preview).props(
                "data-testid=rules-preview-button"
            )
            _save_button(who, fields, general, "rules-save", save_version)


def profile_form(who: Principal, organisations: dict[int, str], today: date) -> None:
    """A regulator enters an enterprise's grading inputs from the assessment they come from:
    the MEM 2018 diagnostic score (empty when not assessed), a direct-red case and the safety
    standardisation level; the grade below changes with them."""
    if not may_record(who) or not organisations:
        return
    levels = {0: _t("web.rating.level_none")} | {
        n: _t("web.rating.level", level=n) for n in (1, 2, 3)
    }
    with _form(_t("web.rating.profile"), "profile-form"):
        fields: Fields = {
            "organisation_id": _organisation_select(organisations),
            "diagnostic_score": ui.input(_t("web.rating.diagnostic_score")).props(
                "data-testid=field-diagnostic-score inputmode=decimal"
            ),
            "direct_red": ui.checkbox(_t("web.rating.direct_red")).props(
                "data-testid=field-direct-red"
            ),
            "standardisation_level": ui.select(
                levels, label=_t("web.rating.standardisation"), value=0
            ).props("data-testid=field-standardisation"),
            "source": _wide("web.rating.source", "field-source"),
            "assessed_on": _date_input("web.rating.day", today, "field-day"),
        }
        general = _general()

        def change(db: Session, now: datetime, _today: date) -> object:
            score = str(fields["diagnostic_score"].value or "").strip()
            return grading.set_profile(
                db,
                who,
                now,
                int(fields["organisation_id"].value or 0),
                diagnostic_score=_number(fields, "diagnostic_score") if score else None,
                direct_red=bool(fields["direct_red"].value),
                standardisation_level=int(fields["standardisation_level"].value or 0),
                assessed_on=_day(fields, "assessed_on"),
                source=_text(fields, "source"),
            )

        _save_button(who, fields, general, "profile-save", change)


def plan_form(who: Principal, places: dict[int, str], today: date) -> None:
    """The yearly inspection plan of a jurisdiction (双随机一公开): its inspectors (one a line,
    or separated by commas) and the seed of the draw (empty: a fresh random one, recorded so
    the draw can be repeated)."""
    if not may_record(who) or not places:
        return
    with _form(_t("web.rating.make_plan"), "plan-form"):
        fields: Fields = {
            "jurisdiction_id": ui.select(
                places, label=_t("web.rating.jurisdiction"), value=_home(who, places)
            ).props("data-testid=field-jurisdiction"),
            "year": ui.input(_t("web.rating.year"), value=str(today.year)).props(
                "data-testid=field-year inputmode=numeric"
            ),
            "inspectors": ui.textarea(_t("web.rating.inspectors"))
            .classes("w-full")
            .props("data-testid=field-inspectors rows=3"),
            "seed": ui.input(_t("web.rating.seed")).props(
                "data-testid=field-seed inputmode=numeric"
            ),
        }
        general = _general()

        def change(db: Session, now: datetime, day: date) -> object:
            year = _whole(fields, "year")
            if year is None:
                raise InvalidInput("supervision.plan.year", field="year")
            return grading.make_plan(
                db,
                who,
                now,
                day,
                jurisdiction_id=int(fields["jurisdiction_id"].value or 0),
                year=year,
                inspectors=re.split(r"[\n,，、;；]", _text(fields, "inspectors")),
                seed=_whole(fields, "seed"),
            )

        _save_button(who, fields, general, "plan-save", change)


def inspection_form(who: Principal, plans: list[PlanOut]) -> None:
    """A planned inspection reported done, with what was found: the plan is tracked to done."""
    open_ones = {
        f"{plan.id}:{item.id}": _t(
            "web.rating.planned",
            year=plan.year,
            month=item.month,
            organisation=item.organisation,
            inspectors=names(item.inspectors),
        )
        for plan in plans
        for item in plan.inspections
        if not item.done
    }
    if not may_record(who) or not open_ones:
        return
    with _form(_t("web.rating.inspection_done"), "inspection-form"):
        fields: Fields = {
            "inspection_id": ui.select(open_ones, label=_t("web.rating.inspection"))
            .classes("w-full")
            .props("data-testid=field-inspection"),
            "note": _wide("web.rating.inspection_note", "field-note"),
        }
        general = _general()

        def change(db: Session, now: datetime, _today: date) -> object:
            plan_id, _, item_id = str(fields["inspection_id"].value or "0:0").partition(":")
            return grading.mark_done(
                db, who, now, int(plan_id), int(item_id), _text(fields, "note")
            )

        _save_button(who, fields, general, "inspection-save", change)
