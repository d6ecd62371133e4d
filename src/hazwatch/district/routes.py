"""The holiday calendar over HTTP (working-day deadlines count on it)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from annotated_types import Interval
from fastapi import Response

from hazwatch.api.inputs import Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession
from hazwatch.district import calendar
from hazwatch.district.models import CalendarDay
from hazwatch.district.schemas import CalendarDayIn, CalendarDayOut

router = Router(prefix="/api/district/calendar", tags=["district"])


def _out(row: CalendarDay) -> CalendarDayOut:
    return CalendarDayOut(day=row.day, working=row.working, name=row.name)


@router.get("", response_model=list[CalendarDayOut])
def list_days(
    db: DbSession,
    _principal: CurrentPrincipal,
    year: Annotated[int, Interval(ge=2000, le=2100)] | None = None,
) -> list[CalendarDayOut]:
    """The exceptions to Monday–Friday working days (holidays, make-up working days)."""
    return [_out(row) for row in calendar.list_days(db, year)]


@router.put("/{day}", response_model=CalendarDayOut)
def set_day(
    day: date, body: CalendarDayIn, db: DbSession, principal: CurrentPrincipal
) -> CalendarDayOut:
    """Mark a day a holiday (``working`` false) or a make-up working day (platform admin)."""
    return _out(calendar.set_day(db, principal, day, working=body.working, name=body.name))


@router.delete("/{day}", status_code=204)
def clear_day(day: date, db: DbSession, principal: CurrentPrincipal) -> Response:
    """Back to the weekday rule for that day (platform admin)."""
    calendar.clear_day(db, principal, day)
    return Response(status_code=204)
