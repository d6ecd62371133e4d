"""Interlock rule bodies."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

ACTIONS = ("start_fan", "stop_fan", "close_valve", "open_valve", "horn_strobe")


class RuleIn(BaseModel):
    """Name the room (its O2 points trigger) or one point; the site is where the actuator
    listens for commands."""

    model_config = ConfigDict(extra="forbid")
    organisation_id: int
    site_id: int
    room_id: int | None = None
    point_id: int | None = None
    conditions: list[str] = Field(default_factory=lambda: ["low", "low_low"], min_length=1)
    action: str = Field(pattern="^(" + "|".join(ACTIONS) + ")$")
    device_code: str = Field(min_length=1, max_length=64)
    command: dict[str, Any] = Field(default_factory=dict)
    timeout_s: int = Field(default=10, ge=1, le=600)
