"""Issue #4's acceptance, through the real broker: a low O2 reading published with
mosquitto_pub raises an alarm, pushes it to the console hub and a webhook, starts the
exhaust over MQTT (confirmed by an actuator on the broker), escalates when nobody
acknowledges it, and turns the door check to deny."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid
from datetime import timedelta

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from sqlalchemy import select

from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.access import service as access
from hazwatch.monitoring.escalation.models import Contact, EscalationStep, Notification
from hazwatch.monitoring.events import AlarmChange
from hazwatch.monitoring.interlocks.models import InterlockCommand, InterlockRule
from hazwatch.monitoring.runtime import EngineRuntime
from tests.monitoring.conftest import Plant, Received, wait_for
from tests.services import MQTT_URL, require


def test_low_oxygen_alarm_reaches_people_starts_the_fan_and_closes_the_door(
    context: Context, plant: Plant, clock: ManualClock, webhook: tuple[str, Received]
) -> None:
    require("MQTT", MQTT_URL, 1883)
    url, received = webhook
    lab = plant.demo["lab"]
    with context.unit_of_work() as session:
        session.add_all(
            [
                Contact(
                    organisation_id=lab,
                    role="duty_officer",
                    channel="webhook",
                    address=f"{url}/duty",
                ),
                Contact(
                    organisation_id=lab, role="duty_officer", channel="console", address="console"
                ),
                Contact(
                    organisation_id=lab,
                    role="safety_manager",
                    channel="webhook",
                    address=f"{url}/manager",
                ),
                EscalationStep(organisation_id=lab, after_minutes=0, target="duty_officer"),
                EscalationStep(organisation_id=lab, after_minutes=5, target="safety_manager"),
                InterlockRule(
                    organisation_id=lab,
                    site_id=plant.demo["plant"],
                    room_id=plant.demo["dry_room_1"],
                    conditions=["low", "low_low"],
                    action="start_fan",
                    device_code="FAN-DRY1",
                    timeout_s=10,
                ),
            ]
        )
    prefix = f"hwtest-{uuid.uuid4().hex[:8]}"
    context.settings = context.settings.model_copy(
        update={
            "ingest_enabled": True,
            "mqtt_topic_prefix": prefix,
            "mqtt_client_id": f"engine-{uuid.uuid4().hex[:8]}",
        }
    )
    runtime = EngineRuntime(context)
    changes: list[AlarmChange] = []
    runtime.bus.subscribe(lambda e: changes.append(e) if isinstance(e, AlarmChange) else None)
    fan = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"fan-{uuid.uuid4().hex[:6]}")

    def on_command(client: mqtt.Client, _u: object, message: mqtt.MQTTMessage) -> None:
        command = json.loads(message.payload)
        client.publish(
            message.topic + "/ack",
            json.dumps({"command_id": command["command_id"], "ok": True}),
            qos=1,
        )

    fan.on_message = on_command
    fan.connect("127.0.0.1", 1883)
    fan.subscribe(f"{prefix}/v1/{plant.demo['plant']}/FAN-DRY1/cmd", qos=1)
    fan.loop_start()
    runtime.start()
    try:
        assert runtime.ingest is not None and runtime.ingest.connection.connected.wait(10)
        payload = json.dumps(
            {"point": "O2-DRY1", "ts": clock.now().isoformat(), "value": 19.2, "unit": "%vol"}
        )
        topic = f"{prefix}/v1/{plant.demo['plant']}/GW-LAB/reading"
        published = time.monotonic()
        if shutil.which("mosquitto_pub"):
            subprocess.run(
                ["mosquitto_pub", "-q", "1", "-t", topic, "-m", payload], check=True, timeout=10
            )
        else:
            fan.publish(topic, payload, qos=1).wait_for_publish(5)
        assert wait_for(lambda: any(p.startswith("/duty") for p, _ in received.requests))
        delivered_after = time.monotonic() - published
        assert any(c.condition == "low" and c.state == "active_unack" for c in changes)

        def pushed_to_console() -> bool:
            with context.sessions() as session:
                return (
                    session.scalar(
                        select(Notification).where(
                            Notification.channel == "console", Notification.status == "sent"
                        )
                    )
                    is not None
                )

        assert wait_for(pushed_to_console)
        with context.sessions() as session:
            decision = access.check(
                session, door_code="LAB-ENTRANCE", person="worker", purpose="work", now=clock.now()
            )
        assert not decision.allowed
        assert decision.reasons[0]["code"] == "access.reason.o2_alarm"

        def confirmed() -> bool:
            with context.sessions() as session:
                command = session.scalar(select(InterlockCommand))
                return command is not None and command.status == "confirmed"

        assert wait_for(confirmed)
        clock.advance(timedelta(minutes=5))
        runtime.engine.submit([])  # nothing new: time alone escalates
        runtime.engine.tick()
        runtime.dispatcher.wake()
        assert wait_for(lambda: any(p.startswith("/manager") for p, _ in received.requests))
    finally:
        runtime.stop()
        fan.loop_stop()
        fan.disconnect()
    print(f"alarm delivered to the webhook {delivered_after * 1000:.0f} ms after publishing")
