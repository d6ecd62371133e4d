"""``hazwatch worker bridge``: devices keep publishing over MQTT; the bridge moves their
messages into the stream, each on its site's partition subject: readings, actuators'
answers to interlock commands and the plug-ins' kinds (vehicle positions), so the site's
owner takes them all in order. The commands themselves go out from the owning worker
straight to the broker.

A message is acknowledged to the MQTT broker (persistent session, manual acknowledgement)
only once the stream confirmed it stored it, so a bridge killed at any point leaves the
message with the broker, which redelivers it to the bridge's next run; the stream stores a
re-sent message once (``Nats-Msg-Id``, within its duplicate window) and the workers store a
reading once anyway (point, timestamp). While the stream is away the bridge retries, and the
broker's in-flight window bounds what waits meanwhile.

A NATS server with its own MQTT listener can take the devices directly instead (subjects
``hazwatch.v1.{site}.…`` mapped to the partitions with ``partition(n, …)``; docs/ingest.md).
"""

from __future__ import annotations

import asyncio
import logging
import threading

import paho.mqtt.client as mqtt

from hazwatch.core.settings import Settings
from hazwatch.monitoring.interlocks.service import ANSWER_KIND
from hazwatch.monitoring.mqtt import MqttConnection
from hazwatch.monitoring.runtime import device_topics
from hazwatch.monitoring.workers.stream import StreamLink, message_id, subject_for

log = logging.getLogger(__name__)

RETRY_FIRST_S, RETRY_MAX_S = 0.25, 5.0


def device_topic(topic: str) -> tuple[str, str, str]:
    """(site, device code, kind) of a device's topic; an actuator's answer
    (``…/{site}/{device}/cmd/ack``) is kind ``ack`` in the stream."""
    parts = topic.split("/")
    if parts[-2:] == ["cmd", "ack"]:
        return parts[-4], parts[-3], ANSWER_KIND
    return parts[-3], parts[-2], parts[-1]


class Bridge:
    def __init__(self, settings: Settings, link: StreamLink) -> None:
        self.settings = settings
        self.link = link
        self.partitions = settings.stream_partitions
        self.forwarded = 0
        self.dropped = 0
        self._count_lock = threading.Lock()
        self.connection = MqttConnection(
            settings, f"{settings.mqtt_client_id}-bridge", manual_ack=True
        )
        for topic in device_topics(settings.mqtt_topic_prefix):
            self.connection.add_subscription(topic, self.handle, acks_itself=True)

    def start(self) -> None:
        self.link.ensure_stream()
        self.connection.start()

    def stop(self) -> None:
        self.connection.stop()

    def handle(self, message: mqtt.MQTTMessage) -> None:
        """Forward one device message (from paho's thread: never blocks on the stream)."""
        topic_site, device_code, kind = device_topic(message.topic)
        if not topic_site.isdigit():  # no site, no partition: nothing could take it
            log.warning("bridge: %s names no site; dropped", message.topic)
            with self._count_lock:
                self.dropped += 1
            self.connection.ack(message)
            return
        subject = subject_for(self.link.prefix, self.partitions, int(topic_site), device_code, kind)
        payload = bytes(message.payload)
        asyncio.run_coroutine_threadsafe(
            self._forward(subject, payload, message_id(message.topic, payload), message),
            self.link.loop,
        )

    async def _forward(
        self, subject: str, payload: bytes, msg_id: str, message: mqtt.MQTTMessage
    ) -> None:
        delay = RETRY_FIRST_S
        while True:
            try:
                await self.link.js.publish(subject, payload, headers={"Nats-Msg-Id": msg_id})
                break
            except Exception as exc:  # the stream away or full: keep the message, retry
                log.warning("bridge: storing %s failed (%s); retrying", subject, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_S)
        with self._count_lock:
            self.forwarded += 1
        self.connection.ack(message)
