"""Escalation timing on a controllable clock, real deliveries (HTTP webhook, SMTP), the
DingTalk signature, interlock confirmation and timeout."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, unquote_plus, urlparse

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from hazwatch.core.auth.roles import Principal, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.escalation.channels import dingtalk_sign
from hazwatch.monitoring.escalation.models import Contact, EscalationStep, Notification
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.interlocks.models import InterlockCommand, InterlockRule
from hazwatch.monitoring.models import Alarm
from hazwatch.monitoring.runtime import EngineRuntime
from tests.monitoring.conftest import Plant, Received
from tests.services import free_port

OFFICER = Principal(user_id=1, username="duty", role=Role.SAFETY_OFFICER)


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[int, Mailbox]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, mailbox
    controller.stop()


class RecordingActuator:
    """Stands in for the fan controller at the far end of the broker."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str, dict[str, Any]]] = []

    def send(self, site_id: int, device_code: str, message: dict[str, Any]) -> None:
        self.sent.append((site_id, device_code, message))


def configure_ladder(context: Context, plant: Plant, url: str) -> None:
    lab, landlord = plant.demo["lab"], plant.demo["landlord"]
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
                    organisation_id=lab,
                    role="safety_manager",
                    channel="dingtalk",
                    address=f"{url}/dingtalk?access_token=abc",
                    secret="SECxyz",
                ),
                Contact(
                    organisation_id=lab,
                    role="principal",
                    channel="email",
                    address="chen@example.test",
                ),
                Contact(
                    organisation_id=landlord,
                    role="duty_officer",
                    channel="wecom",
                    address=f"{url}/wecom?key=k1",
                ),
                Contact(
                    organisation_id=plant.demo["ema"],
                    role="duty_officer",
                    channel="webhook",
                    address=f"{url}/regulator",
                ),
            ]
        )
        for minutes, target in (
            (0, "duty_officer"),
            (5, "safety_manager"),
            (10, "principal"),
            (15, "landlord"),
            (15, "regulator"),
        ):
            session.add(EscalationStep(organisation_id=lab, after_minutes=minutes, target=target))


def still_low(runtime: EngineRuntime, clock: ManualClock, at: datetime) -> None:
    """The detector keeps reporting the low value; time moves on; deliveries go out."""
    clock.set(at)
    runtime.engine.submit(
        [ReadingIn("O2-DRY1", at, 19.1, "%vol"), ReadingIn("LT-LN2", at, 1500.0, "mm")]
    )
    runtime.engine.tick()
    runtime.dispatcher.run_once()


def test_ladder_climbs_until_acknowledged(
    context: Context,
    plant: Plant,
    clock: ManualClock,
    webhook: tuple[str, Received],
    smtp: tuple[int, Mailbox],
) -> None:
    url, received = webhook
    port, mailbox = smtp
    context.settings = context.settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port}
    )
    configure_ladder(context, plant, url)
    runtime = EngineRuntime(context, RecordingActuator())
    engine, dispatcher = runtime.engine, runtime.dispatcher
    t0 = clock.now()
    engine.submit([ReadingIn("O2-DRY1", t0, 19.1, "%vol"), ReadingIn("LT-LN2", t0, 1500.0, "mm")])
    dispatcher.run_once()
    assert [path for path, _ in received.requests] == ["/duty"]
    body = received.requests[0][1]
    assert body["priority"] == "high" and "干燥房1" in body["subject"]

    def at(minutes: int) -> None:
        still_low(runtime, clock, t0 + timedelta(minutes=minutes))

    for minutes in (4, 5, 10, 15):
        at(minutes)
    paths = [urlparse(path).path for path, _ in received.requests]
    assert paths == ["/duty", "/dingtalk", "/wecom", "/regulator"]
    assert len(mailbox.messages) == 1 and mailbox.messages[0].rcpt_tos == ["chen@example.test"]
    # nobody acknowledged: after the last step and 15 min more, the ladder starts again
    at(30)
    assert [urlparse(p).path for p, _ in received.requests][-1] == "/duty"
    with context.sessions() as session:
        alarm_id = session.scalar(select(Alarm.id))
    assert alarm_id is not None
    engine.acknowledge(alarm_id, OFFICER)
    before = len(received.requests)
    at(60)
    assert len(received.requests) == before  # acknowledged: the ladder stopped


def test_dingtalk_request_is_signed(
    context: Context, plant: Plant, clock: ManualClock, webhook: tuple[str, Received]
) -> None:
    url, received = webhook
    configure_ladder(context, plant, url)
    runtime = EngineRuntime(context, RecordingActuator())
    t0 = clock.now()
    runtime.engine.submit([ReadingIn("O2-DRY1", t0, 19.1, "%vol")])
    clock.set(t0 + timedelta(minutes=5))
    runtime.engine.tick()
    runtime.dispatcher.run_once()
    path, body = next((p, b) for p, b in received.requests if p.startswith("/dingtalk"))
    query = parse_qs(urlparse(path).query)
    stamp = int(query["timestamp"][0])
    expected = base64.b64encode(
        hmac.new(b"SECxyz", f"{stamp}\nSECxyz".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"][0] == expected == unquote_plus(dingtalk_sign("SECxyz", stamp))
    assert body["msgtype"] == "markdown" and "O2-DRY1" in body["markdown"]["text"]


def test_failed_delivery_is_retried_with_backoff(
    context: Context, plant: Plant, clock: ManualClock, webhook: tuple[str, Received]
) -> None:
    url, received = webhook
    configure_ladder(context, plant, url)
    received.fail_next = 1
    runtime = EngineRuntime(context, RecordingActuator())
    runtime.engine.submit([ReadingIn("O2-DRY1", clock.now(), 19.1, "%vol")])
    runtime.dispatcher.run_once()
    with context.sessions() as session:
        notification = session.scalars(select(Notification)).one()
        assert (notification.status, notification.attempts) == ("pending", 1)
        assert notification.last_error == "DeliveryError: HTTP 503"
    runtime.dispatcher.run_once(clock.now() + timedelta(seconds=10))
    assert received.requests == []  # back-off: not yet
    runtime.dispatcher.run_once(clock.now() + timedelta(seconds=31))
    assert len(received.requests) == 1
    with context.sessions() as session:
        assert session.scalars(select(Notification)).one().status == "sent"


def test_interlock_starts_the_exhaust_and_alarms_when_unconfirmed(
    context: Context, plant: Plant, clock: ManualClock
) -> None:
    with context.unit_of_work() as session:
        session.add(
            InterlockRule(
                organisation_id=plant.demo["lab"],
                site_id=plant.demo["plant"],
                room_id=plant.demo["dry_room_1"],
                conditions=["low", "low_low"],
                action="start_fan",
                device_code="FAN-DRY1",
                timeout_s=10,
            )
        )
    actuator = RecordingActuator()
    runtime = EngineRuntime(context, actuator)
    t0 = clock.now()
    runtime.engine.submit([ReadingIn("O2-DRY1", t0, 19.1, "%vol")])
    assert [(d, m["action"]) for _s, d, m in actuator.sent] == [("FAN-DRY1", "start_fan")]
    command_id = actuator.sent[0][2]["command_id"]
    runtime.interlocks.confirm(command_id, True, t0 + timedelta(seconds=3))
    runtime.engine.tick(t0 + timedelta(seconds=20))
    with context.sessions() as session:
        assert session.scalars(select(InterlockCommand)).one().status == "confirmed"
        assert session.scalar(select(Alarm).where(Alarm.condition == "unconfirmed")) is None
    # a second episode whose command is never confirmed
    runtime.engine.submit(
        [
            ReadingIn("O2-DRY1", t0 + timedelta(seconds=30), 20.9, "%vol"),
            ReadingIn("O2-DRY1", t0 + timedelta(seconds=45), 20.9, "%vol"),
            ReadingIn("O2-DRY1", t0 + timedelta(seconds=50), 19.0, "%vol"),
        ]
    )
    runtime.engine.tick(t0 + timedelta(seconds=61))
    with context.sessions() as session:
        statuses = [
            c.status
            for c in session.scalars(select(InterlockCommand).order_by(InterlockCommand.id))
        ]
        unconfirmed = session.scalar(select(Alarm).where(Alarm.condition == "unconfirmed"))
    assert statuses == ["confirmed", "timeout"]
    assert unconfirmed is not None and unconfirmed.state == "active_unack"
    assert unconfirmed.room_id == plant.demo["dry_room_1"]
    # the fan answers late after all: the alarm returns to normal, still to be acknowledged
    late_id = actuator.sent[1][2]["command_id"]
    runtime.interlocks.confirm(late_id, True, t0 + timedelta(seconds=70))
    with context.sessions() as session:
        late = session.scalar(
            select(InterlockCommand).where(InterlockCommand.command_id == late_id)
        )
        cleared = session.get(Alarm, unconfirmed.id)
    assert late is not None and late.status == "confirmed"
    assert cleared is not None and (cleared.active, cleared.state) == (False, "rtn_unack")


def test_jurisdiction_default_ladder_applies_without_an_own_one(
    context: Context, plant: Plant, clock: ManualClock, webhook: tuple[str, Received]
) -> None:
    url, received = webhook
    with context.unit_of_work() as session:
        session.add(
            Contact(
                organisation_id=plant.demo["lab"],
                role="duty_officer",
                channel="webhook",
                address=f"{url}/duty",
            )
        )
        session.add(
            EscalationStep(
                jurisdiction_id=plant.demo["district"], after_minutes=0, target="duty_officer"
            )
        )
    runtime = EngineRuntime(context, RecordingActuator())
    runtime.engine.submit([ReadingIn("O2-DRY1", clock.now(), 19.1, "%vol")])
    runtime.dispatcher.run_once()
    assert [p for p, _ in received.requests] == ["/duty"]


def test_console_hub_shows_each_subscriber_only_its_organisations(
    context: Context, plant: Plant, clock: ManualClock
) -> None:
    import asyncio

    runtime = EngineRuntime(context, RecordingActuator())

    async def collect() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        lab = runtime.hub.subscribe(frozenset({plant.demo["lab"]}))
        chem = runtime.hub.subscribe(frozenset({plant.demo["chem"]}))
        await asyncio.to_thread(
            runtime.engine.submit, [ReadingIn("O2-DRY1", clock.now(), 19.1, "%vol")]
        )
        await asyncio.sleep(0.05)
        return (
            [lab.queue.get_nowait() for _ in range(lab.queue.qsize())],
            [chem.queue.get_nowait() for _ in range(chem.queue.qsize())],
        )

    seen, unseen = asyncio.run(collect())
    assert {"alarm", "point"} <= {b["type"] for b in seen}
    assert any(b["type"] == "alarm" and b["condition"] == "low" for b in seen)
    assert unseen == []


def test_a_step_added_while_the_ladder_runs_is_still_sent(
    context: Context, plant: Plant, clock: ManualClock, webhook: tuple[str, Received]
) -> None:
    """Ticks between steps skip the database; a changed ladder must end that shortcut."""
    url, received = webhook
    lab = plant.demo["lab"]
    with context.unit_of_work() as session:
        for role in ("duty_officer", "safety_manager"):
            session.add(
                Contact(organisation_id=lab, role=role, channel="webhook", address=f"{url}/{role}")
            )
        session.add(EscalationStep(organisation_id=lab, after_minutes=0, target="duty_officer"))
    runtime = EngineRuntime(context, RecordingActuator())
    t0 = clock.now()

    def at(minutes: int) -> list[str]:
        still_low(runtime, clock, t0 + timedelta(minutes=minutes))
        return [urlparse(path).path for path, _ in received.requests]

    assert at(0) == ["/duty_officer"]
    assert at(2) == ["/duty_officer"]  # next due only when the ladder repeats (15 min)
    with context.unit_of_work() as session:
        session.add(EscalationStep(organisation_id=lab, after_minutes=4, target="safety_manager"))
    assert at(3) == ["/duty_officer"]
    assert at(4) == ["/duty_officer", "/safety_manager"]
