"""The simulated world a replay runs against: rooms, the tank, gas sources and fans.

Each room is a well-mixed volume advanced with the exact per-step solution of
:class:`hazwatch.physics.room.RoomState` (inflow and exhaust piecewise constant over a step);
the tank loses liquid to the normal draw of its supply agreement and to every open source it
feeds. Fans are actuators: a start command from HazWatch's interlock moves air after the
fan's start delay and is confirmed then, unless the fan has failed (then it stays silent and
HazWatch's confirmation time-out must notice). Sensors sample the world with seeded noise, so
a replay is repeatable.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from hazwatch.physics.expansion import gas_volume_from_mass
from hazwatch.physics.fit import CROSSINGS
from hazwatch.physics.room import RoomState
from hazwatch.scenarios import fit
from hazwatch.scenarios.format import FanSpec, Scenario, SensorSpec

HOURS_PER_MONTH = 30 * 24  # the supply agreement's month, as in the contracted-draw estimate


@dataclass
class Fan:
    spec: FanSpec
    flow_m3_h: float
    running: bool
    failed: bool = False
    #: Pending start: (when air moves, command id to confirm).
    starting: list[tuple[datetime, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Confirmation:
    command_id: str
    at: datetime


@dataclass
class WorldLog:
    """What the world did on its own (fan starts and failures), for the timeline."""

    entries: list[tuple[datetime, str, dict[str, object]]] = field(default_factory=list)


class World:
    def __init__(self, spec: Scenario, seed: int | None = None) -> None:
        self.spec = spec
        self.rooms = {room.id: RoomState(room.volume) for room in spec.rooms}
        self.inflows = {source.id: fit.inflow_m3_h(source, spec.tank) for source in spec.sources}
        self.source_room = {source.id: source.room for source in spec.sources}
        self.source_tank = {source.id: source.tank for source in spec.sources}
        self.open: set[str] = set()
        volumes = {room.id: room.volume for room in spec.rooms}
        self.fans = {
            fan.code: Fan(
                fan,
                fan.flow_m3_h or (fan.air_changes_per_hour or 0.0) * volumes[fan.room],
                fan.running,
            )
            for fan in spec.fans
        }
        tank = spec.tank
        self.liquid_m3 = fit.geometry(tank).volume_at(tank.initial_level_mm) if tank else 0.0
        self.normal_draw_m3_h = (
            tank.monthly_draw_kg / HOURS_PER_MONTH / tank.density_kg_m3 if tank else 0.0
        )
        #: Liquid m³ per gas m³ at room conditions (the inverse of the expansion).
        self.liquid_per_gas = (
            1.0 / gas_volume_from_mass(tank.density_kg_m3, tank.fluid, fit.ROOM_C) if tank else 0.0
        )
        self.seed = spec.seed if seed is None else seed
        self.log = WorldLog()
        #: Lowest O2 fraction per room once an exhaust fan ran there, and seconds spent
        #: below the 19.5 % low alarm level (GB/T 50493-2019), tracked at every step.
        self.lowest_with_exhaust: dict[str, float] = {}
        self.seconds_below_low: dict[str, float] = dict.fromkeys(self.rooms, 0.0)

    # -- state -----------------------------------------------------------------------

    def o2_percent(self, room: str) -> float:
        return self.rooms[room].o2 * 100

    def level_mm(self) -> float:
        tank = self.spec.tank
        return fit.geometry(tank).level_at(max(self.liquid_m3, 0.0)) if tank else 0.0

    # -- time ----------------------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        hours = seconds / 3600
        extracts: dict[str, float] = {}
        for fan in self.fans.values():
            if fan.running and not fan.failed:
                extracts[fan.spec.room] = extracts.get(fan.spec.room, 0.0) + fan.flow_m3_h
        inflows: dict[str, float] = {}
        for source in self.open:
            room = self.source_room[source]
            inflows[room] = inflows.get(room, 0.0) + self.inflows[source]
        for room, state in self.rooms.items():
            extract, inflow = extracts.get(room, 0.0), inflows.get(room, 0.0)
            if extract or inflow:  # a still room keeps its air
                state = self.rooms[room] = state.step(hours, inflow, extract)
            if state.o2 < CROSSINGS[0]:
                self.seconds_below_low[room] += seconds
            if extract:
                self.lowest_with_exhaust[room] = min(
                    state.o2, self.lowest_with_exhaust.get(room, state.o2)
                )
        if self.spec.tank is not None:
            drawn_gas = sum(self.inflows[s] for s in self.open if self.source_tank[s])
            self.liquid_m3 -= (self.normal_draw_m3_h + drawn_gas * self.liquid_per_gas) * hours

    def start_due(self, now: datetime) -> list[Confirmation]:
        """Fans whose start delay ran out by ``now`` move air and confirm their command."""
        confirmed = []
        for fan in self.fans.values():
            due = [(at, command) for at, command in fan.starting if at <= now]
            for at, command in due:
                fan.starting.remove((at, command))
                if fan.failed:
                    continue  # a dead motor answers nothing
                if not fan.running:
                    fan.running = True
                    self.log.entries.append((at, "fan_started", {"fan": fan.spec.code}))
                confirmed.append(Confirmation(command, at))
        return confirmed

    # -- inputs ----------------------------------------------------------------------

    def command(self, fan_code: str, action: str, command_id: str, sent_at: datetime) -> None:
        fan = self.fans.get(fan_code)
        if fan is None or action != "start_fan":
            return
        fan.starting.append((sent_at + timedelta(seconds=fan.spec.start_delay_s), command_id))

    def release(self, source: str, active: bool) -> None:
        (self.open.add if active else self.open.discard)(source)

    def fan_fails(self, fan_code: str, failed: bool, at: datetime) -> None:
        fan = self.fans[fan_code]
        fan.failed = failed
        self.log.entries.append((at, "fan_failed" if failed else "fan_restored", {"fan": fan_code}))

    # -- sensors ---------------------------------------------------------------------

    def sampler(self, sensors: Sequence[SensorSpec]) -> Sampler:
        return Sampler(self, sensors)


#: Digits a device reports and the highest value it can show, by kind.
DISPLAY = {"tank_level": (1, 100_000.0), "o2": (2, 100.0)}


class Sampler:
    """Reads a fixed set of sensors together: the true value plus seeded Gaussian noise,
    rounded and clipped as the device would show it. One vector operation per instant
    instead of one random draw per sensor: a day of 50 sensors at 1 s is 4.3 M readings."""

    def __init__(self, world: World, sensors: Sequence[SensorSpec]) -> None:
        self.world = world
        self.sensors = list(sensors)
        self.rooms = list(world.rooms)
        # each sensor reads one source: a room's O2 (by position) or the tank (last)
        self.source = np.array(
            [
                len(self.rooms) if s.kind == "tank_level" else self.rooms.index(s.room or "")
                for s in self.sensors
            ]
        )
        self.noise = np.array([s.noise for s in self.sensors])
        # a noise stream of its own, named by its sensors: adding a detector to a room (the
        # two 2·7 variants) leaves every other sensor's readings as they were
        codes = ",".join(s.code for s in self.sensors).encode()
        self.random = np.random.default_rng([world.seed, zlib.crc32(codes)])
        self.scale = np.array([10.0 ** DISPLAY[s.kind][0] for s in self.sensors])
        self.ceiling = np.array([DISPLAY[s.kind][1] for s in self.sensors])

    def read(self) -> list[float]:
        world = self.world
        sources = [world.rooms[room].o2 * 100 for room in self.rooms]
        sources.append(world.level_mm())
        true = np.array(sources)[self.source]
        noisy = true + self.noise * self.random.standard_normal(len(self.sensors))
        shown = np.round(noisy * self.scale) / self.scale
        values: list[float] = np.clip(shown, 0.0, self.ceiling).tolist()
        return values
