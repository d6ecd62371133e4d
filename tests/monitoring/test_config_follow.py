"""Configuration changed by another process reaches every engine within a tick (issue 17):
the engine follows the audit entries of points and devices (``core.audit.follow``), in one
process (a change the CLI committed) and in the partitioned mode (a change made through the
API reaches the worker that owns the site), and reads nothing again while nothing changed.

The partitioned test runs a worker in this process against the real NATS server and
PostgreSQL, on a stream of its own; missing services skip locally and fail under ``CI=true``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import event, func, select

from hazwatch.core.audit import service as audit
from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring import service
from hazwatch.monitoring.choices import Condition
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.events import Event
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.models import Alarm, AlarmEvent, IngestRejection, Reading
from hazwatch.monitoring.schemas import PointPatch
from hazwatch.monitoring.sharding import partition_of
from hazwatch.monitoring.workers.stream import StreamLink, message_id, subject_for
from hazwatch.registry.models import Room
from tests.monitoring.conftest import PARTITIONS, Partitioned, Plant, alarm_changes, owner, wait_for


def _o2(at: datetime, value: float) -> ReadingIn:
    return ReadingIn("O2-DRY1", at, value, "%vol")


def _limit(engine: MonitoringEngine, point_id: int, condition: Condition) -> float | None:
    config = engine.point(point_id)
    assert config is not None
    return dict(config.limits).get(condition)


@contextmanager
def statements(context: Context) -> Iterator[list[str]]:
    """Every SQL statement the engine's database is sent meanwhile."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(context.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(context.engine, "before_cursor_execute", record)


def _reading_config(sent: list[str]) -> list[str]:
    return [s for s in sent if "FROM measurement_point" in s or "FROM device" in s]


def test_a_change_committed_by_another_process_reaches_the_engine_at_its_tick(
    context: Context,
    plant: Plant,
    engine: MonitoringEngine,
    events: list[Event],
    clock: ManualClock,
) -> None:
    """A new low-low limit and a revoked device, committed in a unit of work of their own
    (as ``hazwatch`` commands and other processes do, never calling the engine): taken in at
    the next tick, the low alarm already active staying as it was, then the new limit
    raising the low-low alarm the old one would not have."""
    now = clock.now()
    engine.submit([_o2(now, 19.0)])  # below low (19.5): the low alarm
    assert [c.condition for c in alarm_changes(events)] == ["low"]
    with context.unit_of_work() as session:
        service.update_point(
            session, SYSTEM, plant.o2_point, PointPatch(low_low=Decimal("18.5"), reason="drill")
        )
        service.revoke_device(session, SYSTEM, plant.device_id)
    assert _limit(engine, plant.o2_point, Condition.LOW_LOW) == 18.0  # not told yet
    assert engine.device_for_secret(plant.device_token) is not None

    clock.advance(timedelta(seconds=1))
    engine.tick()
    assert _limit(engine, plant.o2_point, Condition.LOW_LOW) == 18.5
    device = engine.device("GW-LAB")
    assert device is not None and device.revoked_at is not None
    assert engine.device_for_secret(plant.device_token) is None
    assert engine.config_reloads == 1
    assert len(alarm_changes(events)) == 1  # nothing raised or cleared by taking it in
    present = engine.present(plant.o2_point)
    assert present is not None and present.conditions == ("low",)

    engine.submit([_o2(clock.now(), 18.2)])  # above the old low-low (18), below the new
    assert [(c.condition, c.value) for c in alarm_changes(events)[1:]] == [("low_low", 18.2)]
    with context.sessions() as session:
        active = session.scalars(select(Alarm.condition).where(Alarm.active)).all()
    assert sorted(active) == ["low", "low_low"]


#: Another process revoking a device, as a ``hazwatch`` command would: its own context,
#: its own connection, its own audit revision counter.
REVOKE_ELSEWHERE = """
import sys
from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.context import build_context
from hazwatch.core.settings import Settings
from hazwatch.monitoring import service

context = build_context(Settings(database_url=sys.argv[1], ingest_enabled=False))
with context.unit_of_work() as session:
    service.revoke_device(session, SYSTEM, int(sys.argv[2]))
context.dispose()
"""


def test_another_process_s_change_moves_this_process_s_revision_at_the_tick(
    context: Context, plant: Plant, engine: MonitoringEngine
) -> None:
    """A device revoked by another process: the engine refuses its token after its next
    tick, and ``audit.revision()`` (which escalation ladders, tank tuning, modelled rooms and
    calibration due dates compare) moves with it, though this process committed nothing."""
    before = audit.revision()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            REVOKE_ELSEWHERE,
            str(context.engine.url.render_as_string(hide_password=False)),
            str(plant.device_id),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert engine.device_for_secret(plant.device_token) is not None  # not looked yet
    assert audit.revision() == before
    engine.tick()
    assert engine.device_for_secret(plant.device_token) is None
    assert audit.revision() != before


def test_nothing_is_read_again_while_no_point_or_device_changes(
    context: Context, plant: Plant, engine: MonitoringEngine, clock: ManualClock
) -> None:
    """Alarms raised, acknowledged and cleared, and audited changes of other tables, move
    the audit chain; the engine's ticks read its head and the entries after it, never the
    points or devices. A changed point is then read alone."""
    with statements(context) as sent:
        for step in range(4):
            clock.advance(timedelta(seconds=5))
            engine.submit([_o2(clock.now(), 19.0 if step % 2 == 0 else 20.9)])
            engine.tick()
    with context.unit_of_work() as session:  # not the engine's statements
        room = session.get(Room, plant.demo["dry_room_1"])
        assert room is not None
        room.name = f"{room.name} (renamed)"
        (alarm_id,) = session.scalars(select(Alarm.id)).all()
    with statements(context) as later:
        engine.acknowledge(alarm_id, SYSTEM)
        clock.advance(timedelta(seconds=1))
        engine.tick()
    sent += later
    assert engine.config_reloads == 0
    assert _reading_config(sent) == []
    # a look at the head each of the 5 ticks, and once it moved (the room) again under the
    # engine's lock with the entries after it
    assert sum(s.startswith("SELECT audit_chain_head.seq") for s in sent) == 6
    assert sum(s.startswith("SELECT audit_entry.entity_type") for s in sent) == 1

    with context.unit_of_work() as session:
        service.update_point(
            session, SYSTEM, plant.level_point, PointPatch(low=Decimal("250"), reason="new order")
        )
    with statements(context) as sent:
        engine.tick()
    assert engine.config_reloads == 1
    (read,) = _reading_config(sent)
    assert "measurement_point.id IN" in read
    assert _limit(engine, plant.level_point, Condition.LOW) == 250.0


def _count(context: Context, query: Any) -> int:
    with context.sessions() as session:
        return int(session.scalar(query) or 0)


def test_a_revoked_device_and_a_new_limit_reach_the_worker_that_owns_the_site(
    partitioned: Partitioned, plant: Plant, login_as: Callable[..., dict[str, str]]
) -> None:
    """Changed through the API process, which owns no partition: the owning worker raises
    the low alarm by the new limit, then refuses the revoked device's next message
    (``revoked_device`` recorded, its reading not stored)."""
    api, client = partitioned.context, partitioned.client
    admin = login_as(Role.PLATFORM_ADMIN)
    site = plant.demo["plant"]
    subject = subject_for(api.settings.stream_subject_prefix, PARTITIONS, site, "GW-LAB", "reading")
    bridge = StreamLink(api.settings, "test-bridge")  # as ``hazwatch worker bridge`` puts them

    def publish(at: datetime, value: float) -> None:
        reading = {"point": "O2-DRY1", "ts": at.isoformat(), "value": value, "unit": "%vol"}
        payload = json.dumps(reading).encode()
        bridge.publish(subject, payload, message_id(subject, payload))

    stored = select(func.count()).select_from(Reading)
    raised = select(func.count()).select_from(AlarmEvent).where(AlarmEvent.event == "raise")
    refused = (
        select(func.count())
        .select_from(IngestRejection)
        .where(IngestRejection.reason == "revoked_device", IngestRejection.excerpt == "GW-LAB")
    )
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        with owner(api) as worker:
            runtime = worker.runners[partition_of(site, PARTITIONS)].runtime
            assert runtime is not None
            engine = runtime.engine
            publish(now - timedelta(seconds=3), 20.9)
            assert wait_for(lambda: _count(api, stored) == 1, 20)

            patched = client.patch(
                f"/api/monitoring/points/{plant.o2_point}",
                json={"low": "20.5", "reason": "tighter after the 2·7 review"},
                headers=admin,
            )
            assert patched.status_code == 200, patched.text
            assert wait_for(lambda: _limit(engine, plant.o2_point, Condition.LOW) == 20.5, 20)
            publish(now - timedelta(seconds=2), 20.2)  # above the old low (19.5)
            assert wait_for(lambda: _count(api, raised) == 1, 20)
            with api.sessions() as session:
                alarm = session.scalars(select(Alarm).where(Alarm.active)).one()
            assert (alarm.condition, alarm.value) == ("low", 20.2)

            revoked = client.post(
                f"/api/monitoring/devices/{plant.device_id}/revoke", headers=admin
            )
            assert revoked.status_code == 200, revoked.text
            assert wait_for(lambda: getattr(engine.device("GW-LAB"), "revoked_at", None), 20)
            publish(now - timedelta(seconds=1), 20.3)
            assert wait_for(lambda: _count(api, refused) == 1, 20)
            assert _count(api, stored) == 2
            assert engine.config_reloads == 2  # the limit, the device: nothing else
    finally:
        bridge.close()
