"""Ingest that never silently stops (issue 11, "Ingest liveness"): against the real broker,
a private Mosquitto we restart, and a TCP proxy we cut."""

from __future__ import annotations

import json
import logging
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring import service
from hazwatch.monitoring.archive import StoredReading
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.events import EventBus
from hazwatch.monitoring.ingest import PayloadError, decode
from hazwatch.monitoring.interlocks.models import InterlockCommand, InterlockRule
from hazwatch.monitoring.interlocks.service import handle_ack
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.models import Alarm, IngestRejection, Reading
from hazwatch.monitoring.runtime import EngineRuntime
from hazwatch.monitoring.schemas import DeviceIn, PointIn
from hazwatch.monitoring.writer import Batch, ReadingWriter
from tests.monitoring.conftest import Plant, wait_for
from tests.monitoring.proxy import proxy
from tests.monitoring.test_mqtt import count, ingest_for, own_broker, publisher
from tests.services import MQTT_URL, require


def live_context(context: Context, url: str = MQTT_URL) -> Context:
    settings = context.settings.model_copy(
        update={
            "mqtt_url": url,
            "mqtt_topic_prefix": f"hwtest-{uuid.uuid4().hex[:8]}",
            "mqtt_client_id": f"engine-{uuid.uuid4().hex[:8]}",
            "ingest_enabled": True,
        }
    )
    return replace(context, settings=settings)


def reading(clock: ManualClock, value: float, seconds: int = 0) -> bytes:
    ts = (clock.now() + timedelta(seconds=seconds)).isoformat()
    return json.dumps({"point": "O2-DRY1", "ts": ts, "value": value, "unit": "%vol"}).encode()


def test_actuator_answers_beyond_the_inflight_window_do_not_stop_ingest(
    context: Context, plant: Plant, clock: ManualClock
) -> None:
    """A default Mosquitto keeps 20 unacknowledged QoS 1 messages in flight per client:
    answers on ``cmd/ack`` that were never acknowledged stopped every reading after them."""
    require("MQTT", MQTT_URL, 1883)
    live = live_context(context)
    runtime = EngineRuntime(live)
    runtime.start()
    try:
        assert runtime.ingest is not None
        assert runtime.ingest.connection.connected.wait(10)
        prefix, site = live.settings.mqtt_topic_prefix, plant.demo["plant"]
        client = publisher(1883)
        for i in range(30):
            answer = json.dumps({"command_id": f"unknown-{i}", "ok": True}).encode()
            client.publish(f"{prefix}/v1/{site}/FAN-DRY1/cmd/ack", answer, qos=1).wait_for_publish(
                5
            )
        client.publish(
            f"{prefix}/v1/{site}/GW-LAB/reading", reading(clock, 19.1), qos=1
        ).wait_for_publish(5)
        assert wait_for(lambda: count(context, Reading) == 1, 15), "ingest stopped"
        client.loop_stop()
        client.disconnect()
    finally:
        runtime.stop()


def test_an_answer_confirms_only_a_boolean_from_the_commanded_device(
    context: Context, plant: Plant, clock: ManualClock
) -> None:
    site = plant.demo["plant"]
    with context.unit_of_work() as session:
        rule = InterlockRule(
            organisation_id=plant.demo["lab"],
            site_id=site,
            room_id=plant.demo["dry_room_1"],
            conditions=["low"],
            action="start_fan",
            device_code="FAN-DRY1",
            timeout_s=10,
        )
        session.add(rule)
        session.flush()
        session.add(
            InterlockCommand(
                rule_id=rule.id,
                alarm_id=1,
                organisation_id=plant.demo["lab"],
                command_id="c1",
                action="start_fan",
                device_code="FAN-DRY1",
                sent_at=clock.now(),
                deadline=clock.now() + timedelta(seconds=10),
            )
        )
    runtime = EngineRuntime(context)
    at = clock.now()

    def answer(topic_device: str, payload: object, topic_site: int = site) -> bool:
        topic = f"hazwatch/v1/{topic_site}/{topic_device}/cmd/ack"
        return handle_ack(runtime.interlocks, topic, json.dumps(payload).encode(), at)

    def status() -> str:
        with context.sessions() as session:
            return session.scalars(select(InterlockCommand.status)).one()

    # a string is not a boolean: bool("false") is True, and the fan would count as started
    assert not answer("FAN-DRY1", {"command_id": "c1", "ok": "false"})
    assert not answer("FAN-DRY1", {"command_id": "c1"})  # no answer is not a yes
    assert not answer("FAN-DRY1", {"command_id": 1, "ok": True})
    # another device (or the same code on another site) cannot confirm the fan's command
    assert not answer("GW-LAB", {"command_id": "c1", "ok": True})
    assert not answer("FAN-DRY1", {"command_id": "c1", "ok": True}, topic_site=site + 999)
    assert status() == "sent"
    assert answer("FAN-DRY1", {"command_id": "c1", "ok": False})
    assert status() == "refused"


@pytest.fixture
def volatile_broker(tmp_path: Path) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """A Mosquitto without persistence: a restart forgets every session."""
    yield from own_broker(tmp_path, persistent=False)


def test_a_broker_that_lost_the_session_is_warned_about(
    context: Context,
    plant: Plant,
    volatile_broker: Callable[[], subprocess.Popen[bytes]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = volatile_broker.port  # type: ignore[attr-defined]
    broker = volatile_broker()
    caplog.set_level(logging.INFO, logger="hazwatch.monitoring.mqtt")
    ingest, engine = ingest_for(context, f"mqtt://127.0.0.1:{port}", EventBus())
    try:
        assert ingest.connection.sessions_lost == 0
        assert "no longer holds" not in caplog.text
        broker.terminate()
        broker.wait(5)
        assert wait_for(lambda: not ingest.connection.connected.is_set(), 5)
        volatile_broker()
        assert ingest.connection.connected.wait(40), "engine did not reconnect"
        assert ingest.connection.sessions_lost == 1
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert any("no longer holds the engine's session" in r.getMessage() for r in warnings)
    finally:
        ingest.stop()
        engine.close()


def test_ready_only_once_the_broker_confirmed_the_subscriptions(
    context: Context, plant: Plant, clock: ManualClock
) -> None:
    """A reading published as soon as the engine says connected must be ingested: before the
    SUBACK the broker may not route it to the engine (the first batch of
    test_broker_restart_loses_nothing_and_duplicates_nothing was once lost so)."""
    require("MQTT", MQTT_URL, 1883)
    with proxy(1883, delay_suback=1.5) as slow:
        started = time.monotonic()
        ingest, engine = ingest_for(context, f"mqtt://127.0.0.1:{slow.port}", EventBus())
        try:
            assert time.monotonic() - started >= 1.4, "connected reported before SUBACK"
            client = publisher(1883)
            topic = f"{ingest.prefix}/v1/{plant.demo['plant']}/GW-LAB/reading"
            client.publish(topic, reading(clock, 20.9), qos=1).wait_for_publish(5)
            assert wait_for(lambda: count(context, Reading) == 1, 10)
            client.loop_stop()
            client.disconnect()
        finally:
            ingest.stop()
            engine.close()
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Reading)) == 1


def rejections(context: Context) -> list[tuple[str, str | None]]:
    with context.sessions() as session:
        rows = session.execute(
            select(IngestRejection.reason, IngestRejection.point_code).order_by(IngestRejection.id)
        )
        return [(reason, point) for reason, point in rows]


def _raw(clock: ManualClock, **changes: str) -> bytes:
    """A batch of a good reading and one made bad by replacing a field's JSON text."""
    fields = {
        "point": '"O2-DRY1"',
        "ts": json.dumps((clock.now() - timedelta(seconds=5)).isoformat()),
        "value": "20.4",
        "unit": '"%vol"',
        "seq": "7",
        "status": '"ok"',
    }
    fields.update(changes)
    bad = "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}"
    good = json.dumps(
        {"point": "O2-DRY1", "ts": clock.now().isoformat(), "value": 20.9, "unit": "%vol"}
    )
    return ('{"readings": [' + bad + ", " + good + "]}").encode("utf-8", "surrogatepass")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"seq": str(10**30)}, "out_of_range"),
        ({"seq": str(-(2**63) - 1)}, "out_of_range"),
        ({"value": "9" * 400}, "out_of_range"),
        ({"value": "1e300"}, "out_of_range"),
        ({"value": "NaN"}, "not_finite"),
        ({"value": "Infinity"}, "not_finite"),
        ({"value": "-Infinity"}, "not_finite"),
        ({"point": '"O2-DRY1\\u0000"'}, "bad_text"),
        ({"unit": '"%vol\\u0000"'}, "bad_text"),
        ({"status": '"E\\u0000"'}, "bad_text"),
        ({"point": '"O2-\\ud800"'}, "bad_text"),  # a lone surrogate, escaped
        ({"point": '"O2-\ud800"'}, "bad_text"),  # the same as (invalid UTF-8) bytes
        ({"point": '"' + "P" * 500 + '"'}, "unknown_point"),  # longer than the column
    ],
    ids=lambda v: v if isinstance(v, str) else next(iter(v)) + "=" + repr(v)[8:30],
)
def test_what_the_database_cannot_store_is_refused_at_decode(
    context: Context, plant: Plant, clock: ManualClock, changes: dict[str, str], reason: str
) -> None:
    decoded = decode(_raw(clock, **changes), max_batch=10)
    at_decode = [] if reason == "unknown_point" else [reason]  # the engine knows the points
    assert [r.reason for r in decoded.rejections] == at_decode
    engine = MonitoringEngine(context, EventBus())
    device = engine.device("GW-LAB")
    engine.submit_decoded(decoded, device=device, source="mqtt")
    engine.flush()
    engine.close()
    assert [r for r, _point in rejections(context)] == [reason]
    assert count(context, Reading) == 1  # the good reading of the same batch is stored


def test_invalid_utf8_and_nul_outside_strings_are_malformed_payloads(
    context: Context, plant: Plant
) -> None:
    for payload in (b'{"point": "O2-\xff"}', b'{"point": "O2"}\x00', b"\xed\xa0\x80"):
        with pytest.raises(PayloadError) as refused:
            decode(payload, max_batch=10)
        assert refused.value.reason == "malformed_json"
    with pytest.raises(PayloadError) as refused:
        decode(b'{"token": "hwd_\\u0000", "readings": []}', max_batch=10)
    assert refused.value.reason == "device_token_invalid"
    engine = MonitoringEngine(context, EventBus())
    engine.reject_payload("malformed_json", None, "mqtt", "\x00\ud800" + "x" * 400)
    engine.flush()
    engine.close()
    assert rejections(context) == [("malformed_json", None)]


def test_a_refused_row_does_not_take_the_merged_batch_with_it(
    context: Context, plant: Plant, clock: ManualClock
) -> None:
    """Rows that get past decoding and still cannot be stored (here a seq beyond BIGINT) are
    isolated: the rest of the merged batch, another organisation's readings included, is
    stored, and the refused row is a rejection."""
    now = clock.now()
    bad = Batch(readings=[StoredReading(plant.o2_point, now, 20.9, None, 10**30, None, now)])
    done: list[str] = []
    good = Batch(
        readings=[
            StoredReading(
                plant.level_point, now - timedelta(minutes=i), 500.0 + i, None, i, None, now
            )
            for i in range(95)
        ],
        taken=95,
        after_commit=[lambda: done.append("acknowledged")],
    )
    merged = Batch()
    for part in (good, bad):
        merged.merge(part)
    writer = ReadingWriter(context.engine, threaded=False)
    writer.submit(merged)
    assert count(context, Reading) == 95
    assert done == ["acknowledged"]
    assert writer.refused == 1 and writer.written == 95
    assert [r for r, _point in rejections(context)] == ["not_storable"]


def test_one_devices_bad_readings_over_mqtt_are_rejections_and_the_rest_is_stored(
    context: Context, plant: Plant, clock: ManualClock
) -> None:
    require("MQTT", MQTT_URL, 1883)
    demo = plant.demo
    with context.unit_of_work() as session:
        yard, _token = service.create_device(
            session,
            SYSTEM,
            DeviceIn(site_id=demo["plant"], organisation_id=demo["sublessor"], code="GW-YARD"),
        )
        service.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=demo["plant"],
                organisation_id=demo["sublessor"],
                room_id=demo["tank_yard"],
                device_id=yard.id,
                code="O2-YARD",
                kind=PointKind.O2,
                expected_interval_s=10,
            ),
        )
    ingest, engine = ingest_for(context, MQTT_URL, EventBus())
    try:
        client = publisher(1883)
        site = demo["plant"]
        start = clock.now() - timedelta(seconds=600)

        def good(point: str, i: int) -> dict[str, object]:
            ts = (start + timedelta(seconds=i)).isoformat()
            return {"point": point, "ts": ts, "value": 20.4 + (i % 2) * 0.5, "unit": "%vol"}

        bad_yard = [
            {**good("O2-YARD", 200), "seq": 10**30},
            {**good("O2-YARD", 201), "value": 10**400},
            {**good("O2-YARD", 202), "unit": "%vol\x00"},
        ]
        yard_batch = json.dumps({"readings": [*bad_yard, *(good("O2-YARD", i) for i in range(5))]})
        lab_batch = json.dumps({"readings": [good("O2-DRY1", i) for i in range(95)]})
        for topic, payload in (
            (f"{ingest.prefix}/v1/{site}/GW-YARD/batch", yard_batch.encode()),
            (f"{ingest.prefix}/v1/{site}/GW-LAB/batch", lab_batch.encode()),
            (f"{ingest.prefix}/v1/{site}/GW-YARD/reading", b'{"point": "O2-\xed\xa0\x80"}'),
            (f"{ingest.prefix}/v1/{site}/GW-YARD/reading", b'{"point": "O2-\xff"}'),
        ):
            client.publish(topic, payload, qos=1).wait_for_publish(5)
        assert wait_for(lambda: count(context, Reading) == 100, 15)
        engine.flush()
        assert wait_for(lambda: len(rejections(context)) == 5, 5)
        client.loop_stop()
        client.disconnect()
    finally:
        ingest.stop()
        engine.close()
    assert sorted(r for r, _point in rejections(context)) == [
        "bad_text",
        "bad_text",
        "malformed_json",
        "out_of_range",
        "out_of_range",
    ]


def test_an_alarm_the_database_could_not_take_is_stored_once_it_is_back(
    context: Context, plant: Plant, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's own commit failing (the database away) must not lose the alarm nor
    acknowledge the message: it waits and retries."""
    from sqlalchemy.exc import OperationalError

    from hazwatch.monitoring import alarms as alarm_store

    persist, failures = alarm_store.persist, [2]

    def flaky(session: object, transitions: object) -> None:
        if failures[0]:
            failures[0] -= 1
            raise OperationalError("INSERT", {}, Exception("connection refused"))
        persist(session, transitions)  # type: ignore[arg-type]

    monkeypatch.setattr(alarm_store, "persist", flaky)
    engine = MonitoringEngine(context, EventBus())
    acknowledged: list[bool] = []
    engine.submit(
        [decode(reading(clock, 18.5), max_batch=1).readings[0]],
        after_commit=lambda: acknowledged.append(True),
    )
    engine.flush()
    engine.close()
    assert failures == [0] and acknowledged == [True]
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Alarm)) == 1
