"""Operator actions and HTTP ingest in the partitioned mode, through the worker that owns
the site (``monitoring.workers.control``), against the real NATS server and PostgreSQL.

The worker runs in this process (its threads, a connection of its own) on a stream and
subjects private to the test, and each test stops it. Missing services skip locally and fail
under ``CI=true`` (tests/services.py).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import paho.mqtt.client as mqtt
import pytest
from fastapi.testclient import TestClient
from nats.aio.msg import Msg
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.models import UserAccount
from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.context import Context
from hazwatch.core.errors import DomainError, Forbidden, NotFound
from hazwatch.core.settings import Settings
from hazwatch.monitoring.interlocks.models import InterlockCommand, InterlockRule
from hazwatch.monitoring.interlocks.service import MqttCommandTransport
from hazwatch.monitoring.models import Alarm, AlarmEvent, MeasurementPoint, Reading
from hazwatch.monitoring.mqtt import MqttConnection
from hazwatch.monitoring.sharding import partition_of
from hazwatch.monitoring.workers import control
from hazwatch.monitoring.workers.bridge import Bridge
from hazwatch.monitoring.workers.metrics import WorkerMetrics
from hazwatch.monitoring.workers.service import LeaseLost
from hazwatch.monitoring.workers.stream import StreamLink
from hazwatch.web import alarms as web_alarms
from hazwatch.web import state
from tests.conftest import error_code
from tests.monitoring.conftest import PARTITIONS, Partitioned, Plant, owner, wait_for
from tests.monitoring.test_mqtt import publisher
from tests.services import MQTT_URL, free_port, require

Login = Callable[..., dict[str, str]]


@contextmanager
def control_requests(settings: Settings) -> Iterator[list[bytes]]:
    """Every request sent on the control subjects meanwhile (a listener that never answers:
    while it listens, an unowned partition's requests wait for their timeout)."""
    link = StreamLink(settings, "test-spy")
    seen: list[bytes] = []

    async def record(message: Msg) -> None:
        seen.append(message.data)

    async def listen() -> None:
        await link.nc.subscribe(f"{settings.stream_subject_prefix}.control.>", cb=record)
        await link.nc.flush()

    try:
        link.call(listen())
        yield seen
    finally:
        link.close()


def _batch(*readings: tuple[datetime, float]) -> dict[str, Any]:
    return {
        "readings": [
            {"point": "O2-DRY1", "ts": at.isoformat(), "value": value, "unit": "%vol"}
            for at, value in readings
        ]
    }


@contextmanager
def console_bound(api: Context, client: TestClient) -> Iterator[None]:
    """The console's entry point (``web.alarms``) bound to the API app's runtime, as
    ``mount_console`` binds it, for the length of the block."""
    previous = state._bound
    state.bind(api, client.app.state.runtime)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        state._bound = previous


def _principal(session: Session, username: str) -> Principal:
    user = session.scalars(select(UserAccount).where(UserAccount.username == username)).one()
    return Principal(user.id, user.username, Role(user.role), user.organisation_id)


def _count(context: Context, query: Any) -> int:
    with context.sessions() as session:
        return int(session.scalar(query) or 0)


def test_a_worker_raised_alarm_is_acknowledged_through_the_api_by_its_tenant_only(
    partitioned: Partitioned, plant: Plant, login_as: Login
) -> None:
    """HTTP ingest goes into the stream (a gateway's retry stored once), the owning worker
    raises the alarm once; the tenant's acknowledgement is applied by that worker with the
    tenant's identity on the alarm, its timeline and the audit log; another tenant's is
    refused here (404) and never reaches a worker."""
    api, client = partitioned.context, partitioned.client
    device = {"Authorization": f"Bearer {plant.device_token}"}
    now = datetime.now(UTC).replace(microsecond=0)
    first = _batch((now - timedelta(seconds=3), 20.9), (now - timedelta(seconds=2), 19.0))
    second = _batch((now - timedelta(seconds=2), 19.0), (now - timedelta(seconds=1), 19.2))
    with owner(api), control_requests(api.settings) as requests:
        for batch in (first, first, second):  # the first sent again: a gateway's retry
            sent = client.post("/api/ingest/readings", json=batch, headers=device)
            assert sent.status_code == 202, sent.text
            assert sent.json()["queued"] == 2
        stored = select(func.count()).select_from(Reading)
        assert wait_for(lambda: _count(api, stored) >= 3, 10)
        raises = select(func.count()).select_from(AlarmEvent).where(AlarmEvent.event == "raise")
        # 19.0 and 19.2 %vol: below the low limit (19.5), above low-low (18): one alarm
        assert wait_for(lambda: _count(api, raises) >= 1, 10)
        time.sleep(0.5)  # nothing more arrives late
        assert _count(api, stored) == 3
        with api.sessions() as session:
            (alarm,) = session.scalars(select(Alarm).where(Alarm.active)).all()
            assert session.scalar(raises) == 1

        lab = login_as(
            Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"], username="lab-operator"
        )
        other = login_as(Role.ENTERPRISE_ADMIN, organisation_id=plant.demo["chem"])
        url = f"/api/monitoring/alarms/{alarm.id}/ack"
        foreign = client.post(url, json={"comment": "not mine"}, headers=other)
        assert foreign.status_code == 404 and error_code(foreign) == "scope.not_found"
        acked = client.post(url, json={"comment": "fan on, room cleared"}, headers=lab)
        assert acked.status_code == 204, acked.text
        assert len(requests) == 1  # the tenant's; the other one never left the API
        with console_bound(api, client), api.sessions() as session:  # the console's buttons
            operator = _principal(session, "lab-operator")
            web_alarms.comment(operator, alarm.id, "checked from the console")
            stranger = Principal(None, "stranger", Role.ENTERPRISE_ADMIN, plant.demo["chem"])
            with pytest.raises(NotFound):
                web_alarms.acknowledge(stranger, alarm.id, None)
        assert len(requests) == 2
        swap = {"out_of_service": True, "reason": "sensor swap"}
        service = f"/api/monitoring/points/{plant.o2_point}/service"
        assert client.post(service, json=swap, headers=other).status_code == 404
        taken_out = client.post(service, json=swap, headers=lab)
        assert taken_out.status_code == 204, taken_out.text
        assert len(requests) == 3

    with api.sessions() as session:
        stored_alarm = session.get(Alarm, alarm.id)
        assert stored_alarm is not None
        assert (stored_alarm.acked, stored_alarm.acked_by) == (True, "lab-operator")
        event = session.scalars(select(AlarmEvent).where(AlarmEvent.event == "ack")).one()
        assert (event.actor, event.comment) == ("lab-operator", "fan on, room cleared")
        assert event.state == "active_ack"
        noted = session.scalars(select(AlarmEvent).where(AlarmEvent.event == "comment")).one()
        assert (noted.actor, noted.comment) == ("lab-operator", "checked from the console")
        operator = _principal(session, "lab-operator")
        point = session.get(MeasurementPoint, plant.o2_point)
        assert point is not None and point.out_of_service is True
        audited = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity_type == "measurement_point",
                AuditEntry.entity_id == str(plant.o2_point),
                AuditEntry.action == "update",
            )
        ).all()
        assert [(e.actor, e.actor_user_id) for e in audited] == [("lab-operator", operator.user_id)]
        assert audited[0].changes["out_of_service"] == [False, True]


def test_without_an_answering_owner_an_action_is_refused_503_in_bounded_time(
    partitioned: Partitioned, plant: Plant, login_as: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The partition unclaimed (nobody listens: refused at once) or its owner silent (a
    stalled worker: refused once the wait is over); nothing stored either way, and the
    point's out-of-service switch goes the same way."""
    api, client = partitioned.context, partitioned.client
    with api.unit_of_work() as session:
        alarm = plant.low_alarm(api.clock.now())
        session.add(alarm)
        session.flush()
        alarm_id = alarm.id
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    started = time.monotonic()
    unclaimed = client.post(f"/api/monitoring/alarms/{alarm_id}/ack", json={}, headers=lab)
    assert time.monotonic() - started < control.REPLY_WAIT_S
    assert unclaimed.status_code == 503 and unclaimed.headers["retry-after"]
    assert error_code(unclaimed) == "monitoring.owner_unavailable"
    service = client.post(
        f"/api/monitoring/points/{plant.o2_point}/service",
        json={"out_of_service": True, "reason": "sensor swap"},
        headers=lab,
    )
    assert service.status_code == 503 and error_code(service) == "monitoring.owner_unavailable"

    monkeypatch.setattr(control, "REPLY_WAIT_S", 1.0)
    silent = StreamLink(api.settings, "test-silent-owner")

    async def stall(_message: Msg) -> None:
        """Takes the request, never answers (a worker stuck in a long pause)."""

    try:
        subject = f"{api.settings.stream_subject_prefix}.control.>"
        silent.call(silent.nc.subscribe(subject, queue=control.QUEUE, cb=stall))
        silent.call(silent.nc.flush())
        stalled = client.post(f"/api/monitoring/alarms/{alarm_id}/ack", json={}, headers=lab)
    finally:
        silent.close()
    assert stalled.status_code == 503 and error_code(stalled) == "monitoring.owner_unavailable"
    with api.sessions() as session:
        assert session.get(Alarm, alarm_id).acked is False  # type: ignore[union-attr]
        assert session.scalar(select(func.count()).select_from(AlarmEvent)) == 0


@contextmanager
def fan_controller(settings: Settings, site_id: int, answer: bool = True) -> Iterator[list[str]]:
    """The dry room's exhaust fan at the far end of the broker: it answers each command
    on its ``cmd/ack`` topic; yields the actions it was sent."""
    topic = f"{settings.mqtt_topic_prefix}/v1/{site_id}/FAN-DRY1/cmd"
    commanded: list[str] = []
    client = publisher(1883)

    def on_command(_client: object, _userdata: object, message: mqtt.MQTTMessage) -> None:
        command = json.loads(message.payload)
        commanded.append(command["action"])
        reply = {"command_id": command["command_id"], "ok": answer}
        client.publish(f"{topic}/ack", json.dumps(reply).encode(), qos=1)

    client.on_message = on_command
    client.subscribe(topic, qos=1)
    try:
        yield commanded
    finally:
        client.loop_stop()
        client.disconnect()


def test_devices_reach_the_owner_through_the_bridge_and_its_interlock_reaches_the_fan(
    partitioned: Partitioned, plant: Plant
) -> None:
    """The partitioned mode's whole device round trip: a detector's MQTT reading moved into
    the stream by the bridge, the alarm raised by the owning worker, whose interlock sends
    the exhaust fan its command over the broker; the fan's answer comes back through the
    bridge to that worker and confirms the command (no ``unconfirmed`` alarm)."""
    require("MQTT", MQTT_URL, 1883)
    run = uuid.uuid4().hex[:8]
    settings = partitioned.context.settings.model_copy(
        update={
            "mqtt_url": MQTT_URL,
            "mqtt_topic_prefix": f"hwtest-{run}",
            "mqtt_client_id": f"test-{run}",
        }
    )
    api, site = replace(partitioned.context, settings=settings), plant.demo["plant"]
    with api.unit_of_work() as session:
        session.add(
            InterlockRule(
                organisation_id=plant.demo["lab"],
                site_id=site,
                room_id=plant.demo["dry_room_1"],
                conditions=["low", "low_low"],
                action="start_fan",
                device_code="FAN-DRY1",
                timeout_s=30,
            )
        )
    broker = MqttConnection(settings, f"test-{run}-commands")
    link = StreamLink(settings, "test-bridge")
    bridge = Bridge(settings, link)
    broker.start()
    bridge.start()
    commands = MqttCommandTransport(broker.publish, settings.mqtt_topic_prefix)
    try:
        assert bridge.connection.connected.wait(10) and broker.connected.wait(10)
        with owner(api, commands) as worker, fan_controller(settings, site) as commanded:
            detector = publisher(1883)
            at = datetime.now(UTC).replace(microsecond=0)
            for ago, value in ((2, 20.9), (1, 18.6)):
                reading = {"point": "O2-DRY1", "value": value, "unit": "%vol"}
                reading["ts"] = (at - timedelta(seconds=ago)).isoformat()
                topic = f"{settings.mqtt_topic_prefix}/v1/{site}/GW-LAB/reading"
                detector.publish(topic, json.dumps(reading).encode(), qos=1).wait_for_publish(5)
            detector.loop_stop()
            detector.disconnect()

            def status() -> list[str]:
                with api.sessions() as session:
                    return list(session.scalars(select(InterlockCommand.status)))

            assert wait_for(lambda: status() == ["confirmed"], 20), status()
            assert commanded == ["start_fan"]
            port = free_port()
            WorkerMetrics(worker).serve(port, "127.0.0.1")
            scraped = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    finally:
        bridge.stop()
        broker.stop()
        link.close()
    with api.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Reading)) == 2
        conditions = session.scalars(select(Alarm.condition).where(Alarm.active)).all()
        assert conditions == ["low"]  # the fan's command confirmed: no "unconfirmed" alarm
    assert bridge.forwarded == 3 and bridge.dropped == 0  # two readings and the answer
    # the worker's own metrics: this process's series for each partition it holds
    ours = str(partition_of(site, PARTITIONS))
    metrics = {
        (family.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
    }
    assert metrics[("hazwatch_worker_partitions", ())] == PARTITIONS
    accepted = (("outcome", "accepted"), ("partition", ours), ("reason", ""))
    assert metrics[("hazwatch_ingest_readings", accepted)] == 2
    assert metrics[("hazwatch_alarms_raised", (("partition", ours),))] == 1
    received = (("partition", ours), ("stage", "received"))
    applied = (("partition", ours), ("stage", "applied"))
    # two readings and the fan's answer, each acknowledged
    assert metrics[("hazwatch_ingest_messages", received)] == 3
    assert metrics[("hazwatch_ingest_messages", applied)] == 3
    assert scraped.count("# HELP hazwatch_alarms_raised_total ") == 1  # one family per name


class _Owner:
    """An owner's engine as the control subject sees it, failing as told."""

    def __init__(self, failure: Exception | None) -> None:
        self.failure = failure
        self.done: list[tuple[str, int, Principal]] = []

    def _do(self, action: str, subject: int, who: Principal) -> None:
        if self.failure is not None:
            raise self.failure
        self.done.append((action, subject, who))

    def acknowledge(self, alarm_id: int, principal: Principal, comment: str | None = None) -> None:
        self._do("ack", alarm_id, principal)

    def shelve(self, alarm_id: int, principal: Principal, reason: str, until: datetime) -> None:
        self._do("shelve", alarm_id, principal)

    def unshelve(self, alarm_id: int, principal: Principal) -> None:
        self._do("unshelve", alarm_id, principal)

    def comment(self, alarm_id: int, principal: Principal, text: str) -> None:
        self._do("comment", alarm_id, principal)

    def set_out_of_service(
        self, point_id: int, principal: Principal, reason: str, out_of_service: bool
    ) -> None:
        self._do("service", point_id, principal)


def test_an_owners_answer_carries_the_callers_identity_and_its_refusal_back() -> None:
    """Without services: the request keeps who acts; the owner's DomainError comes back as
    the same error, a lost lease as 503 owner_unavailable (and the runner is told), a
    database away as 503 database_unavailable."""
    who = Principal(7, "lab-operator", Role.SAFETY_OFFICER, organisation_id=6)
    request = control.Action(action="ack", subject=3, caller=who, text="fan on")
    applied = _Owner(None)
    assert control.answer(applied, request.model_dump_json().encode(), lambda: None) == b"{}"
    assert applied.done == [("ack", 3, who)]

    refused = Forbidden("monitoring.regulator_comments_only", field="action", action="ack")
    lost: list[bool] = []
    for failure, code in (
        (refused, "monitoring.regulator_comments_only"),
        (LeaseLost(1), "monitoring.owner_unavailable"),
        (OperationalError("UPDATE", {}, Exception("gone")), "monitoring.database_unavailable"),
    ):
        reply = control.answer(
            _Owner(failure), request.model_dump_json().encode(), lambda: lost.append(True)
        )
        with pytest.raises(DomainError) as raised:
            control.raise_reply(reply)
        assert raised.value.code == code
    assert lost == [True]  # the lease only
    with pytest.raises(Forbidden) as again:
        control.raise_reply(control.error_reply(refused))
    assert (again.value.field, again.value.params) == ("action", {"action": "ack"})
