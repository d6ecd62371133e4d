"""The district's 禁限控 catalogue: the version in force with its entries and the registered
processes and products in conflict with it; each draft with who it would newly affect, and
the button that publishes it (for the district's regulators), who also start a new draft
and add entries to a draft here."""

from __future__ import annotations

from nicegui import ui
from sqlalchemy import select

from hazwatch.core.errors import DomainError
from hazwatch.core.scope import visible_organisations
from hazwatch.district.catalogue import service, views
from hazwatch.district.catalogue.choices import CatalogueCategory, VersionState
from hazwatch.district.catalogue.schemas import EntryIn, HitOut, VersionIn, VersionOut
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.choices import JurisdictionKind
from hazwatch.registry.models import Jurisdiction
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
                with ui.row().classes("items-center gap-2"):
                    badge(e.category_label, CatalogueCategory(e.category).colour)
                    ui.label(f"{e.subject_label} · {e.name}" + (f" · {e.note}" if e.note else ""))
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
        ui.label(_t("web.catalogue.conflicts", count=len(hits))).classes("text-h6")
        _hits(hits, "conflicts")
        if not shown:
            ui.label(_t("web.catalogue.none"))
        for version, impact, manage in shown:
            version_card(version, impact, manage)

    body()
    _version_form()
