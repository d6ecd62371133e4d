"""Interlock rule bodies."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hazwatch.api.inputs import NO_NUL, Id, Text32

ACTIONS = ("start_fan", "stop_fan", "close_valve", "open_valve", "horn_strobe")


class RuleIn(BaseModel):
    """Name the room (its O2 points trigger) or one point; the site is where the actuator
    listens for commands."""

    model_config = ConfigDict(extra="forbid")
    organisation_id: Id
    site_id: Id
    room_id: Id | None = None
    point_id: Id | None = None
    conditions: list[Text32] = Field(
        default_factory=lambda: ["low", "low_low"], min_length=1, max_length=16
    )
    action: str = Field(pattern="^(" + "|".join(ACTIONS) + ")$")
    device_code: str = Field(min_length=1, max_length=64, pattern=NO_NUL)
    command: dict[str, Any] = Field(default_factory=dict)
    timeout_s: int = Field(default=10, ge=1, le=600)
