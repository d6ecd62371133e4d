"""The scenario file format (``hazwatch.scenario/1``) as pydantic models.

Every mapping forbids unknown keys, so a typo is an error that names its line rather than a
setting silently ignored. Times (``at``, ``start``, ``end``) stay strings here: the loader
resolves them against the scenario's date and time zone, where it can name the line of a bad
one. Identifiers (``id``) tie the parts together: a sensor names its room, an event its door.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hazwatch.physics.tank import HeadShape

FORMAT = "hazwatch.scenario/1"

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]+$", min_length=1, max_length=64)]
Text = Annotated[str, Field(min_length=1, max_length=200)]
#: Room and tank dimensions: positive and no larger than a building (an impossible size is a
#: typo, e.g. millimetres written as metres).
Metres = Annotated[float, Field(gt=0, le=500)]


class Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteSpec(Part):
    """Who is involved: the occupant of the rooms, and optionally its landlord (escalation's
    ``landlord`` step) and the gas supplier that owns the tank."""

    name: Text
    occupant: Text
    landlord: Text | None = None
    supplier: Text = "气体供应商"
    district: Text = "区"
    regulator: Text = "区应急管理局"


class RoomSpec(Part):
    id: Key
    name: Text
    length_m: Metres | None = None
    width_m: Metres | None = None
    height_m: Metres | None = None
    volume_m3: Annotated[float, Field(gt=0, le=1_000_000)] | None = None

    @model_validator(mode="after")
    def _volume_known(self) -> RoomSpec:
        if self.volume_m3 is None and None in (self.length_m, self.width_m, self.height_m):
            raise ValueError("scenarios.error.room_volume")
        return self

    @property
    def volume(self) -> float:
        if self.volume_m3 is not None:
            return self.volume_m3
        assert self.length_m and self.width_m and self.height_m
        return self.length_m * self.width_m * self.height_m


class TankSpec(Part):
    id: Key
    name: Text
    volume_m3: Annotated[float, Field(gt=0, le=10_000)]
    diameter_m: Metres
    orientation: Literal["vertical", "horizontal"] = "vertical"
    #: Head shape: flat, 2:1 ellipsoidal or hemispherical (GB/T 25198-2023 EHA/HHA).
    heads: HeadShape = HeadShape.FLAT
    fluid: Literal["Nitrogen", "Argon"] = "Nitrogen"
    density_kg_m3: Annotated[float, Field(gt=0, le=2_000)] = 806.0
    initial_level_mm: Annotated[float, Field(ge=0)]
    #: Normal consumption from the supply agreement (the leak detector's expected draw).
    monthly_draw_kg: Annotated[float, Field(ge=0)] = 0.0
    feeds: list[Key] = Field(default_factory=list)


class ReleaseSpec(Part):
    """How much gas a source releases once it starts: a gas flow at room conditions, or the
    tank level drop it causes (then the flow is fitted from the tank's geometry)."""

    inflow_m3_h: Annotated[float, Field(ge=0)] | None = None
    tank_level_drop_mm_h: Annotated[float, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ReleaseSpec:
        if (self.inflow_m3_h is None) == (self.tank_level_drop_mm_h is None):
            raise ValueError("scenarios.error.release_one_of")
        return self


class SourceSpec(Part):
    id: Key
    room: Key
    name: Text
    substance: Text = "氮气"
    pressure_mpa: Annotated[float, Field(ge=0, le=100)] | None = None
    tank: Key | None = None
    release: ReleaseSpec

    @model_validator(mode="after")
    def _drop_needs_tank(self) -> SourceSpec:
        if self.release.tank_level_drop_mm_h is not None and self.tank is None:
            raise ValueError("scenarios.error.drop_needs_tank")
        return self


class SensorSpec(Part):
    """A measurement point. ``o2`` is a fixed detector sampled from the simulated room;
    ``o2_modelled`` is HazWatch's virtual sensor (computed by the engine, not sampled);
    ``tank_level`` samples the simulated tank."""

    code: Code
    kind: Literal["o2", "o2_modelled", "tank_level"]
    name: str = ""
    room: Key | None = None
    tank: Key | None = None
    interval_s: Annotated[int, Field(ge=1, le=3600)] = 10
    #: Standard deviation of the measurement noise, in the point's unit.
    noise: Annotated[float, Field(ge=0)] = 0.0

    @model_validator(mode="after")
    def _placed(self) -> SensorSpec:
        if self.kind == "tank_level" and (self.tank is None or self.room is not None):
            raise ValueError("scenarios.error.level_needs_tank")
        if self.kind != "tank_level" and (self.room is None or self.tank is not None):
            raise ValueError("scenarios.error.o2_needs_room")
        return self


class InterlockSpec(Part):
    """Start the fan when an O2 point of its room raises one of ``on``."""

    on: list[Literal["low", "low_low"]] = Field(default=["low"], min_length=1)
    timeout_s: Annotated[int, Field(ge=1, le=600)] = 30


class FanSpec(Part):
    code: Code
    room: Key
    flow_m3_h: Annotated[float, Field(gt=0)] | None = None
    air_changes_per_hour: Annotated[float, Field(gt=0, le=100)] | None = None
    running: bool = False
    #: Seconds from a start command to air moving (and the actuator confirming).
    start_delay_s: Annotated[int, Field(ge=1, le=600)] = 5
    interlock: InterlockSpec | None = None

    @model_validator(mode="after")
    def _one_flow(self) -> FanSpec:
        if (self.flow_m3_h is None) == (self.air_changes_per_hour is None):
            raise ValueError("scenarios.error.fan_flow_one_of")
        return self


class DoorSpec(Part):
    code: Code
    name: Text
    guards: list[Key] = Field(min_length=1)


class ScbaSpec(Part):
    code: Code
    holder: Text
    rated_pressure_mpa: Annotated[float, Field(gt=0, le=60)] = 30.0
    minimum_pressure_mpa: Annotated[float, Field(gt=0, le=60)] = 25.0


class LadderStep(Part):
    after_minutes: Annotated[int, Field(ge=0, le=1440)]
    target: Literal["duty_officer", "safety_manager", "principal", "landlord", "regulator"]


class ReleaseEvent(Part):
    type: Literal["release_start", "release_stop"]
    at: str
    source: Key
    note: str = ""


class FanEvent(Part):
    type: Literal["fan_fail", "fan_restore"]
    at: str
    fan: Code
    note: str = ""


class DoorEvent(Part):
    type: Literal["door_attempt"]
    at: str
    door: Code
    person: Text
    purpose: Literal["work", "visit", "maintenance", "rescue"] = "work"
    note: str = ""


class ScbaCheckEvent(Part):
    type: Literal["scba_check"]
    at: str
    set: Code
    pressure_mpa: Annotated[float, Field(ge=0, le=120)]
    checked_by: Text = "scenario"
    note: str = ""


Event = Annotated[ReleaseEvent | FanEvent | DoorEvent | ScbaCheckEvent, Field(discriminator="type")]


class ActualEntry(Part):
    """What actually happened (the investigation's timeline), shown beside the replay."""

    at: str
    text: Text
    #: The same in English (the console and the CLI in English mode; default: ``text``).
    text_en: str = Field(default="", max_length=200)


class Scenario(Part):
    format: Literal["hazwatch.scenario/1"]
    name: Key
    title: Text
    description: str = ""
    #: Title and description in English (default: the ones above).
    title_en: str = Field(default="", max_length=200)
    description_en: str = ""
    timezone: str = "Asia/Shanghai"
    start: str
    end: str
    seed: int = 0
    #: World step and the finest sensor interval, seconds.
    resolution_s: Annotated[int, Field(ge=1, le=60)] = 1
    #: Engine tick (stale points, delays, escalation, interlock time-outs), seconds.
    tick_s: Annotated[int, Field(ge=1, le=60)] = 5
    #: Spacing of the series kept in the result, seconds.
    record_s: Annotated[int, Field(ge=1, le=3600)] = 30
    site: SiteSpec
    rooms: list[RoomSpec] = Field(min_length=1)
    tank: TankSpec | None = None
    sources: list[SourceSpec] = Field(default_factory=list)
    sensors: list[SensorSpec] = Field(default_factory=list)
    fans: list[FanSpec] = Field(default_factory=list)
    doors: list[DoorSpec] = Field(default_factory=list)
    scba: list[ScbaSpec] = Field(default_factory=list)
    escalation: list[LadderStep] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    actual: list[ActualEntry] = Field(default_factory=list)
