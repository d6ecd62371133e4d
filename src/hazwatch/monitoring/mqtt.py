"""MQTT ingest through a real broker (paho-mqtt v2).

Topics (``docs/ingest.md``): ``{prefix}/v1/{site_id}/{device_code}/reading`` for one
reading and ``…/batch`` for a gateway batch, QoS 1. The session is persistent
(``clean_session=False``) and acknowledgements are manual: a PUBACK goes out only after the
reading's batch is committed, so a broker that goes away and comes back redelivers whatever
was not yet stored, and the (point, timestamp) key stores it once. Every other message
(an actuator's ``cmd/ack``, a payload refused or another partition's) is acknowledged once
handled: an unacknowledged QoS 1 message holds a place in the broker's in-flight window
(``max_inflight_messages``, 20 on a default Mosquitto) until the session ends, and a full
window stops all delivery, readings included.

The connection reports ``connected`` only once the broker has confirmed (SUBACK) every
subscription: a message published before then may not be routed to us. On a reconnect the
broker should still hold our session (``session_present``); when it does not (a broker
restarted without ``persistence true``), whatever it had queued for us is gone and we warn.

The site is in the topic so that engines can split sites between them
(:mod:`hazwatch.monitoring.sharding`): an engine drops, unread, the messages of sites another
partition owns, so a site's readings always reach the same owner.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from hazwatch.core.settings import Settings
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.ingest import PayloadError, decode
from hazwatch.monitoring.liveness import MessageProgress

log = logging.getLogger(__name__)

MessageHandler = Callable[[mqtt.MQTTMessage], object]


class _Subscription(NamedTuple):
    topic_filter: str
    handler: MessageHandler
    #: The handler acknowledges the message itself (after its readings are stored);
    #: otherwise the connection acknowledges it once the handler returned.
    acks_itself: bool


def reading_topics(prefix: str) -> list[str]:
    return [f"{prefix}/v1/+/+/reading", f"{prefix}/v1/+/+/batch"]


class MqttConnection:
    """One broker connection: subscriptions with handlers, publishing, reconnects."""

    def __init__(self, settings: Settings, client_id: str, *, manual_ack: bool = False) -> None:
        parsed = urlparse(settings.mqtt_url)
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or (8883 if parsed.scheme == "mqtts" else 1883)
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            clean_session=False,
            manual_ack=manual_ack,
        )
        if settings.mqtt_username:
            password = settings.mqtt_password.get_secret_value() if settings.mqtt_password else None
            self.client.username_pw_set(settings.mqtt_username, password)
        if parsed.scheme == "mqtts" or settings.mqtt_tls_ca:
            self.client.tls_set(
                ca_certs=str(settings.mqtt_tls_ca) if settings.mqtt_tls_ca else None,
                tls_version=ssl.PROTOCOL_TLS_CLIENT,
            )
        self.manual_ack = manual_ack
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.max_inflight_messages_set(1000)
        self.client.max_queued_messages_set(0)
        self._handlers: list[_Subscription] = []
        #: Set once connected *and* every subscription confirmed by the broker (SUBACK).
        self.connected = threading.Event()
        self._suback_mid: int | None = None
        self._connects = 0
        #: Reconnects on which the broker no longer had our session (queued messages lost).
        self.sessions_lost = 0
        #: Called when the connection drops (what was unacknowledged will be redelivered).
        self.on_lost: Callable[[], None] | None = None
        self._stopping = False
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message

    def add_subscription(
        self, topic_filter: str, handler: MessageHandler, *, acks_itself: bool = False
    ) -> None:
        self._handlers.append(_Subscription(topic_filter, handler, acks_itself))
        if self.connected.is_set():
            self.client.subscribe(topic_filter, qos=1)

    def publish(self, topic: str, payload: bytes, qos: int = 1) -> None:
        self.client.publish(topic, payload, qos=qos)

    def start(self) -> None:
        self.client.connect_async(self.host, self.port, keepalive=30)
        self.client.loop_start()

    def stop(self) -> None:
        self._stopping = True
        self.client.disconnect()
        self.client.loop_stop()

    def _on_connect(
        self,
        client: mqtt.Client,
        _userdata: object,
        flags: mqtt.ConnectFlags,
        reason: ReasonCode,
        _properties: object,
    ) -> None:
        if reason.is_failure:
            log.error("MQTT connection to %s:%s refused (%s)", self.host, self.port, reason)
            return
        self._connects += 1
        if self._connects > 1 and not flags.session_present:
            self.sessions_lost += 1
            log.warning(
                "MQTT broker %s:%s no longer holds the engine's session: messages it had "
                "queued for HazWatch are lost (run Mosquitto with 'persistence true', "
                "docs/ingest.md)",
                self.host,
                self.port,
            )
        log.info("MQTT connected to %s:%s (%s)", self.host, self.port, reason)
        if not self._handlers:
            self.connected.set()
            return
        _result, self._suback_mid = client.subscribe([(s.topic_filter, 1) for s in self._handlers])

    def _on_subscribe(
        self,
        _client: mqtt.Client,
        _userdata: object,
        mid: int,
        reason_codes: list[ReasonCode],
        _properties: object,
    ) -> None:
        if mid != self._suback_mid:
            return
        refused = [
            s.topic_filter
            for s, code in zip(self._handlers, reason_codes, strict=False)
            if code.is_failure
        ]
        if refused:  # not ready: nothing would reach us on these topics
            log.error("MQTT broker refused the subscriptions %s", refused)
            return
        self.connected.set()
        log.info("MQTT subscriptions confirmed: %d topic filters", len(reason_codes))

    def _on_disconnect(
        self,
        _client: mqtt.Client,
        _userdata: object,
        _flags: object,
        reason: object,
        _properties: object,
    ) -> None:
        self.connected.clear()
        if self.on_lost is not None:
            self.on_lost()
        if self._stopping:  # our own disconnect on a normal stop: nothing to reconnect
            log.info("MQTT disconnected (%s)", reason)
            return
        log.warning("MQTT disconnected (%s); reconnecting", reason)

    def ack(self, message: mqtt.MQTTMessage) -> None:
        if self.manual_ack:
            self.client.ack(message.mid, message.qos)

    def _on_message(
        self, _client: mqtt.Client, _userdata: object, message: mqtt.MQTTMessage
    ) -> None:
        """Every message is acknowledged once handled, whatever its topic; a handler that
        acknowledges itself does so when its readings are stored."""
        for subscription in self._handlers:
            if mqtt.topic_matches_sub(subscription.topic_filter, message.topic):
                try:
                    subscription.handler(message)
                except Exception:  # one bad message must not stop the connection
                    if subscription.acks_itself:  # not stored: never acknowledged as if it were
                        log.exception(
                            "handling %s failed: left unacknowledged (redelivered on reconnect)",
                            message.topic,
                        )
                        return
                    log.exception("handling %s failed", message.topic)
                    self.ack(message)
                    return
                if not subscription.acks_itself:
                    self.ack(message)
                return
        self.ack(message)


class MqttIngest:
    """Feeds the engine from the broker; acknowledges each message once it is stored, and
    keeps count of those waiting to be (:mod:`hazwatch.monitoring.liveness`)."""

    def __init__(self, settings: Settings, engine: MonitoringEngine) -> None:
        self.engine = engine
        self.prefix = settings.mqtt_topic_prefix
        self.max_batch = settings.ingest_max_batch
        self.progress = MessageProgress()
        self.connection = MqttConnection(settings, settings.mqtt_client_id, manual_ack=True)
        self.connection.on_lost = self.progress.forget
        for topic in reading_topics(settings.mqtt_topic_prefix):
            self.connection.add_subscription(topic, self.handle, acks_itself=True)

    def start(self) -> None:
        self.connection.start()

    def stop(self) -> None:
        self.connection.stop()

    def handle(self, message: mqtt.MQTTMessage) -> None:
        """Decode and submit one message; refused ones are recorded and acknowledged, and
        another partition's are acknowledged unread (that partition's engine has its own
        subscription and session)."""
        # {prefix}/v1/{site}/{device}/{reading|batch}; the prefix may contain slashes.
        *_, topic_site, device_code, _kind = message.topic.split("/")
        site_id = int(topic_site) if topic_site.isdigit() else None
        token = self.progress.received()

        def done() -> None:
            self.connection.ack(message)
            self.progress.applied(token)

        if site_id is not None and not self.engine.partition.owns(site_id):
            done()
            return
        device = self.engine.device(device_code)
        if device is None or device.revoked_at is not None:
            reason = "unknown_device" if device is None else "revoked_device"
            self.engine.reject_payload(reason, None, "mqtt", device_code)
            done()
            return
        if site_id != device.site_id:
            self.engine.reject_payload("wrong_site", device, "mqtt", message.topic)
            done()
            return
        try:
            decoded = decode(bytes(message.payload), max_batch=self.max_batch)
        except PayloadError as exc:
            excerpt = message.payload[:200].decode("utf-8", "replace")
            self.engine.reject_payload(exc.reason, device, "mqtt", excerpt)
            done()
            return
        if decoded.token is not None and self.engine.device_for_secret(decoded.token) != device:
            self.engine.reject_payload("device_token_invalid", device, "mqtt")
            done()
            return
        self.engine.submit_decoded(decoded, device=device, source="mqtt", after_commit=done)
