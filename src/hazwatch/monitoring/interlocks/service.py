"""Interlock execution: command on alarm, confirmation or timeout.

Commands go out through a :class:`CommandTransport` (MQTT in production:
``{prefix}/v1/{site}/{device}/cmd`` with ``{"command_id", "action", …}``; the actuator answers
on ``…/cmd/ack`` with ``{"command_id", "ok": true}``). A command not confirmed by its deadline
raises its own urgent alarm (``interlock:<rule>`` / ``unconfirmed``), because an exhaust fan
that did not start is a room that is not being protected. The condition clears when the
rule's latest command is confirmed after all (a late acknowledgement, or the next command
after a repair); the alarm then returns to normal through the usual lifecycle, so someone
still has to acknowledge it.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.clock import NextDue
from hazwatch.core.context import Context
from hazwatch.core.errors import InvalidInput
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.events import AlarmChange, Event
from hazwatch.monitoring.interlocks.models import InterlockCommand, InterlockRule
from hazwatch.monitoring.interlocks.schemas import RuleIn
from hazwatch.monitoring.models import MeasurementPoint
from hazwatch.registry.models import Building
from hazwatch.registry.scope import Tenancy

log = logging.getLogger(__name__)


def create_rule(session: Session, principal: Principal, data: RuleIn) -> InterlockRule:
    """A rule may only watch the organisation's own room or point, on that room's site: an
    organisation must not be able to drive another's actuators."""
    tenancy = Tenancy(session, principal)
    owner = tenancy.writable_organisation(data.organisation_id)
    if data.room_id is None and data.point_id is None:
        raise InvalidInput("interlocks.trigger_required", field="room_id")
    sites: set[int] = set()
    if data.room_id is not None:
        room = tenancy.writable_room(data.room_id)
        tenancy.same_organisation(room, owner, "room_id")
        building = session.get(Building, room.building_id)
        sites.add(building.site_id if building else -1)
    if data.point_id is not None:
        point = tenancy.writable_point(data.point_id)
        tenancy.same_organisation(point, owner, "point_id")
        sites.add(point.site_id)
    if sites != {data.site_id}:
        raise InvalidInput("interlocks.wrong_site", field="site_id")
    # The actuator is a registered device of the organisation on that site: a rule must not
    # drive another organisation's fan or valve.
    actuator = tenancy.writable_device_code(data.device_code)
    tenancy.same_organisation(actuator, owner, "device_code")
    if actuator.site_id != data.site_id:
        raise InvalidInput("interlocks.wrong_site", field="device_code")
    rule = InterlockRule(**data.model_dump())
    session.add(rule)
    session.flush()
    return rule


class CommandTransport(Protocol):
    def send(self, site_id: int, device_code: str, message: dict[str, Any]) -> None: ...


class Interlocks:
    """Bus listener (fires rules) and tick hook (times out unconfirmed commands)."""

    def __init__(
        self, context: Context, engine: MonitoringEngine, transport: CommandTransport
    ) -> None:
        self.context = context
        self.engine = engine
        self.transport = transport
        #: The earliest deadline of a command awaiting confirmation. Commands are only sent
        #: by this object.
        self._due = NextDue()

    def on_event(self, event: Event) -> None:
        if not isinstance(event, AlarmChange) or event.state != "active_unack":
            return
        if event.previous_state == "active_unack":
            return
        outgoing: list[tuple[int, str, dict[str, Any]]] = []
        with self.context.unit_of_work() as session:
            point = session.get(MeasurementPoint, event.point_id) if event.point_id else None
            query = select(InterlockRule).where(
                InterlockRule.enabled.is_(True), InterlockRule.site_id == event.site_id
            )
            for rule in session.scalars(query):
                if event.condition not in rule.conditions:
                    continue
                if rule.point_id is not None and rule.point_id != event.point_id:
                    continue
                if rule.point_id is None and (
                    rule.room_id is None
                    or point is None
                    or point.room_id != rule.room_id
                    or not point.kind.startswith("o2")
                ):
                    continue
                command_id = uuid.uuid4().hex
                session.add(
                    InterlockCommand(
                        rule_id=rule.id,
                        alarm_id=event.alarm_id,
                        organisation_id=rule.organisation_id,
                        command_id=command_id,
                        action=rule.action,
                        device_code=rule.device_code,
                        sent_at=event.at,
                        deadline=event.at + timedelta(seconds=rule.timeout_s),
                    )
                )
                message = {"command_id": command_id, "action": rule.action, **rule.command}
                outgoing.append((rule.site_id, rule.device_code, message))
        if outgoing:
            self._due.invalidate()
        for site_id, device_code, message in outgoing:
            try:
                self.transport.send(site_id, device_code, message)
            except Exception:  # the deadline will raise the unconfirmed alarm
                log.exception("sending interlock command %s failed", message["command_id"])

    def confirm(
        self,
        command_id: str,
        ok: bool,
        at: datetime,
        *,
        site_id: int | None = None,
        device_code: str | None = None,
    ) -> bool:
        """Record the actuator's answer; a timed-out command may still be confirmed late.
        An answer that came from a device (``site_id``, ``device_code``: its topic) counts
        only for a command sent to that device. Returns whether it counted."""
        with self.context.unit_of_work() as session:
            command = session.scalar(
                select(InterlockCommand).where(InterlockCommand.command_id == command_id)
            )
            if command is None or command.status not in ("sent", "timeout"):
                return False
            if device_code is not None:
                rule = session.get(InterlockRule, command.rule_id)
                if command.device_code != device_code or rule is None or rule.site_id != site_id:
                    log.warning(
                        "interlock answer for command %s from %s/%s, sent to %s: ignored",
                        command_id,
                        site_id,
                        device_code,
                        command.device_code,
                    )
                    return False
            timed_out = command.status == "timeout"
            command.status = "confirmed" if ok else "refused"
            command.confirmed_at = at
            latest = session.scalar(
                select(func.max(InterlockCommand.id)).where(
                    InterlockCommand.rule_id == command.rule_id
                )
            )
        if not ok:
            if not timed_out:  # a timeout has already raised the alarm
                self._unconfirmed(command, at)
        elif latest == command.id:
            self._unconfirmed(command, at, active=False)
        return True

    def tick(self, now: datetime) -> None:
        if self._due.waiting(now):
            return
        token = self._due.token()
        with self.context.unit_of_work() as session:
            overdue = session.scalars(
                select(InterlockCommand).where(
                    InterlockCommand.status == "sent", InterlockCommand.deadline <= now
                )
            ).all()
            for command in overdue:
                command.status = "timeout"
            session.flush()
            upcoming = session.scalar(
                select(func.min(InterlockCommand.deadline)).where(InterlockCommand.status == "sent")
            )
        self._due.settle(token, upcoming)
        for command in overdue:
            self._unconfirmed(command, now)

    def _unconfirmed(self, command: InterlockCommand, at: datetime, active: bool = True) -> None:
        with self.context.sessions() as session:
            rule = session.get(InterlockRule, command.rule_id)
        if rule is None:
            return
        self.engine.set_condition(
            site_id=rule.site_id,
            source=f"interlock:{rule.id}",
            condition="unconfirmed",
            active=active,
            at=at,
            organisation_id=rule.organisation_id,
            room_id=rule.room_id,
            message_key="monitoring.alarm.unconfirmed",
            params={"action": rule.action, "device": rule.device_code},
        )


class MqttCommandTransport:
    """Publishes commands to actuators over the engine's broker connection."""

    def __init__(self, publish: Any, prefix: str) -> None:
        self._publish = publish
        self.prefix = prefix

    def send(self, site_id: int, device_code: str, message: dict[str, Any]) -> None:
        topic = f"{self.prefix}/v1/{site_id}/{device_code}/cmd"
        self._publish(topic, json.dumps(message).encode(), 1)


def parse_ack(payload: bytes) -> tuple[str, bool] | None:
    """``{"command_id": "<string>", "ok": true|false}``, strictly: ``"ok": "false"`` is not
    a confirmation (``bool("false")`` is true), it is a malformed answer."""
    try:
        message = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    if not isinstance(message, dict):
        return None
    command_id, ok = message.get("command_id"), message.get("ok")
    if not isinstance(command_id, str) or not command_id or not isinstance(ok, bool):
        return None
    return command_id, ok


#: The stream's kind for an actuator's answer (MQTT ``…/{device}/cmd/ack``).
ANSWER_KIND = "ack"


def answer_topic(prefix: str) -> str:
    """Where every actuator answers its commands."""
    return f"{prefix}/v1/+/+/cmd/ack"


def handle_ack(interlocks: Interlocks, topic: str, payload: bytes, at: datetime) -> bool:
    """An actuator's answer on ``{prefix}/v1/{site}/{device}/cmd/ack``."""
    *_, site, device_code, _cmd, _ack = topic.split("/")
    site_id = int(site) if site.isdigit() else None
    return take_answer(interlocks, site_id, device_code, payload, at, where=topic)


def take_answer(
    interlocks: Interlocks,
    site_id: int | None,
    device_code: str,
    payload: bytes,
    at: datetime,
    where: str,
) -> bool:
    """An actuator's answer, from the broker or the stream: it confirms only a command sent
    to that device on that site. Returns whether it counted."""
    parsed = parse_ack(payload)
    if parsed is None or site_id is None:
        log.warning("malformed interlock acknowledgement on %s: %r", where, payload[:200])
        return False
    command_id, ok = parsed
    return interlocks.confirm(command_id, ok, at, site_id=site_id, device_code=device_code)
