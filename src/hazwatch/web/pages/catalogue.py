"""The district's 禁限控 catalogue: the version in force with its entries and the registered
processes and products in conflict with it; each draft with who it would newly affect, and
the button that publishes it (for the district's regulators), who also start a new draft,
add entries to a draft and remove them here. The production processes enterprises register
(what the catalogue is checked against, with their key-process code) are listed, registered
and removed here by whoever may write for the enterprise."""

from __future__ import annotations

from functools import partial

from nicegui import ui
from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import DomainError
from hazwatch.core.scope import visible_organisations
from hazwatch.district.admission import processes
from hazwatch.district.catalogue import service, views
from hazwatch.district.catalogue.choices import CatalogueCategory, VersionState
from hazwatch.district.catalogue.schemas import (
    EntryIn,
    HitOut,
    ProcessIn,
    ProcessOut,
    VersionIn,
    VersionOut,
)
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.choices import JurisdictionKind
from hazwatch.registry.models import Jurisdiction
from hazwatch.registry.scope import Tenancy
from hazwatch.web import registry_form, session, state
from hazwatch.web.forms import error_text
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, language
from hazwatch.web.widgets import badge


def _hits(hits: list[HitOut], testid: str) -> None:
    with ui.column().classes("gap-1").props(f"data-testid={testid}"):
        for h in hits:
            with ui.row().classes("items-center gap-2"):
                badge(h.category_label, CatalogueCategory(h.category).colour)
                ui.label(
                    _t("web.catalogue.hit", organisation=h.organisation, item=h.item, entry=h.entry)
                )


PATH = "/district/catalogue"


def _version_form() -> None:
    """A new draft for a district the person manages (by default a copy of the version in
    force)."""
    who = session.principal()
    assert who is not None
    with state.context().unit_of_work(who) as db:
        rows = db.execute(
            select(Jurisdiction.id, Jurisdiction.name)
            .where(Jurisdiction.kind == JurisdictionKind.DISTRICT)
            .order_by(Jurisdiction.id)
        ).tuples()
        districts = {ident: name for ident, name in rows if service.manages(db, who, ident)}
    if not districts:
        return
    own = who.jurisdiction_id if who.jurisdiction_id in districts else next(iter(districts))
    registry_form.create_card(
        "web.catalogue.new_version",
        VersionIn,
        lambda db, current, data: service.create_version(
            db, current, Moment.of(state.context()), **data.model_dump()
        ),
        path=PATH,
        testid="version-form",
        values={"jurisdiction_id": own},
        references={"jurisdiction_id": districts},
    )


def _entry_form(version_id: int) -> None:
    registry_form.create_card(
        "web.catalogue.new_entry",
        EntryIn,
        lambda db, current, data: service.add_entry(db, current, version_id, **data.model_dump()),
        path=PATH,
        testid=f"entry-form-{version_id}",
    )


def _remove_process(db: Session, who: Principal, *, process_id: int) -> None:
    service.remove_process(db, who, process_id)


def _remove_entry(db: Session, who: Principal, *, version_id: int, entry_id: int) -> None:
    service.remove_entry(db, who, version_id, entry_id)


def _key_processes() -> dict[str, str]:
    return {
        code: f"{code} {processes.name_of(code, language())}" for code in processes.KEY_PROCESSES
    }


def _process_form() -> None:
    """Register a process for an enterprise the person may write for (not a department)."""
    who = session.principal()
    assert who is not None
    with state.context().unit_of_work(who) as db:
        _departments, owners = registry_form.writable_by_kind(db, who)
    if not owners:
        return
    own = who.organisation_id if who.organisation_id in owners else next(iter(owners))
    registry_form.create_card(
        "web.catalogue.new_process",
        ProcessIn,
        lambda db, current, data: service.register_process(db, current, **data.model_dump()),
        path=PATH,
        testid="process-form",
        values={"organisation_id": own},
        references={"organisation_id": owners, "process_code": _key_processes()},
    )


def _processes(shown: list[ProcessOut], removable: set[int]) -> None:
    ui.label(_t("web.catalogue.processes")).classes("text-h6")
    if not shown:
        ui.label(_t("web.catalogue.no_processes"))
    for p in shown:
        with ui.row().classes("items-center gap-2").props(f"data-testid=process-{p.id}"):
            ui.label(
                _t(
                    "web.catalogue.process",
                    organisation=p.organisation,
                    name=p.name,
                    code=f"{p.process_code} {processes.name_of(p.process_code, language())}"
                    if p.process_code
                    else _t("web.catalogue.no_key_process"),
                )
            )
            if p.id in removable:
                registry_form.action_button(
                    "web.catalogue.remove",
                    _t("web.catalogue.remove_process_question", name=p.name),
                    partial(_remove_process, process_id=p.id),
                    path=PATH,
                    testid=f"remove-process-{p.id}",
                )


@ui.page(PATH)
def catalogue_page() -> None:
    who = session.require(PATH)
    if who is None:
        return
    frame("web.nav.catalogue", who)
    context = state.context()

    def version_card(v: VersionOut, impact: list[HitOut] | None, manage: bool) -> None:
        with ui.card().classes("w-full gap-1").props(f"data-testid=version-{v.id}"):
            with ui.row().classes("items-center gap-2"):
                ui.label(
                    _t("web.catalogue.version", district=v.district, number=v.number, title=v.title)
                ).classes("text-subtitle1")
                badge(v.state_label, VersionState(v.state).colour, "version-state")
            if v.basis:
                ui.label(v.basis).classes("text-body2")
            for e in v.entries:
                with ui.row().classes("items-center gap-2").props(f"data-testid=entry-{e.id}"):
                    badge(e.category_label, CatalogueCategory(e.category).colour)
                    ui.label(f"{e.subject_label} · {e.name}" + (f" · {e.note}" if e.note else ""))
                    if impact is not None and manage:
                        registry_form.action_button(
                            "web.catalogue.remove",
                            _t("web.catalogue.remove_entry_question", name=e.name),
                            partial(_remove_entry, version_id=v.id, entry_id=e.id),
                            path=PATH,
                            testid=f"remove-entry-{e.id}",
                        )
            if impact is None:
                return
            if manage:
                _entry_form(v.id)
            ui.label(_t("web.catalogue.newly_affected", count=len(impact))).classes(
                "text-subtitle2"
            ).props("data-testid=newly-affected-count")
            _hits(impact, "newly-affected")
            if manage:

                def publish(version_id: int = v.id) -> None:
                    try:
                        with context.unit_of_work(who) as db:
                            service.publish(db, who, Moment.of(context), version_id)
                    except DomainError as exc:
                        ui.notify(error_text(exc), type="negative")
                        return
                    body.refresh()

                ui.button(_t("web.catalogue.publish"), on_click=publish).props(
                    f"data-testid=publish-{v.id}"
                )

    @ui.refreshable
    def body() -> None:
        with context.unit_of_work(who) as db:
            found = service.list_versions(db, who)
            shown = [
                (
                    views.version_out(db, v, language()),
                    views.hit_outs(db, service.newly_affected(db, v), language())
                    if v.state == VersionState.DRAFT
                    else None,
                    service.manages(db, who, v.jurisdiction_id),
                )
                for v in found
                if v.state != VersionState.SUPERSEDED
            ]
            hits = views.hit_outs(
                db, service.current_conflicts(db, visible_organisations(db, who)), language()
            )
            registered = views.process_outs(db, service.list_processes(db, who))
            tenancy = Tenancy(db, who)
            removable = {
                p.id for p in registered if who.can_edit and tenancy.may_write(p.organisation_id)
            }
        ui.label(_t("web.catalogue.conflicts", count=len(hits))).classes("text-h6")
        _hits(hits, "conflicts")
        if not shown:
            ui.label(_t("web.catalogue.none"))
        for version, impact, manage in shown:
            version_card(version, impact, manage)
        _processes(registered, removable)

    body()
    _version_form()
    _process_form()
