"""Coverage indicators: for each indicator of seed 001 (safety managers, social safety
service, vocational training, qualified enforcement staff), the district's figure against its
target with the source and the missing items, then the figure of each department; below,
the records the figures count that the API takes (a social safety-service contract, an
enforcement officer), for whoever may write for the organisation."""

from __future__ import annotations

from nicegui import ui

from hazwatch.core.clock import local_date
from hazwatch.core.errors import DomainError
from hazwatch.district.coverage import service, views
from hazwatch.district.coverage.schemas import ContractIn, FigureOut, OfficerIn
from hazwatch.web import registry_form, session, state
from hazwatch.web.forms import error_text
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, language
from hazwatch.web.widgets import badge


def _rate(figure: FigureOut) -> str:
    return "-" if figure.rate_percent is None else f"{figure.rate_percent}%"


def _badge(figure: FigureOut) -> None:
    if figure.met is None:
        badge(_t("web.coverage.nothing"), "grey", "figure-met")
    elif figure.met:
        badge(_t("web.coverage.met"), "green", "figure-met")
    else:
        badge(_t("web.coverage.unmet"), "red", "figure-met")


PATH = "/district/coverage"


def _create_forms() -> None:
    """A contract for an enterprise, an officer for a department (a regulator's own or one
    of its area): the organisations the person may write for, of the right kind."""
    who = session.principal()
    assert who is not None
    with state.context().unit_of_work(who) as db:
        departments, enterprises = registry_form.writable_by_kind(db, who)
    if enterprises:
        registry_form.create_card(
            "web.coverage.new_contract",
            ContractIn,
            lambda db, current, data: service.add_contract(db, current, **data.model_dump()),
            path=PATH,
            testid="contract-form",
            values={"organisation_id": next(iter(enterprises))},
            references={"organisation_id": enterprises},
        )
    if departments:
        own = who.organisation_id if who.organisation_id in departments else None
        registry_form.create_card(
            "web.coverage.new_officer",
            OfficerIn,
            lambda db, current, data: service.add_officer(db, current, **data.model_dump()),
            path=PATH,
            testid="officer-form",
            values={"organisation_id": own or next(iter(departments))},
            references={"organisation_id": departments},
        )


@ui.page(PATH)
def coverage_page() -> None:
    who = session.require(PATH)
    if who is None:
        return
    frame("web.nav.coverage", who)
    context = state.context()
    try:
        with context.unit_of_work(who) as db:
            today = local_date(context.clock.now(), context.settings.timezone)
            figures = views.figure_outs(
                db, service.visible_figures(db, who, today, context.settings), language()
            )
    except DomainError as exc:
        ui.label(error_text(exc)).props("data-testid=coverage-refused")
        figures = []
    _figures(figures)
    _create_forms()


def _figures(figures: list[FigureOut]) -> None:
    for figure in figures:
        testid = f"figure-{figure.key}-{figure.district_id or 0}-{figure.department_id or 0}"
        if figure.department_id is None:
            with ui.card().classes("w-full gap-1").props(f"data-testid={testid}"):
                with ui.row().classes("items-center gap-2"):
                    ui.label(figure.label).classes("text-h6")
                    _badge(figure)
                ui.label(
                    _t(
                        "web.coverage.figure",
                        scope=figure.district,
                        numerator=figure.numerator,
                        denominator=figure.denominator,
                        rate=_rate(figure),
                        target=figure.target_percent,
                    )
                ).props("data-testid=figure-numbers")
                ui.label(_t("web.coverage.source", source=figure.source)).classes("text-caption")
                for gap in figure.gaps:
                    ui.label(f"{gap.name}：{gap.reason_label}").classes("text-body2").props(
                        f"data-testid=gap-{gap.subject_id}"
                    )
        else:
            with ui.row().classes("items-center gap-2 q-ml-md").props(f"data-testid={testid}"):
                _badge(figure)
                ui.label(
                    _t(
                        "web.coverage.figure",
                        scope=figure.department or "",
                        numerator=figure.numerator,
                        denominator=figure.denominator,
                        rate=_rate(figure),
                        target=figure.target_percent,
                    )
                )
