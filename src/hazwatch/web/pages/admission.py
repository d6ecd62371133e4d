"""Admission review: each hazardous-chemical construction project in the person's area (or
under its department's review) with its computed 两重点一重大 flags, every department's
opinion and deadline, and the form a department gives its opinion with (or the lead
department its decision). An applicant (or a regulator for one of its area) drafts a new
project here with its key processes, location and a first planned holding, and adds planned
units to a draft; a regulator opens the joint review of a draft (lead and other departments)."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from sqlalchemy import select

from hazwatch.chemicals import service as chemicals
from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.errors import DomainError
from hazwatch.district.admission import processes, service, views
from hazwatch.district.admission.choices import ProjectState, ReviewVerdict
from hazwatch.district.admission.schemas import HoldingsIn, OpenReviewIn, ProjectIn, ProjectOut
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.choices import OrganisationKind
from hazwatch.registry.models import Organisation
from hazwatch.registry.scope import Tenancy
from hazwatch.registry.service import validate_input
from hazwatch.web import registry_form, session, state
from hazwatch.web.forms import clear_errors, show_error
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, label, language, local_time
from hazwatch.web.widgets import badge

PATH = "/district/admission"


def _lines(text: object) -> list[str]:
    return [line for line in str(text or "").splitlines() if line.strip()]


def _usable_chemicals(db: Any, who: Principal) -> dict[int, str]:
    return {
        c.id: f"{c.name}（{c.cas}）" if c.cas else c.name
        for c in chemicals.list_chemicals(db, who, limit=2000)
    }


def _departments(db: Any, who: Principal) -> dict[int, str]:
    """The departments a review may name: the regulators the person sees (the service checks
    each again)."""
    visible = registry_form.options(db, who, "organisations")
    kept = set(
        db.scalars(
            select(Organisation.id).where(
                Organisation.id.in_(visible), Organisation.kind == OrganisationKind.REGULATOR
            )
        )
    )
    return {k: v for k, v in visible.items() if k in kept}


def _draft_form() -> None:
    """A new project draft for an applicant the person may write for. The form carries one
    planned holding (unit, chemical, design maximum): enough for the major-hazard flag to be
    computed at once; more units go in through the API's holdings."""
    who = session.principal()
    assert who is not None
    context = state.context()
    with context.unit_of_work(who) as db:
        _own_departments, applicants = registry_form.writable_by_kind(db, who)
        usable = _usable_chemicals(db, who)
    if not applicants:
        return
    holding: dict[str, Any] = {}

    def more() -> dict[str, Any]:
        ui.label(_t("web.admission.first_holding")).classes("text-caption q-mt-sm")
        with ui.row().classes("w-full gap-2 no-wrap"):
            holding["unit"] = ui.input(_t("web.admission.holding_unit")).props(
                "data-testid=field-holding-unit"
            )
            holding["chemical_id"] = (
                ui.select(usable, label=_t("web.admission.holding_chemical"), with_input=True)
                .classes("min-w-[12rem]")
                .props("data-testid=field-holding-chemical")
            )
            holding["design_max_t"] = ui.input(_t("web.admission.holding_tonnes")).props(
                "inputmode=decimal data-testid=field-holding-tonnes"
            )
        return {f"holdings.0.{name}": element for name, element in holding.items()}

    def extra() -> dict[str, Any]:
        values = {name: element.value for name, element in holding.items()}
        if not any(value not in (None, "") for value in values.values()):
            return {"holdings": []}
        return {"holdings": [values]}

    registry_form.create_card(
        "web.admission.new_project",
        ProjectIn,
        lambda db, current, data: service.create_project(
            db,
            current,
            Moment.of(context),
            **data.model_dump(exclude={"holdings"}),
            holdings=views.planned_items(data.holdings),
        ),
        path=PATH,
        testid="project-form",
        values={"organisation_id": next(iter(applicants)), "key_processes": []},
        references={
            "organisation_id": applicants,
            "key_processes": {
                code: f"{code} {processes.name_of(code, language())}"
                for code in processes.KEY_PROCESSES
            },
        },
        skip=("holdings",),
        more=more,
        extra=extra,
    )


@ui.page(PATH)
def admission_page() -> None:
    who = session.require(PATH)
    if who is None:
        return
    frame("web.nav.admission", who)
    context = state.context()

    def flags(p: ProjectOut) -> None:
        with ui.row().classes("items-center gap-2"):
            for process in p.flags.key_processes:
                badge(_t("web.admission.key_process", name=process.name), "orange", "flag-process")
            for name in p.flags.key_chemicals:
                badge(_t("web.admission.key_chemical", name=name), "orange", "flag-chemical")
            if p.flags.major_hazard:
                badge(_t("web.admission.major_hazard"), "red", "flag-major-hazard")
        for unit in p.flags.units:
            ui.label(
                _t(
                    "web.admission.unit",
                    unit=unit.unit,
                    s=unit.s,
                    verdict=_t(
                        "web.admission.is_major" if unit.major_hazard else "web.admission.not_major"
                    ),
                )
            ).classes("text-body2").props(f"data-testid=unit-{unit.unit}")

    def opinion_form(p: ProjectOut, department_id: int) -> None:
        with ui.row().classes("items-start gap-2").props(f"data-testid=opinion-form-{p.id}"):
            fields = {
                "verdict": ui.select(
                    {v.value: label(v) for v in ReviewVerdict if v is not ReviewVerdict.PENDING},
                    label=_t("web.admission.verdict"),
                ).props("data-testid=field-verdict"),
                "opinion": ui.input(_t("web.admission.opinion")).props("data-testid=field-opinion"),
                "conditions": ui.textarea(_t("web.admission.conditions")).props(
                    "data-testid=field-conditions"
                ),
            }

            def give() -> None:
                clear_errors(fields)
                try:
                    with context.unit_of_work(who) as db:
                        service.give_opinion(
                            db,
                            who,
                            Moment.of(context),
                            p.id,
                            department_id,
                            verdict=ReviewVerdict(fields["verdict"].value or "pending"),
                            opinion=str(fields["opinion"].value or ""),
                            conditions=_lines(fields["conditions"].value),
                        )
                except DomainError as exc:
                    show_error(exc, fields)
                    return
                listing.refresh()

            ui.button(_t("web.admission.give"), on_click=give).props(
                f"data-testid=give-opinion-{p.id}"
            )

    def decision_form(p: ProjectOut) -> None:
        with ui.row().classes("items-start gap-2").props(f"data-testid=decision-form-{p.id}"):
            decided = (ProjectState.APPROVED, ProjectState.CONDITIONAL, ProjectState.REJECTED)
            fields = {
                "decision": ui.select(
                    {s.value: label(s) for s in decided}, label=_t("web.admission.decision")
                ).props("data-testid=field-decision"),
                "note": ui.input(_t("web.admission.note")).props("data-testid=field-note"),
                "conditions": ui.textarea(_t("web.admission.conditions")).props(
                    "data-testid=field-decision-conditions"
                ),
            }

            def decide() -> None:
                clear_errors(fields)
                try:
                    with context.unit_of_work(who) as db:
                        service.decide(
                            db,
                            who,
                            Moment.of(context),
                            p.id,
                            decision=ProjectState(fields["decision"].value or "under_review"),
                            conditions=_lines(fields["conditions"].value),
                            note=str(fields["note"].value or ""),
                        )
                except DomainError as exc:
                    show_error(exc, fields)
                    return
                listing.refresh()

            ui.button(_t("web.admission.decide"), on_click=decide).props(
                f"data-testid=decide-{p.id}"
            )

    def holding_form(p: ProjectOut, usable: dict[int, str]) -> None:
        """One more planned unit for a draft: the draft's inventory is replaced by what it had
        plus this line, so the major-hazard flag is computed again at once."""
        index = len(p.holdings)
        with ui.row().classes("items-start gap-2 w-full").props(f"data-testid=holding-form-{p.id}"):
            fields: dict[str, Any] = {
                "unit": ui.input(_t("web.admission.holding_unit")).props(
                    "data-testid=field-holding-unit"
                ),
                "chemical_id": ui.select(
                    usable, label=_t("web.admission.holding_chemical"), with_input=True
                )
                .classes("min-w-[12rem]")
                .props("data-testid=field-holding-chemical"),
                "design_max_t": ui.input(_t("web.admission.holding_tonnes")).props(
                    "inputmode=decimal data-testid=field-holding-tonnes"
                ),
            }
            shown = {f"holdings.{index}.{name}": element for name, element in fields.items()}

            def add() -> None:
                clear_errors(shown)
                kept = [
                    {"unit": h.unit, "chemical_id": h.chemical_id, "design_max_t": h.design_max_t}
                    for h in p.holdings
                ]
                new = {name: element.value for name, element in fields.items()}
                try:
                    body = validate_input(HoldingsIn, {"holdings": [*kept, new]})
                    with context.unit_of_work(who) as db:
                        service.set_holdings(db, who, p.id, views.planned_items(body.holdings))
                except DomainError as exc:
                    show_error(exc, shown)
                    return
                listing.refresh()

            ui.button(_t("web.admission.add_holding"), on_click=add).props(
                f"data-testid=add-holding-{p.id}"
            )

    def review_form(p: ProjectOut, me: Principal, departments: dict[int, str]) -> None:
        """A regulator opens the joint review of a draft: the lead department (its own, to
        start with) and the others each owe an opinion by the working-day deadline."""

        def opened(_project: Any) -> None:
            listing.refresh()

        with (
            ui.expansion(_t("web.admission.open_review"), icon="gavel")
            .classes("w-full")
            .props(f"data-testid=open-review-{p.id}")
        ):
            registry_form.schema_card(
                "web.admission.open_review",
                OpenReviewIn,
                lambda db, current, data: service.open_review(
                    db, current, Moment.of(context), p.id, **data.model_dump()
                ),
                opened,
                path=PATH,
                testid=f"review-form-{p.id}",
                values={
                    "lead_department_id": me.organisation_id
                    if me.organisation_id in departments
                    else None,
                    "department_ids": [],
                },
                references={"lead_department_id": departments, "department_ids": departments},
                button_key="web.admission.start_review",
            )

    def card(
        p: ProjectOut,
        me: Principal,
        drafting: bool = False,
        departments: dict[int, str] | None = None,
        usable: dict[int, str] | None = None,
    ) -> None:
        with ui.card().classes("w-full gap-1").props(f"data-testid=project-{p.id}"):
            with ui.row().classes("items-center gap-2"):
                ui.label(f"{p.name} · {p.applicant}").classes("text-subtitle1")
                badge(p.state_label, ProjectState(p.state).colour, "project-state")
                if p.decision_overdue:
                    badge(_t("web.admission.overdue"), "red", "decision-overdue")
            if p.due_at is not None:
                ui.label(
                    _t(
                        "web.admission.lead",
                        lead=p.lead_department or "-",
                        due=local_time(p.due_at, "%Y-%m-%d"),
                    )
                ).classes("text-body2")
            flags(p)
            for o in p.opinions:
                with (
                    ui.row()
                    .classes("items-center gap-2")
                    .props(f"data-testid=opinion-{o.department_id}")
                ):
                    ui.label(o.department)
                    badge(o.verdict_label, ReviewVerdict(o.verdict).colour, "opinion-verdict")
                    if o.overdue:
                        badge(_t("web.admission.overdue"), "red", "opinion-overdue")
                    ui.label(
                        _t("web.admission.due", due=local_time(o.due_at, "%Y-%m-%d"))
                        if o.verdict == ReviewVerdict.PENDING
                        else "；".join([o.opinion, *o.conditions])
                    ).classes("text-body2")
            if p.conditions:
                ui.label(_t("web.admission.carried", conditions="；".join(p.conditions))).classes(
                    "text-body2"
                ).props("data-testid=project-conditions")
            if drafting:
                holding_form(p, usable or {})
                if me.role in (Role.REGULATOR, Role.PLATFORM_ADMIN):
                    review_form(p, me, departments or {})
            if p.state != ProjectState.UNDER_REVIEW or me.role is not Role.REGULATOR:
                return
            owed = next(
                (
                    o
                    for o in p.opinions
                    if o.department_id == me.organisation_id and o.verdict == ReviewVerdict.PENDING
                ),
                None,
            )
            if owed is not None:
                opinion_form(p, owed.department_id)
            elif p.lead_department_id == me.organisation_id and all(
                o.verdict != ReviewVerdict.PENDING for o in p.opinions
            ):
                decision_form(p)

    @ui.refreshable
    def listing() -> None:
        with context.unit_of_work(who) as db:
            shown = views.project_outs(
                db, service.list_projects(db, who), context.clock.now(), language()
            )
            tenancy = Tenancy(db, who)
            drafts = {
                p.id
                for p in shown
                if p.state == ProjectState.DRAFT
                and who.can_edit
                and tenancy.may_write(p.organisation_id)
            }
            departments = _departments(db, who) if drafts else {}
            usable = _usable_chemicals(db, who) if drafts else {}
        if not shown:
            ui.label(_t("web.admission.none")).classes("text-body1")
        for p in shown:
            card(p, who, p.id in drafts, departments, usable)

    listing()
    _draft_form()
