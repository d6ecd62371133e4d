"""Tank leak alarms in the live engine: the 2·7 level drop denies the rooms the tank feeds."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring import service
from hazwatch.monitoring.access import service as access
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import Alarm
from hazwatch.monitoring.runtime import EngineRuntime
from hazwatch.monitoring.schemas import PointIn
from hazwatch.monitoring.tanks import contracted_draw_mm_h
from hazwatch.registry.demo import load_demo
from hazwatch.registry.models import Tank


def test_contracted_draw_of_the_2_7_tank(context: Context) -> None:
    with context.unit_of_work() as session:
        demo = load_demo(session)
        tank = session.get(Tank, demo["ln2_tank"])
        assert tank is not None
        # 4000 kg/month = 5.56 kg/h; 1.62 kg per mm → 3.43 mm/h
        assert abs(contracted_draw_mm_h(session, tank) - 3.43) < 0.01


def test_leak_on_the_tank_raises_alarms_on_the_fed_rooms_and_closes_the_door(
    context: Context, clock: ManualClock
) -> None:
    with context.unit_of_work() as session:
        demo = load_demo(session)
        service.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=demo["plant"],
                organisation_id=demo["sublessor"],
                tank_id=demo["ln2_tank"],
                code="LT-LN2",
                kind=PointKind.TANK_LEVEL,
                expected_interval_s=300,
            ),
        )
    runtime = EngineRuntime(context)
    t0 = clock.now()
    level, readings = 2000.0, []
    for step in range(1, 12 * 4):  # 4 h at 5 min: 1 h normal, then the 2·7 leak
        at = t0 + timedelta(minutes=5 * step)
        level -= (3.43 + (30.9 if step > 12 else 0.0)) * 5 / 60
        readings.append(ReadingIn("LT-LN2", at, round(level, 1), "mm"))
    clock.set(readings[-1].ts)
    for reading in readings:
        runtime.engine.submit([reading])
    with context.sessions() as session:
        leaks = session.scalars(select(Alarm).where(Alarm.condition == "leak")).all()
    assert {a.room_id for a in leaks} == {demo["dry_room_1"]}
    raised = leaks[0].raised_at
    assert raised is not None and raised - (t0 + timedelta(hours=1)) <= timedelta(hours=1)
    assert "干燥房1" in leaks[0].params["rooms"]
    with context.unit_of_work() as session:
        decision = access.check(
            session, door_code="LAB-ENTRANCE", person="worker", purpose="work", now=clock.now()
        )
    assert any(r["code"] == "access.reason.room_alarm" for r in decision.reasons)
