"""Operator actions and HTTP ingest in the partitioned mode, taken to the site's owner.

A site's alarms live in the memory of the one worker that holds its partition's lease: an
acknowledgement applied by any other engine would be overwritten by the owner's next
transition. So the API process (and the console in it) checks the caller's scope, then sends
the action as a NATS request on the partition's control subject ``{prefix}.control.p{n}``.
Only the runner of a held partition listens there (queue group ``owner``: one of them takes
a request, even while a stalled old owner and its successor both still listen); it applies the
action through the same engine method the single process calls — the audit row under the
caller's identity, the alarm transition fenced by the lease's epoch — and answers once it is
committed, or with the :class:`~hazwatch.core.errors.DomainError` it raised (kind, code,
field, parameters), which the API answers as the single process would.

Nobody listening (the partition unclaimed, its owner still loading it), no answer in
:data:`REPLY_WAIT_S`, or an owner whose lease turned out to be lost: 503
``monitoring.owner_unavailable``, nothing stored by anyone (a lost lease's fence refuses the
commit). After a timeout the action may have been applied just before its answer was lost;
sending it again is safe (acknowledging an acknowledged alarm changes nothing but its
timeline, which records the second request).

HTTP ingest does not go through an owner: the batch is stored in the partition's stream like
a bridged MQTT message (``Nats-Msg-Id`` from its subject and body, so a gateway's retry is
stored once) and answered 202 once the stream confirmed it. The stream stays the one way into
a partition: its owner takes a gateway's readings in the same order as everything else of
the site, and they wait on disk while the partition has no owner or PostgreSQL is away.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, Protocol

import nats.errors
import orjson
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from pydantic import BaseModel
from sqlalchemy import select

from hazwatch.core.auth.roles import Principal
from hazwatch.core.context import Context
from hazwatch.core.errors import (
    Conflict,
    DomainError,
    ErrorKind,
    Forbidden,
    InvalidInput,
    NotFound,
    TooLarge,
    Unauthenticated,
    Unavailable,
)
from hazwatch.monitoring.config import DeviceConfig
from hazwatch.monitoring.engine import ACTION_WAIT_S
from hazwatch.monitoring.models import Alarm, MeasurementPoint
from hazwatch.monitoring.retry import Stopped, transient
from hazwatch.monitoring.sharding import partition_of
from hazwatch.monitoring.workers.service import LeaseLost
from hazwatch.monitoring.workers.stream import StreamLink, message_id, subject_for

log = logging.getLogger(__name__)

#: How long the API waits for the owner's answer: longer than the owner's own bounded wait
#: for the database (:data:`~hazwatch.monitoring.engine.ACTION_WAIT_S`), so that a database
#: outage is answered as such rather than as an absent owner.
REPLY_WAIT_S = ACTION_WAIT_S + 2.0
#: How long the API waits for the stream server when it first connects.
CONNECT_WAIT_S = 2.0
QUEUE = "owner"
ERRORS: dict[ErrorKind, type[DomainError]] = {
    error.kind: error
    for error in (
        InvalidInput,
        NotFound,
        Conflict,
        Forbidden,
        Unauthenticated,
        TooLarge,
        Unavailable,
    )
}


class OperatorActions(Protocol):
    """What an operator does to alarms and points: the engine in one process, the
    partitions' owners (:class:`Owners`) in the partitioned mode."""

    def acknowledge(
        self, alarm_id: int, principal: Principal, comment: str | None = None
    ) -> None: ...

    def shelve(self, alarm_id: int, principal: Principal, reason: str, until: datetime) -> None: ...

    def unshelve(self, alarm_id: int, principal: Principal) -> None: ...

    def comment(self, alarm_id: int, principal: Principal, text: str) -> None: ...

    def set_out_of_service(
        self, point_id: int, principal: Principal, reason: str, out_of_service: bool
    ) -> None: ...


def control_subject(prefix: str, partition: int) -> str:
    return f"{prefix}.control.p{partition}"


class Action(BaseModel):
    """One operator action as it travels to the owner (``subject``: the alarm, or the point
    for ``service``)."""

    action: Literal["ack", "shelve", "unshelve", "comment", "service"]
    subject: int
    caller: Principal
    text: str | None = None
    until: datetime | None = None
    out_of_service: bool = False

    def apply(self, actions: OperatorActions) -> None:
        who, text = self.caller, self.text or ""
        if self.action == "ack":
            actions.acknowledge(self.subject, who, self.text)
        elif self.action == "shelve":
            assert self.until is not None
            actions.shelve(self.subject, who, text, self.until)
        elif self.action == "unshelve":
            actions.unshelve(self.subject, who)
        elif self.action == "comment":
            actions.comment(self.subject, who, text)
        else:
            actions.set_out_of_service(self.subject, who, text, self.out_of_service)


def error_reply(error: DomainError) -> bytes:
    params = {
        k: v if isinstance(v, int | float | str | None) else str(v) for k, v in error.params.items()
    }
    return orjson.dumps(
        {"error": {"kind": error.kind, "code": error.code, "field": error.field, "params": params}}
    )


def raise_reply(data: bytes) -> None:
    """Raise the owner's refusal as the DomainError it was; an empty answer is success."""
    reply: dict[str, Any] = orjson.loads(data or b"{}")
    error = reply.get("error")
    if error is None:
        return
    if not isinstance(error, dict) or "code" not in error:
        raise RuntimeError(f"the partition's owner failed: {reply!r}")
    kind = ERRORS.get(ErrorKind(error.get("kind", ErrorKind.UNAVAILABLE)), Unavailable)
    raise kind(error["code"], field=error.get("field"), **(error.get("params") or {}))


def answer(actions: OperatorActions, data: bytes, lost: Callable[[], None]) -> bytes:
    """The owner's side: apply one request and say how it went. ``lost`` is told when the
    lease turned out to be gone (nothing was stored: the fence refused it)."""
    try:
        Action.model_validate_json(data).apply(actions)
    except DomainError as refused:
        return error_reply(refused)
    except LeaseLost:
        lost()
        return error_reply(Unavailable("monitoring.owner_unavailable"))
    except Stopped:  # the partition is being given back while the database is away
        return error_reply(Unavailable("monitoring.owner_unavailable"))
    except Exception as exc:
        if transient(exc):
            return error_reply(Unavailable("monitoring.database_unavailable"))
        log.exception("control request failed")
        return orjson.dumps({"error": {"failed": type(exc).__name__}})
    return b"{}"


async def listen(
    link: StreamLink, partition: int, handle: Callable[[bytes], bytes]
) -> Subscription:
    """Serve the partition's control subject; each request handled off the event loop
    (actions write to the database), one at a time."""

    async def on_request(message: Msg) -> None:
        reply = await asyncio.get_running_loop().run_in_executor(None, handle, message.data)
        try:
            await message.respond(reply)
        except Exception as exc:  # the requester gave up or the connection broke: it retries
            log.warning("partition %d: answering a control request failed (%s)", partition, exc)

    return await link.nc.subscribe(
        control_subject(link.prefix, partition), queue=QUEUE, cb=on_request
    )


async def close(desk: Subscription) -> None:
    """Stop taking requests, once those already taken are answered."""
    await desk.drain()  # type: ignore[no-untyped-call]


class Owners:
    """The partitions' owners seen from the API process: operator actions sent to the
    owner of the site (:class:`OperatorActions`), gateway batches into the stream. The
    connection is made on first use, so the API starts while the stream server is away."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.settings = context.settings
        self._link: StreamLink | None = None
        self._lock = threading.Lock()

    def link(self) -> StreamLink:
        with self._lock:
            if self._link is None:
                try:
                    link = StreamLink(self.settings, "hazwatch-api", connect_wait=CONNECT_WAIT_S)
                    link.ensure_stream()
                except Exception as exc:
                    log.warning("the stream server cannot be reached (%s)", exc)
                    raise Unavailable("monitoring.stream_unavailable") from exc
                self._link = link
            return self._link

    def close(self) -> None:
        with self._lock:
            if self._link is not None:
                self._link.close()
                self._link = None

    def _send(self, site_id: int, action: Action) -> None:
        partition = partition_of(site_id, self.settings.stream_partitions)
        link = self.link()
        subject = control_subject(link.prefix, partition)
        try:
            reply = link.call(
                link.nc.request(subject, action.model_dump_json().encode(), timeout=REPLY_WAIT_S),
                timeout=REPLY_WAIT_S + 1,
            )
        except (nats.errors.Error, TimeoutError) as exc:
            log.warning("partition %d: no owner answered (%s)", partition, type(exc).__name__)
            raise Unavailable("monitoring.owner_unavailable", partition=partition) from exc
        raise_reply(reply.data)

    def _site(self, model: type[Alarm | MeasurementPoint], key: int) -> int:
        with self.context.sessions() as session:
            site_id = session.scalar(select(model.site_id).where(model.id == key))
        if site_id is None:
            raise NotFound("scope.not_found")
        return int(site_id)

    def _on_alarm(self, alarm_id: int, action: Action) -> None:
        self._send(self._site(Alarm, alarm_id), action)

    def acknowledge(self, alarm_id: int, principal: Principal, comment: str | None = None) -> None:
        self._on_alarm(
            alarm_id, Action(action="ack", subject=alarm_id, caller=principal, text=comment)
        )

    def shelve(self, alarm_id: int, principal: Principal, reason: str, until: datetime) -> None:
        self._on_alarm(
            alarm_id,
            Action(action="shelve", subject=alarm_id, caller=principal, text=reason, until=until),
        )

    def unshelve(self, alarm_id: int, principal: Principal) -> None:
        self._on_alarm(alarm_id, Action(action="unshelve", subject=alarm_id, caller=principal))

    def comment(self, alarm_id: int, principal: Principal, text: str) -> None:
        self._on_alarm(
            alarm_id, Action(action="comment", subject=alarm_id, caller=principal, text=text)
        )

    def set_out_of_service(
        self, point_id: int, principal: Principal, reason: str, out_of_service: bool
    ) -> None:
        action = Action(
            action="service",
            subject=point_id,
            caller=principal,
            text=reason,
            out_of_service=out_of_service,
        )
        self._send(self._site(MeasurementPoint, point_id), action)

    def store_batch(self, device: DeviceConfig, readings: list[dict[str, Any]]) -> None:
        """A gateway's batch into its partition's stream, returning once the stream stored
        it (a re-sent identical batch is stored once)."""
        link = self.link()
        subject = subject_for(
            link.prefix, self.settings.stream_partitions, device.site_id, device.code, "batch"
        )
        payload = orjson.dumps({"readings": readings})
        try:
            link.publish(subject, payload, message_id(subject, payload))
        except Exception as exc:
            log.warning("storing a gateway batch in the stream failed (%s)", exc)
            raise Unavailable("monitoring.stream_unavailable") from exc
