"""Modelled O2 in the 2·7 room as it was (no detector): the tank's excess draw drives the
room model, the modelled point alarms and the door refuses entry."""

from __future__ import annotations

from datetime import timedelta

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring import service
from hazwatch.monitoring.access import service as access
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.runtime import EngineRuntime
from hazwatch.monitoring.schemas import PointIn
from hazwatch.registry.demo import DemoIds, load_demo


def setup(context: Context) -> DemoIds:
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
        service.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=demo["plant"],
                organisation_id=demo["lab"],
                room_id=demo["dry_room_1"],
                code="O2M-DRY1",
                kind=PointKind.O2_MODELLED,
                expected_interval_s=120,
            ),
        )
    return demo


def test_modelled_oxygen_follows_the_tank_and_closes_the_door(
    context: Context, clock: ManualClock
) -> None:
    setup(context)
    runtime = EngineRuntime(context)
    engine = runtime.engine
    t0, level = clock.now(), 2000.0
    for step in range(1, 19):  # 90 min at 5 min: 30 min normal, then the 2·7 leak
        clock.set(t0 + timedelta(minutes=5 * step))
        level -= (3.43 + (30.9 if step > 6 else 0.0)) * 5 / 60
        engine.submit([ReadingIn("LT-LN2", clock.now(), level, "mm")])
        engine.tick()
    quality, value, conditions = engine.point_facts(
        next(p.id for p in engine.points() if p.code == "O2M-DRY1")
    )
    # 60 min of a ~43 m³/h nitrogen inflow into 83.1 m³: well below 19.5 %
    assert quality == "good" and value is not None and value < 14.0
    assert "low" in conditions and "low_low" in conditions
    with context.unit_of_work() as session:
        decision = access.check(
            session, door_code="LAB-ENTRANCE", person="worker", purpose="work", now=clock.now()
        )
    o2_reasons = [r for r in decision.reasons if r["code"] == "access.reason.o2_alarm"]
    assert not decision.allowed and o2_reasons and o2_reasons[0]["params"]["modelled"] is True


def test_without_fresh_tank_data_the_modelled_value_is_unknown(
    context: Context, clock: ManualClock
) -> None:
    setup(context)
    runtime = EngineRuntime(context)
    runtime.engine.submit([ReadingIn("LT-LN2", clock.now(), 2000.0, "mm")])
    clock.advance(timedelta(minutes=20))  # the tank gauge went quiet
    runtime.engine.tick()
    point = next(p.id for p in runtime.engine.points() if p.code == "O2M-DRY1")
    quality, value, _conditions = runtime.engine.point_facts(point)
    assert quality == "fault" and value is None
