"""Findings (sub-lease without agreement, unlicensed supplier, blind spots, rooms without
detectors, ODH class, SCBA not ready, …) with their legal basis and a link to the object."""

from __future__ import annotations

from nicegui import ui

from hazwatch.registry import findings as registry_findings
from hazwatch.registry import service as registry
from hazwatch.registry.routes import finding_out
from hazwatch.web import session, state
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, label, language
from hazwatch.web.widgets import badge

#: Where each kind of object is edited in the console.
OBJECT_PAGES = {
    "lease": "leases",
    "supply": "supplies",
    "organisation": "organisations",
    "room": "rooms",
    "tank": "tanks",
    "licence": "licences",
}


@ui.page("/findings")
def findings_page() -> None:
    who = session.require("/findings")
    if who is None:
        return
    frame("web.nav.findings", who)
    context = state.context()
    with context.unit_of_work(who) as db:
        found = registry_findings.compute(db, who, registry_findings.AsOf.of(context))
        names = registry.organisation_names(
            db, [f.organisation_id for f in found if f.organisation_id is not None]
        )
    if not found:
        ui.label(_t("web.findings.none")).classes("text-positive text-h6")
    for finding in found:
        shown = finding_out(finding, language(), names)  # the API's wording, word for word
        with ui.card().classes("w-full gap-1").props(f"data-testid=finding-{finding.code}"):
            with ui.row().classes("items-center gap-2 w-full"):
                badge(label(finding.severity), finding.severity.colour, "severity")
                ui.label(shown.message).classes("text-weight-bold grow")
            if shown.organisation_name:
                ui.label(shown.organisation_name).classes("text-caption")
            ui.label(_t("web.findings.basis", basis=shown.legal_basis)).classes(
                "text-caption text-grey-8"
            )
            page = OBJECT_PAGES.get(finding.object_type)
            if page is not None:
                ui.link(
                    _t("web.findings.open", object=_t(f"web.resource.{page}")),
                    f"/registry/{page}/{finding.object_id}",
                ).classes("text-caption")
