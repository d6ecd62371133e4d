"""The present and the live events of the partitioned mode, seen from the API process
(``monitoring.present``, ``monitoring.workers.live``): the workers own the points' engines,
the API shows what they persist and announce.

The worker runs in this process on a stream and subjects private to the test (the fixtures
of ``test_worker_control``), against the real NATS server and PostgreSQL; missing services
skip locally and fail under ``CI=true``. The rules of the stored present are checked without
them.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from hazwatch.api.app import create_app
from hazwatch.core.auth.models import UserAccount
from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.core.i18n import translate
from hazwatch.core.scope import visible_organisations
from hazwatch.monitoring import present as stored
from hazwatch.monitoring.escalation.models import Contact, EscalationStep
from hazwatch.monitoring.live import LiveHub, Subscriber
from hazwatch.monitoring.models import PointState
from hazwatch.monitoring.present import PersistedPresent
from hazwatch.monitoring.runtime import EngineRuntime
from hazwatch.monitoring.workers.stream import StreamLink, message_id, subject_for
from hazwatch.registry.models import Door
from hazwatch.web.layout import banner_state
from hazwatch.web.rooms import room_views
from tests.monitoring.conftest import Plant, owner, partitioned_app, wait_for
from tests.monitoring.test_access_fleet import ask
from tests.monitoring.test_worker_control import Login, console_bound


class Listener:
    """Console subscribers of a hub on an event loop of their own, what each got kept."""

    def __init__(self, hub: LiveHub) -> None:
        self.hub = hub
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.subscribers: list[Subscriber] = []
        self.tasks: list[asyncio.Task[None]] = []

    def subscribe(self, organisations: frozenset[int]) -> list[dict[str, Any]]:
        got: list[dict[str, Any]] = []

        async def follow() -> None:
            subscriber = self.hub.subscribe(organisations)
            self.subscribers.append(subscriber)

            async def drain() -> None:
                while True:
                    got.append(await subscriber.queue.get())

            self.tasks.append(self.loop.create_task(drain()))

        asyncio.run_coroutine_threadsafe(follow(), self.loop).result(5)
        return got

    def settle(self) -> None:
        """Every hand-over to this loop scheduled so far has run."""

        async def nothing() -> None:
            await asyncio.sleep(0.05)

        asyncio.run_coroutine_threadsafe(nothing(), self.loop).result(5)

    def close(self) -> None:
        for subscriber in self.subscribers:
            self.hub.unsubscribe(subscriber)
        for task in self.tasks:
            self.loop.call_soon_threadsafe(task.cancel)
        self.settle()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def _status(client: Any, headers: dict[str, str], point_id: int) -> dict[str, Any]:
    answer = client.get("/api/monitoring/points/status", headers=headers)
    assert answer.status_code == 200, answer.text
    (found,) = [s for s in answer.json() if s["point_id"] == point_id]
    return dict(found)


def test_a_low_reading_a_worker_takes_reaches_the_api_present_and_its_tenants_console_only(
    context: Context, plant: Plant, login_as: Login, clock: ManualClock
) -> None:
    """A low O2 reading published into the site's stream subject: the owning worker raises
    the alarm; the API process shows the new value and the condition, its hub hands the
    point update, the alarm and the ladder's console notice to the lab's console, and
    nothing of it to another organisation's."""
    lab = plant.demo["lab"]
    with context.unit_of_work() as session:
        session.add(
            Contact(organisation_id=lab, role="duty_officer", channel="console", address="")
        )
        session.add(EscalationStep(organisation_id=lab, after_minutes=0, target="duty_officer"))
    clock.set(datetime.now(UTC))  # the worker's clock is the system's
    with context.unit_of_work() as session:  # what the API process finds when it starts
        session.merge(
            PointState(
                point_id=plant.o2_point,
                at=clock.now() - timedelta(seconds=2),
                value=20.9,
                quality="good",
                conditions=[],
            )
        )
    with partitioned_app(context, ingest_enabled=True) as app:
        api, client = app.context, app.client
        runtime: EngineRuntime = client.app.state.runtime  # type: ignore[attr-defined]
        headers = login_as(Role.SAFETY_OFFICER, organisation_id=lab, username="lab-operator")
        with api.sessions() as session:
            user = session.scalars(
                select(UserAccount).where(UserAccount.username == "lab-operator")
            ).one()
            who = Principal(user.id, user.username, Role(user.role), user.organisation_id)
            seen_by_lab = visible_organisations(session, who)
        assert seen_by_lab is not None and plant.demo["chem"] not in seen_by_lab
        listener = Listener(runtime.hub)
        try:
            lab_got = listener.subscribe(seen_by_lab)
            chem_got = listener.subscribe(frozenset({plant.demo["chem"]}))
            with owner(api):
                assert wait_for(lambda: runtime.relay is not None and runtime.relay.connected(), 20)
                link = StreamLink(api.settings, "test-device")
                try:
                    subject = subject_for(
                        api.settings.stream_subject_prefix,
                        api.settings.stream_partitions,
                        plant.demo["plant"],
                        "GW-LAB",
                        "reading",
                    )
                    reading = {
                        "point": "O2-DRY1",
                        "ts": datetime.now(UTC).isoformat(),
                        "value": 18.7,
                        "unit": "%vol",
                    }
                    payload = orjson.dumps(reading)
                    link.publish(subject, payload, message_id(subject, payload))
                finally:
                    link.close()

                def shown() -> bool:
                    now = _status(client, headers, plant.o2_point)
                    return now["value"] == 18.7 and "low" in now["conditions"]

                assert wait_for(shown, 20), _status(client, headers, plant.o2_point)
                assert _status(client, headers, plant.o2_point)["quality"] == "good"

                def heard(kind: str, **fields: Any) -> bool:
                    return any(
                        body["type"] == kind and all(body.get(k) == v for k, v in fields.items())
                        for body in list(lab_got)
                    )

                assert wait_for(
                    lambda: (
                        heard("alarm", point_id=plant.o2_point, condition="low")
                        and heard("point", point_id=plant.o2_point, value=18.7)
                        and heard("notification")
                    ),
                    20,
                ), lab_got
                ready = client.get("/readyz").json()
                assert not {"present_unavailable", "live_unavailable"} & set(
                    ready.get("reasons", [])
                ), ready
            listener.settle()
            assert chem_got == []
            assert all(body.get("organisation_id") in seen_by_lab for body in lab_got)
        finally:
            listener.close()


def test_in_the_partitioned_mode_the_api_reads_and_checks_doors_on_the_stored_present(
    context: Context, plant: Plant, login_as: Login, clock: ManualClock
) -> None:
    """What a worker stores is what the API shows and its door checks decide on, not what
    its own engine loaded at start; a stored reading grown older than its stale limit and
    the storage heartbeat reads stale, whatever it last said."""

    def stored(value: float, conditions: list[str]) -> None:
        with context.unit_of_work() as session:
            session.merge(
                PointState(
                    point_id=plant.o2_point,
                    at=clock.now(),
                    value=value,
                    quality="good",
                    conditions=conditions,
                )
            )

    stored(20.9, [])
    with context.unit_of_work() as session:  # the gateway is also the entrance's reader
        entrance = session.scalar(select(Door).where(Door.code == "LAB-ENTRANCE"))
        assert entrance is not None
        entrance.reader_device_id = plant.device_id
    with partitioned_app(context) as app:
        client = app.client
        headers = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
        runtime: EngineRuntime = client.app.state.runtime  # type: ignore[attr-defined]
        assert runtime.persisted is not None
        now = _status(client, headers, plant.o2_point)
        assert (now["quality"], now["value"]) == ("good", 20.9)
        assert ask(client, plant.device_token) == ("allow", [])
        clock.advance(timedelta(seconds=1))
        stored(18.9, ["low"])  # as the owning worker stores a low reading
        runtime.persisted.refresh()
        now = _status(client, headers, plant.o2_point)
        assert (now["quality"], now["value"], now["conditions"]) == ("good", 18.9, ["low"])
        assert ask(client, plant.device_token) == ("deny", ["access.reason.o2_alarm"])
        lab = Principal(None, "lab", Role.SAFETY_OFFICER, plant.demo["lab"])
        with context.sessions() as session:  # the room cards of the plan and room pages
            (card,) = room_views(
                session, lab, room_id=plant.demo["dry_room_1"], present=runtime.present
            )
        assert [(p.value, p.conditions) for p in card.points] == [(18.9, ("low",))]
        # 10 s expected: stale 15 s after the reading, the heartbeat (60 s) on top
        clock.advance(timedelta(seconds=76))
        now = _status(client, headers, plant.o2_point)
        assert (now["quality"], now["value"]) == ("stale", None)


def test_the_stored_present_reads_stale_and_unknown_as_it_must(
    context: Context, plant: Plant, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without services: alarms add their conditions; a reading heard live keeps a point
    current past its stored one, not past its own stale limit; a snapshot grown old (the
    database away) reads unknown; a point without a stored state is unknown."""
    t0 = clock.now()
    with context.unit_of_work() as session:
        session.merge(
            PointState(point_id=plant.o2_point, at=t0, value=19.0, quality="good", conditions=[])
        )
        session.add(plant.low_alarm(t0))
    present = PersistedPresent(context)
    present.refresh()
    assert present.present(plant.o2_point) == (t0, 19.0, "good", ("low",))
    assert present.present(plant.level_point) == (None, None, "unknown", ())
    later = t0 + timedelta(seconds=70)
    present.heard(
        {"point_id": plant.o2_point, "at": later.isoformat(), "value": 18.9, "quality": "good"}
    )
    clock.set(t0 + timedelta(seconds=80))  # the stored reading's limit passed, the heard not
    assert present.present(plant.o2_point) == (later, 18.9, "good", ("low",))
    clock.set(later + timedelta(seconds=16))
    assert present.present(plant.o2_point) == (later, None, "stale", ("low",))
    present.stored = replace(present.stored, taken_at=time.monotonic() - stored.MAX_AGE_S - 1)
    monkeypatch.setattr(present, "refresh", _database_away)
    assert present.present(plant.o2_point) == (t0, None, "unknown", ("low",))


def _database_away() -> None:
    raise OperationalError("SELECT", {}, Exception("gone"))


def test_the_api_says_when_it_cannot_vouch_for_the_present(
    context: Context, plant: Plant, login_as: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without services: the stream server out of reach, the API is not ready for want of
    the workers' live events; the stored present out of reach too, every point reads
    unknown and readiness says so."""
    settings = context.settings.model_copy(
        update={"stream_url": "nats://127.0.0.1:9", "ingest_enabled": True}
    )
    api = replace(context, settings=settings)
    with context.unit_of_work() as session:
        good = PointState(
            point_id=plant.o2_point, at=context.clock.now(), value=20.9, quality="good"
        )
        session.merge(good)
    with TestClient(create_app(api, console=False)) as client:
        runtime: EngineRuntime = client.app.state.runtime  # type: ignore[attr-defined]
        assert runtime.persisted is not None
        assert wait_for(lambda: runtime.persisted is not None and runtime.persisted.fresh())
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json()["reasons"] == ["live_unavailable"]
        with console_bound(api, client):  # every console page's banner says it too
            assert banner_state() == "live_unavailable"
        monkeypatch.setattr(runtime.persisted, "refresh", _database_away)
        runtime.persisted.stored = replace(
            runtime.persisted.stored, taken_at=time.monotonic() - stored.MAX_AGE_S - 1
        )
        ready = client.get("/readyz")
        assert ready.json()["reasons"] == ["present_unavailable", "live_unavailable"]
        with console_bound(api, client):
            assert banner_state() == "present_unavailable"
            assert translate("ingest.console.present_unavailable", "zh_CN").startswith("无法读取")
        headers = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
        assert _status(client, headers, plant.o2_point)["quality"] == "unknown"
