"""Muster list: who is inside which rooms of a site now, since when, and whose stay is long
enough to check on; a person seen leaving is checked out here (with the reason)."""

from __future__ import annotations

from datetime import timedelta

from nicegui import ui
from sqlalchemy import select

from hazwatch.core.errors import DomainError
from hazwatch.monitoring.occupancy import service as occupancy
from hazwatch.registry.models import Room
from hazwatch.registry.scope import Tenancy
from hazwatch.web import session, state
from hazwatch.web.forms import error_text
from hazwatch.web.layout import frame
from hazwatch.web.text import _t, local_time
from hazwatch.web.widgets import badge


@ui.page("/muster")
def muster_page(site: int | None = None) -> None:
    who = session.require("/muster")
    if who is None:
        return
    frame("web.nav.muster", who)
    context = state.context()
    with context.unit_of_work(who) as db:
        sites = occupancy.muster_sites(db, who)
    if not sites:
        ui.label(_t("web.muster.no_sites"))
        return
    chosen = ui.select(sites, value=site if site in sites else next(iter(sites)))
    chosen.classes("w-72").props("data-testid=site")
    max_stay = timedelta(minutes=context.settings.occupancy_max_stay_minutes)

    @ui.refreshable
    def listing() -> None:
        now = context.clock.now()
        with context.unit_of_work(who) as db:
            try:
                people = occupancy.muster(db, who, int(chosen.value), now, max_stay)
            except DomainError as exc:
                ui.label(error_text(exc))
                return
            shown = {r for o in people for r in o.room_ids}
            names = dict(db.execute(select(Room.id, Room.name).where(Room.id.in_(shown))).all())
            tenancy = Tenancy(db, who)
            writable = {o.person for o in people if tenancy.may_write(o.organisation_id)}
        ui.label(_t("web.muster.count", count=len(people))).classes("text-h6").props(
            "data-testid=muster-count"
        )
        for occupant in people:
            with ui.card().classes("w-full").props(f"data-testid=occupant-{occupant.person}"):
                with ui.row().classes("items-center gap-2"):
                    ui.label(occupant.person).classes("text-subtitle1 text-weight-bold")
                    if occupant.check_due:
                        badge(_t("web.muster.check_due"), "red", "check-due")
                ui.label(
                    _t(
                        "web.muster.inside",
                        rooms="、".join(names.get(r, str(r)) for r in occupant.room_ids),
                        since=local_time(occupant.entered_at, "%m-%d %H:%M"),
                        door=occupant.door,
                    )
                ).classes("text-body2")
                if occupant.person in writable:
                    reason = ui.input(_t("web.muster.reason")).props(
                        "dense data-testid=field-reason"
                    )
                    error = ui.label("").classes("text-negative")

                    def out(
                        person: str = occupant.person,
                        why: ui.input = reason,
                        shown: ui.label = error,
                    ) -> None:
                        try:
                            with context.unit_of_work(who) as db:
                                occupancy.check_out(
                                    db,
                                    who,
                                    site_id=int(chosen.value),
                                    person=person,
                                    at=context.clock.now(),
                                    now=context.clock.now(),
                                    reason=str(why.value or "").strip()
                                    or _t("web.muster.checked_out"),
                                )
                        except DomainError as exc:
                            shown.text = error_text(exc)
                            return
                        listing.refresh()

                    ui.button(_t("web.muster.check_out"), on_click=out).props(
                        "flat data-testid=check-out"
                    )

    chosen.on_value_change(lambda _e: listing.refresh())
    listing()
