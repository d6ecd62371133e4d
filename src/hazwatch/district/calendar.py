"""Working days on the configurable holiday calendar (:class:`~.models.CalendarDay`).

A day is a working day when the calendar says so, else when it is Monday to Friday. Only
the platform administrator edits the calendar: it is the national holiday notice, the same
for every district.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import Forbidden, InvalidInput
from hazwatch.district.models import CalendarDay

#: How far a deadline may be counted (a longer span means a wrong input, not a deadline).
MAX_WORKING_DAYS = 366


def is_working(day: date, exceptions: Mapping[date, bool]) -> bool:
    return exceptions.get(day, day.weekday() < 5)


def add_working_days(start: date, count: int, exceptions: Mapping[date, bool]) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
    if not 0 <= count <= MAX_WORKING_DAYS:
        raise ValueError(f"working days out of range: {count}")
    day = start
    while count:
        day += timedelta(days=1)
        if is_working(day, exceptions):
            count -= 1
    return day


def exceptions(session: Session) -> dict[date, bool]:
    return {row.day: row.working for row in session.scalars(select(CalendarDay))}


def deadline(moment: datetime, count: int, timezone: str, known: Mapping[date, bool]) -> datetime:
    """The end (local midnight) of the ``count``-th working day after ``moment``'s local
    date: a deadline "within N working days" runs to the end of that day."""
    zone = ZoneInfo(timezone)
    last = add_working_days(moment.astimezone(zone).date(), count, known)
    return datetime.combine(last + timedelta(days=1), time(0), zone).astimezone(ZoneInfo("UTC"))


def _admin(principal: Principal) -> None:
    if not principal.is_platform_admin:
        raise Forbidden("district.calendar.admin_only", field="day")


def set_day(
    session: Session, principal: Principal, day: date, *, working: bool, name: str = ""
) -> CalendarDay:
    _admin(principal)
    if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
        raise InvalidInput("district.calendar.day_out_of_range", field="day")
    row = session.get(CalendarDay, day)
    if row is None:
        row = CalendarDay(day=day, working=working, name=name)
        session.add(row)
    else:
        row.working, row.name = working, name
    session.flush()
    return row


def clear_day(session: Session, principal: Principal, day: date) -> None:
    """Back to the weekday rule for ``day``."""
    _admin(principal)
    row = session.get(CalendarDay, day)
    if row is not None:
        session.delete(row)
        session.flush()


def list_days(session: Session, year: int | None = None) -> list[CalendarDay]:
    query = select(CalendarDay).order_by(CalendarDay.day)
    if year is not None:
        query = query.where(
            CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)
        )
    return list(session.scalars(query))
