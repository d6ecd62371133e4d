"""The alarm engine's ISA-18.2 lifecycle, delays, stale/fault handling and ingest checks."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.core.errors import InvalidInput
from hazwatch.core.i18n import LANGUAGES, translate
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.events import Event
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.models import Alarm, AlarmEvent, PointState, Reading, ReadingMinute
from tests.monitoring.conftest import Plant, alarm_changes

OFFICER = Principal(user_id=1, username="duty", role=Role.SAFETY_OFFICER)


def o2(ts: datetime, value: float | None, fault: str | None = None) -> ReadingIn:
    return ReadingIn(point="O2-DRY1", ts=ts, value=value, unit="%vol", fault=fault)


def states(context: Context) -> dict[str, str]:
    with context.sessions() as session:
        return {a.condition: a.state for a in session.scalars(select(Alarm))}


def test_low_oxygen_lifecycle(
    engine: MonitoringEngine, clock: ManualClock, context: Context, events: list[Event]
) -> None:
    t = clock.now()
    engine.submit([o2(t, 20.9), o2(t + timedelta(seconds=5), 19.4)])
    assert states(context) == {"low": "active_unack"}
    change = alarm_changes(events)[-1]
    assert (change.condition, change.state, change.priority) == ("low", "active_unack", "high")
    assert change.message_key == "monitoring.alarm.low"
    engine.submit([o2(t + timedelta(seconds=10), 17.5)])
    assert states(context) == {"low": "active_unack", "low_low": "active_unack"}
    alarm_id = alarm_changes(events)[-1].alarm_id
    engine.acknowledge(alarm_id, OFFICER, "exhaust started")
    assert states(context)["low_low"] == "active_ack"
    # Recovery needs the deadband (18 + 0.2) and the 10 s off-delay.
    engine.submit([o2(t + timedelta(seconds=20), 18.1)])
    assert states(context)["low_low"] == "active_ack"
    engine.submit([o2(t + timedelta(seconds=25), 18.3)])
    assert states(context)["low_low"] == "active_ack"  # off-delay still running
    engine.submit([o2(t + timedelta(seconds=36), 18.4)])
    assert states(context)["low_low"] == "normal"  # acknowledged and returned
    assert states(context)["low"] == "active_unack"
    with context.sessions() as session:
        history = session.scalars(
            select(AlarmEvent).where(AlarmEvent.alarm_id == alarm_id).order_by(AlarmEvent.id)
        ).all()
    assert [(e.event, e.actor) for e in history] == [
        ("raise", None),
        ("ack", "duty"),
        ("clear", None),
    ]


def test_return_to_normal_unacknowledged(
    engine: MonitoringEngine, clock: ManualClock, context: Context
) -> None:
    t = clock.now()
    engine.submit(
        [o2(t, 19.0), o2(t + timedelta(seconds=5), 20.9), o2(t + timedelta(seconds=16), 20.9)]
    )
    assert states(context) == {"low": "rtn_unack"}
    with context.sessions() as session:
        alarm_id = session.scalar(select(Alarm.id))
    assert alarm_id is not None
    engine.acknowledge(alarm_id, OFFICER)
    assert states(context) == {"low": "normal"}


def test_exactly_at_the_setpoint_is_not_an_alarm(
    engine: MonitoringEngine, clock: ManualClock, context: Context
) -> None:
    engine.submit([o2(clock.now(), 19.5)])
    assert states(context) == {}


def test_on_delay_for_tank_level(
    engine: MonitoringEngine, clock: ManualClock, context: Context
) -> None:
    t = clock.now()
    level = [
        ReadingIn("LT-LN2", t + timedelta(seconds=s), v, "mm") for s, v in ((0, 290.0), (30, 280.0))
    ]
    engine.submit(level)
    assert states(context) == {}
    engine.submit([ReadingIn("LT-LN2", t + timedelta(seconds=61), 275.0, "mm")])
    assert states(context) == {"low": "active_unack"}


def test_stale_point_is_unknown_until_it_reports(
    engine: MonitoringEngine, clock: ManualClock, context: Context
) -> None:
    t = clock.now()
    engine.submit([o2(t, 20.9)])
    engine.tick(t + timedelta(seconds=14))
    assert "stale" not in states(context)
    engine.tick(t + timedelta(seconds=16))
    assert states(context)["stale"] == "active_unack"
    with context.sessions() as session:
        state = session.get(PointState, engine.points()[0].id)
        assert state is not None and state.quality == "stale" and state.value is None
    engine.submit([o2(t + timedelta(seconds=20), 20.9)])
    assert states(context)["stale"] == "rtn_unack"


def test_fault_code_makes_the_value_unknown(
    engine: MonitoringEngine, clock: ManualClock, context: Context
) -> None:
    engine.submit([o2(clock.now(), None, fault="E07-sensor-cell")])
    assert states(context) == {"fault": "active_unack"}
    with context.sessions() as session:
        state = session.scalar(select(PointState).where(PointState.quality == "fault"))
    assert state is not None and state.value is None


def test_a_cleared_fault_keeps_its_message(
    engine: MonitoringEngine, clock: ManualClock, context: Context
) -> None:
    """The clearing reading carries no fault code: the alarm keeps the message it was raised
    with (it read "{point} reports a fault ({fault})" after the fault cleared)."""
    engine.submit([o2(clock.now(), None, fault="E07-sensor-cell")])
    clock.advance(timedelta(seconds=5))
    engine.submit([o2(clock.now(), 20.9)])
    assert states(context)["fault"] == "rtn_unack"
    with context.sessions() as session:
        alarm = session.scalars(select(Alarm).where(Alarm.condition == "fault")).one()
        shown = {lang: translate(alarm.message_key, lang, **alarm.params) for lang in LANGUAGES}
    for text in shown.values():
        assert "E07-sensor-cell" in text and "O2-DRY1" in text and "{" not in text, shown


def test_shelving_needs_reason_and_expires(
    engine: MonitoringEngine, clock: ManualClock, context: Context, events: list[Event]
) -> None:
    t = clock.now()
    engine.submit([o2(t, 19.0)])
    alarm_id = alarm_changes(events)[-1].alarm_id
    with pytest.raises(InvalidInput):
        engine.shelve(alarm_id, OFFICER, " ", t + timedelta(hours=1))
    with pytest.raises(InvalidInput):
        engine.shelve(alarm_id, OFFICER, "calibration", t - timedelta(minutes=1))
    engine.shelve(alarm_id, OFFICER, "detector calibration", t + timedelta(minutes=30))
    assert states(context) == {"low": "shelved"}
    clock.advance(timedelta(minutes=31))
    engine.tick()
    assert states(context)["low"] == "active_unack"  # (and stale: 31 min without a reading)
    assert any(c.previous_state == "shelved" for c in alarm_changes(events))


def test_out_of_service_point_is_unknown(
    engine: MonitoringEngine, clock: ManualClock, context: Context, plant: Plant
) -> None:
    engine.submit([o2(clock.now(), 19.0)])
    engine.set_out_of_service(plant.o2_point, OFFICER, "detector removed for repair", True)
    assert states(context) == {"low": "out_of_service"}
    with context.sessions() as session:
        state = session.get(PointState, plant.o2_point)
        assert state is not None and state.quality == "out_of_service" and state.value is None


def test_duplicates_late_and_rejected_readings(
    engine: MonitoringEngine, clock: ManualClock, context: Context
) -> None:
    t = clock.now()
    report = engine.submit([o2(t, 20.9), o2(t, 20.9), o2(t - timedelta(seconds=30), 20.8)])
    assert (report.accepted, report.duplicates, report.late) == (2, 1, 1)
    bad = engine.submit(
        [
            ReadingIn("NO-SUCH", t, 1.0, "%vol"),
            ReadingIn("O2-DRY1", t + timedelta(seconds=1), 20.9, "ppm"),
            ReadingIn("O2-DRY1", t + timedelta(hours=1), 20.9, "%vol"),
            ReadingIn("O2-DRY1", t + timedelta(seconds=2), 140.0, "%vol"),
        ]
    )
    assert [r.reason for r in bad.rejected] == [
        "unknown_point",
        "wrong_unit",
        "future_timestamp",
        "impossible_value",
    ]
    assert engine.counters["rejected.wrong_unit"] == 1
    with context.sessions() as session:
        assert len(session.scalars(select(Reading)).all()) == 2
        from hazwatch.monitoring.models import IngestRejection

        assert len(session.scalars(select(IngestRejection)).all()) == 4
    assert math.isfinite(engine.points()[0].maximum)


def test_external_condition_follows_the_lifecycle(
    engine: MonitoringEngine, clock: ManualClock, context: Context, plant: Plant
) -> None:
    engine.set_condition(
        site_id=plant.demo["plant"],
        source="tank:1",
        condition="leak",
        active=True,
        at=clock.now(),
        organisation_id=plant.demo["lab"],
        params={"rooms": "干燥房1"},
    )
    assert states(context) == {"leak": "active_unack"}
    engine.set_condition(
        site_id=plant.demo["plant"],
        source="tank:1",
        condition="leak",
        active=False,
        at=clock.now(),
        organisation_id=plant.demo["lab"],
    )
    assert states(context) == {"leak": "rtn_unack"}


def test_restart_resumes_state_and_ignores_resent_readings(
    engine: MonitoringEngine, clock: ManualClock, context: Context
) -> None:
    t = clock.now()
    engine.submit([o2(t, 19.0)])
    engine.close()  # stopping writes the open minute's aggregate
    restarted = MonitoringEngine(context)
    again = restarted.submit([o2(t, 19.0)])
    assert again.late == 1  # known from point_state: stored once, not re-evaluated
    assert states(context) == {"low": "active_unack"}
    with context.sessions() as session:
        assert len(session.scalars(select(Reading)).all()) == 1
        minute = session.scalars(select(ReadingMinute)).one()
        assert (minute.count, minute.total) == (1, 19.0)  # the aggregate counts it once too
