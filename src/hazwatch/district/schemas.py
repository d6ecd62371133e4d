"""Bodies and answers of the district-wide pieces (the holiday calendar)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL


class CalendarDayIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    working: bool
    name: str = Field(default="", max_length=80, pattern=NO_NUL)


class CalendarDayOut(BaseModel):
    day: date
    working: bool
    name: str
