"""Emergency readiness: the organisation's plans (with review dates) and the form that adds
one, drills (planned, then held with what was learned; a held drill's findings become hidden
dangers) with their forms, the training matrix (lapsed qualifications in red, also as Excel)
and the equipment registry (SCBA sets open their check form; other items are checked here;
an item not ready shows its hidden danger)."""

from __future__ import annotations

from typing import Any

from nicegui import ui
from sqlalchemy.orm import Session

from hazwatch.api.inputs import given
from hazwatch.core.auth.roles import Principal
from hazwatch.core.clock import local_date
from hazwatch.core.errors import DomainError
from hazwatch.emergency.readiness import checks_ledger, matrix, service
from hazwatch.emergency.readiness.choices import DrillState, EquipmentKind, QualificationKind
from hazwatch.emergency.readiness.models import Drill, EmergencyPlan
from hazwatch.emergency.readiness.schemas import (
    DrillFindingIn,
    DrillIn,
    EquipmentIn,
    HoldIn,
    PlanIn,
    PlanPatch,
)
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.prevention.ledger import XLSX, workbook
from hazwatch.registry.scope import Tenancy
from hazwatch.registry.service import organisation_names
from hazwatch.web import registry_form, session, state
from hazwatch.web.forms import error_text
from hazwatch.web.layout import frame
from hazwatch.web.pages.hidden_dangers import print_ledger
from hazwatch.web.text import _t, label, language, local_time
from hazwatch.web.widgets import badge


@ui.page("/readiness")
def readiness_page() -> None:
    who = session.require("/readiness")
    if who is None:
        return
    frame("web.nav.readiness", who)
    context = state.context()
    today = local_date(context.clock.now(), context.settings.timezone)

    with context.unit_of_work(who) as db:
        plans = service.list_plans(db, who)
        drills = [(d, service.drill_findings(db, d.id)) for d in service.list_drills(db, who)]
        owners = registry_form.writable_organisations(db, who) if who.can_edit else {}
        sites = registry_form.writable_sites(db, who) if owners else {}
    ui.label(_t("web.readiness.plans")).classes("text-h6")
    for plan in plans:
        with ui.row().classes("items-center gap-2").props(f"data-testid=plan-{plan.id}"):
            ui.label(plan.title).classes("text-body1")
            if plan.version:
                ui.label(plan.version).classes("text-caption").props("data-testid=plan-version")
            ui.label(_t("web.readiness.review_due", date=plan.review_due.isoformat()))
            if plan.review_due < today:
                badge(_t("web.readiness.review_overdue"), "red", "review-overdue")
            if plan.organisation_id in owners:
                _plan_actions(plan, sites)
    if not plans:
        ui.label(_t("web.readiness.no_plan")).classes("text-negative")
    if owners:
        with (
            ui.expansion(_t("web.readiness.new_plan"), icon="add")
            .classes("w-full max-w-3xl")
            .props("data-testid=new-plan")
        ):
            registry_form.schema_card(
                "web.readiness.new_plan",
                PlanIn,
                lambda db, current, data: service.create_plan(
                    db, current, Moment.of(context), **data.model_dump()
                ),
                lambda _plan: ui.navigate.to("/readiness"),
                path="/readiness",
                testid="plan-form",
                values={"organisation_id": next(iter(owners))},
                references={"organisation_id": owners, "site_id": sites},
            )

    ui.label(_t("web.readiness.drills")).classes("text-h6")
    for drill, findings in drills:
        with ui.card().classes("w-full gap-1").props(f"data-testid=drill-{drill.id}"):
            with ui.row().classes("items-center gap-2"):
                ui.label(drill.title).classes("text-subtitle1")
                state_ = DrillState(drill.state)
                badge(label(state_), state_.colour, "drill-state")
                when = drill.held_at or drill.planned_for
                ui.label(local_time(when, "%Y-%m-%d %H:%M")).classes("text-caption")
            if drill.summary:
                ui.label(drill.summary).classes("text-body2")
            for finding in findings:
                ui.link(finding.text, f"/hidden-dangers/{finding.hidden_danger_id}").props(
                    "data-testid=drill-finding"
                )
            if drill.organisation_id in owners:
                _drill_step(drill)
    if owners:
        with (
            ui.expansion(_t("web.readiness.new_drill"), icon="add")
            .classes("w-full max-w-3xl")
            .props("data-testid=new-drill")
        ):
            registry_form.schema_card(
                "web.readiness.new_drill",
                DrillIn,
                lambda db, current, data: service.plan_drill(
                    db, current, Moment.of(context), **data.model_dump()
                ),
                lambda _drill: ui.navigate.to("/readiness"),
                path="/readiness",
                testid="drill-form",
                values={"organisation_id": next(iter(owners))},
                references={
                    "organisation_id": owners,
                    "site_id": sites,
                    "plan_id": {None: _t("web.registry.none")}
                    | {p.id: p.title for p in plans if p.organisation_id in owners},
                },
            )

    _matrix()
    _equipment()


def _plan_actions(plan: EmergencyPlan, sites: dict[int, str]) -> None:
    """Change a plan (a new version, its review date…) or withdraw it (kept for the audit
    and the drills that name it)."""
    context = state.context()
    with ui.expansion(_t("web.readiness.edit_plan"), icon="edit").props(
        f"dense data-testid=edit-plan-{plan.id}"
    ):
        registry_form.schema_card(
            "web.readiness.edit_plan",
            PlanPatch,
            lambda db, current, data: service.update_plan(
                db, current, Moment.of(context), plan.id, **given(data)
            ),
            lambda _plan: ui.navigate.to("/readiness"),
            path="/readiness",
            testid="edit-plan-form",
            values={
                "site_id": plan.site_id,
                "title": plan.title,
                "version": plan.version,
                "approved_on": plan.approved_on,
                "review_due": plan.review_due,
                "notes": plan.notes,
            },
            references={"site_id": sites},
        )
    registry_form.action_button(
        "web.readiness.retire_plan",
        _t("web.readiness.retire_plan_question", title=plan.title),
        lambda db, current: service.retire_plan(db, current, Moment.of(context), plan.id),
        path="/readiness",
        testid=f"retire-plan-{plan.id}",
    )


def _drill_step(drill: Drill) -> None:
    """What a drill needs next: a planned one is held (when, how many, what was learned); a
    held one takes findings, each opened at once as a hidden danger."""
    context = state.context()
    held = drill.state == DrillState.HELD.value
    schema: type[HoldIn] | type[DrillFindingIn] = DrillFindingIn if held else HoldIn

    def save(db: Session, current: Principal, data: Any) -> Any:
        act = service.add_drill_finding if held else service.hold_drill
        return act(db, current, Moment.of(context), drill.id, **data.model_dump())

    key = "web.readiness.add_finding" if held else "web.readiness.hold"
    with (
        ui.expansion(_t(key), icon="edit")
        .classes("w-full")
        .props(f"data-testid={'finding' if held else 'hold'}-{drill.id}")
    ):
        registry_form.schema_card(
            key,
            schema,
            save,
            lambda _r: ui.navigate.to("/readiness"),
            path="/readiness",
            testid="finding-form" if held else "hold-form",
        )


def _matrix() -> None:
    who = session.principal()
    assert who is not None
    context = state.context()
    day = local_date(context.clock.now(), context.settings.timezone)
    with context.unit_of_work(who) as db:
        rows = service.training_matrix(db, who, day)
        names = organisation_names(db, list({row.organisation_id for row in rows}))
    with ui.row().classes("items-center gap-2"):
        ui.label(_t("web.readiness.matrix")).classes("text-h6")
        ui.button(
            _t("web.hd.excel"),
            icon="download",
            on_click=lambda: ui.download(
                workbook(matrix.ledger(rows, names, day, language())),
                "training-matrix.xlsx",
                XLSX,
            ),
        ).props("flat data-testid=matrix-excel")
        ui.button(
            _t("web.hd.print"),
            icon="print",
            on_click=lambda: ui.navigate.to("/readiness/training/ledger", new_tab=True),
        ).props("flat data-testid=open-matrix-ledger")
    kinds = list(QualificationKind)
    columns = [{"name": "person", "label": _t("readiness.matrix.person"), "field": "person"}]
    columns += [{"name": k.value, "label": label(k), "field": k.value} for k in kinds]
    table_rows = []
    for row in rows:
        entry: dict[str, str] = {"person": row.person, "id": f"{row.organisation_id}-{row.person}"}
        for kind in kinds:
            cell = row.cells.get(kind.value)
            if cell is None:
                entry[kind.value] = ""
            elif cell.expires_on is None:
                entry[kind.value] = _t("readiness.matrix.no_expiry")
            else:
                mark = f" {_t('readiness.matrix.lapsed')}" if cell.lapsed else ""
                entry[kind.value] = cell.expires_on.isoformat() + mark
        table_rows.append(entry)
    table = ui.table(columns=columns, rows=table_rows, row_key="id").classes("w-full")
    table.props("dense wrap-cells data-testid=training-matrix")
    table.add_slot(
        "body-cell",
        r"""<q-td :props="props" :class="String(props.value).includes('"""
        + _t("readiness.matrix.lapsed")
        + r"""') ? 'bg-red-2 text-negative text-weight-bold' : ''">{{ props.value }}</q-td>""",
    )


def _equipment() -> None:
    who = session.principal()
    assert who is not None
    context = state.context()
    with context.unit_of_work(who) as db:
        sites = registry_form.visible_sites(db, who)
        owners = registry_form.writable_organisations(db, who) if who.can_edit else {}
        own_sites = registry_form.writable_sites(db, who) if owners else {}
    with ui.row().classes("items-center gap-2"):
        ui.label(_t("web.readiness.equipment")).classes("text-h6")
        site = (
            ui.select(
                {None: _t("web.readiness.all_sites")} | sites,
                value=None,
                label=_t("web.field.site_id"),
            )
            .props("dense data-testid=ledger-site")
            .classes("w-56")
        )
        ui.button(
            _t("web.readiness.checks_ledger"),
            icon="print",
            on_click=lambda: ui.navigate.to(
                "/readiness/equipment/ledger"
                + (f"?site={site.value}" if site.value is not None else ""),
                new_tab=True,
            ),
        ).props("flat data-testid=open-checks-ledger")

    @ui.refreshable
    def listing() -> None:
        with context.unit_of_work(who) as db:
            items = service.equipment_registry(db, who, context.clock.now())
            tenancy = Tenancy(db, who)
            writable = {i.code for i in items if tenancy.may_write(i.organisation_id)}
        for item in items:
            with (
                ui.card().classes("w-full gap-1").props(f"data-testid=equipment-{item.code}"),
                ui.row().classes("items-center gap-2 w-full"),
            ):
                kind = EquipmentKind(item.kind)
                target = f"/scba/{item.code}" if kind == EquipmentKind.SCBA else None
                text = f"{label(kind)} {item.code}"
                with ui.column().classes("grow gap-0"):
                    if target:
                        ui.link(text, target)
                    else:
                        ui.label(text)
                    if item.site_id is not None:
                        ui.label(sites.get(item.site_id, f"#{item.site_id}")).classes(
                            "text-caption"
                        ).props("data-testid=equipment-site")
                ready = item.ready
                badge(
                    _t("web.scba.ready" if ready else "web.scba.not_ready"),
                    "green" if ready else "red",
                    "equipment-ready",
                )
                if item.hidden_danger_id is not None:
                    ui.link(
                        _t("web.readiness.hidden_danger"),
                        f"/hidden-dangers/{item.hidden_danger_id}",
                    ).props("data-testid=equipment-hidden-danger")
                if kind != EquipmentKind.SCBA and item.code in writable:
                    error = ui.label("").classes("text-negative")
                    for passed in (True, False):
                        ui.button(
                            _t("web.readiness.passed" if passed else "web.readiness.failed"),
                            on_click=lambda _e, c=item.code, p=passed, e=error: record(c, p, e),
                        ).props(f"flat dense data-testid=check-{'pass' if passed else 'fail'}")

    def record(code: str, passed: bool, error: ui.label) -> None:
        try:
            with context.unit_of_work(who) as db:
                service.check_equipment(db, who, Moment.of(context), code, passed=passed)
        except DomainError as exc:
            error.text = error_text(exc)
            return
        listing.refresh()

    listing()
    if owners:
        registry_form.create_card(
            "web.readiness.register_equipment",
            EquipmentIn,
            lambda db, current, data: service.register_equipment(
                db, current, **service.registration(data, context.settings)
            ),
            path="/readiness",
            testid="equipment-form",
            values={"organisation_id": next(iter(owners)), "kind": EquipmentKind.SCBA.value},
            references={"organisation_id": owners, "site_id": own_sites},
        )


@ui.page("/readiness/equipment/ledger")
def equipment_checks_ledger_page(site: int | None = None) -> None:
    """The equipment checks ledger made for paper (and its Excel) in the reader's language;
    ``?site=`` keeps the items kept at one site."""
    who = session.require("/readiness/equipment/ledger" + (f"?site={site}" if site else ""))
    if who is None:
        return
    context = state.context()
    with context.unit_of_work(who) as db:
        rows = service.equipment_checks(db, who, site_id=site)
        names = organisation_names(db, list({row.organisation_id for row in rows}))
    print_ledger(
        checks_ledger.ledger(
            rows, names, context.clock.now(), language(), context.settings.timezone
        )
    )


@ui.page("/readiness/training/ledger")
def training_matrix_ledger_page() -> None:
    """The training matrix made for paper (and its Excel) in the reader's language."""
    who = session.require("/readiness/training/ledger")
    if who is None:
        return
    context = state.context()
    day = local_date(context.clock.now(), context.settings.timezone)
    with context.unit_of_work(who) as db:
        rows = service.training_matrix(db, who, day)
        names = organisation_names(db, list({row.organisation_id for row in rows}))
    print_ledger(matrix.ledger(rows, names, day, language()))
