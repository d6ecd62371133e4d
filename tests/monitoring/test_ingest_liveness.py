"""Ingest that never silently stops (issue 11, "Ingest liveness"): against the real broker,
a private Mosquitto we restart, and a TCP proxy we cut."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.events import EventBus
from hazwatch.monitoring.interlocks.models import InterlockCommand, InterlockRule
from hazwatch.monitoring.interlocks.service import handle_ack
from hazwatch.monitoring.models import Reading
from hazwatch.monitoring.runtime import EngineRuntime
from tests.monitoring.conftest import Plant, wait_for
from tests.monitoring.proxy import proxy
from tests.monitoring.test_mqtt import _listening, count, free_port, ingest_for, publisher
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
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        require("mosquitto binary", "mqtt://127.0.0.1:1", 1)
    port = free_port()
    config = tmp_path / "volatile.conf"
    config.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    processes: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        processes.append(process)
        assert wait_for(lambda: _listening(port), 5)
        return process

    start.port = port  # type: ignore[attr-defined]
    yield start
    for process in processes:
        process.terminate()
        process.wait(5)


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
