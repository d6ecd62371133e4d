"""Nobody is inside forever: a stay past ``occupancy_max_stay_minutes`` asks the
organisation's duty officer to check on the person (once per entry), through the outbox the
alarms use. A tick plugin of the engine runtime, so a manual clock drives it in tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from hazwatch.core.clock import NextDue, local_text
from hazwatch.core.context import Context
from hazwatch.core.i18n import translate
from hazwatch.monitoring.escalation.models import Notification
from hazwatch.monitoring.escalation.service import RECHECK, notify_now
from hazwatch.monitoring.occupancy.service import site_occupants, sites_with_long_stays
from hazwatch.monitoring.runtime import register_tick_plugin
from hazwatch.registry.models import Room

#: The subject type of the check requests (its id: the entry's access decision).
SUBJECT = "stay"


class StayWatch:
    def __init__(self, context: Context) -> None:
        self.context = context
        self._due = NextDue()

    def tick(self, now: datetime) -> None:
        if self._due.waiting(now):
            return
        token = self._due.token()
        settings = self.context.settings
        max_stay = timedelta(minutes=settings.occupancy_max_stay_minutes)
        with self.context.unit_of_work() as session:
            for site_id in sites_with_long_stays(session, now, max_stay):
                for occupant in site_occupants(session, site_id, now, max_stay):
                    if not occupant.check_due or occupant.organisation_id is None:
                        continue
                    asked = session.scalar(
                        select(Notification.id).where(
                            Notification.subject_type == SUBJECT,
                            Notification.subject_id == occupant.entry_id,
                        )
                    )
                    if asked is not None:
                        continue
                    rooms = session.scalars(
                        select(Room.name).where(Room.id.in_(occupant.room_ids))
                    ).all()
                    language = settings.language
                    params = {
                        "person": occupant.person,
                        "rooms": translate("occupancy.name_separator", language).join(rooms),
                        "since": local_text(occupant.entered_at, settings.timezone),
                        "door": occupant.door,
                    }
                    notify_now(
                        session,
                        subject_type=SUBJECT,
                        subject_id=occupant.entry_id,
                        organisation_id=occupant.organisation_id,
                        target="duty_officer",
                        message=(
                            translate("occupancy.stay.subject", language, **params),
                            translate("occupancy.stay.body", language, **params),
                        ),
                        payload={
                            "person": occupant.person,
                            "site_id": site_id,
                            "room_ids": occupant.room_ids,
                            "entered_at": occupant.entered_at.isoformat(),
                            "check_due": True,
                        },
                        now=now,
                    )
        self._due.settle(token, now + RECHECK)


register_tick_plugin(StayWatch)
