"""Findings (sub-lease without agreement, unlicensed supplier, blind spots, rooms without
detectors, ODH class, SCBA not ready, …) with their legal basis and a link to the object,
filtered by kind, severity and organisation (a regulator sees a district's worth)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
        return
    cards: list[tuple[registry_findings.Finding, ui.card]] = []

    def apply() -> None:
        wanted = {name: set(select.value or []) for name, select in filters.items()}
        shown = 0
        for finding, card in cards:
            visible = all(
                not wanted[name] or value in wanted[name] for name, value in _facets(finding)
            )
            card.set_visibility(visible)
            shown += visible
        count.text = _t("web.findings.shown", shown=shown, total=len(cards))

    filters = _filters(found, names, apply)
    count = ui.label().classes("text-caption text-grey-8").props("data-testid=shown-count")
    for finding in found:
        cards.append((finding, _card(finding, names)))
    apply()


def _facets(finding: registry_findings.Finding) -> tuple[tuple[str, object], ...]:
    """What the filters look at: the finding's kind, severity and organisation."""
    return (
        ("kind", finding.code),
        ("severity", finding.severity.value),
        ("organisation", finding.organisation_id),
    )


def _filters(
    found: list[registry_findings.Finding], names: dict[int, str], apply: Callable[[], None]
) -> dict[str, ui.select]:
    """Multi-selects by kind, severity and organisation, each offering what is found."""
    kinds = {f.code: _t(f"web.findings.kind.{f.code}") for f in found}
    severities = {f.severity.value: label(f.severity) for f in found}
    organisations = {
        f.organisation_id: names.get(f.organisation_id, "—")
        for f in found
        if f.organisation_id is not None
    }
    options: dict[str, dict[Any, str]] = {
        "kind": kinds,
        "severity": severities,
        "organisation": organisations,
    }
    with ui.row().classes("w-full gap-2 items-center"):
        return {
            name: ui.select(
                dict(sorted(choices.items(), key=lambda item: str(item[1]))),
                multiple=True,
                label=_t(f"web.findings.filter_{name}"),
                on_change=apply,
            )
            .props(f"use-chips clearable dense data-testid=filter-{name}")
            .classes("min-w-48 max-w-full")
            for name, choices in options.items()
        }


def _card(finding: registry_findings.Finding, names: dict[int, str]) -> ui.card:
    shown = finding_out(finding, language(), names)  # the API's wording, word for word
    with ui.card().classes("w-full gap-1").props(f"data-testid=finding-{finding.code}") as card:
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
    return card
