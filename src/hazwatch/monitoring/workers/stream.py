"""The durable stream between devices and workers: NATS JetStream, partitioned by site.

Subjects: ``{prefix}.p{partition}.v1.{site}.{device}.{reading|batch}``, the partition being
:func:`~hazwatch.monitoring.sharding.partition_of` (FNV-1a of the site id, the same function
as NATS's own ``partition(n, …)`` subject mapping, so a server-side mapping and this code
agree). One stream holds them all as a work queue (a message leaves once a worker
acknowledged it, after its readings are committed); each partition has one durable pull
consumer, named ``p{partition}``, that only the partition's lease holder reads.

A worker that takes over a partition from a dead one deletes and recreates the consumer when
it still holds unacknowledged messages: on a work queue the acknowledged ones are gone, so
the new consumer is handed every reading not yet stored at once, instead of after the ack
wait, and the old owner (should it live on) can no longer acknowledge or fetch.

:class:`StreamLink` runs one connection on its own event loop thread, so the engine's
synchronous code (threads, a lock) can use it without blocking the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import threading
import time
from collections import deque
from collections.abc import Coroutine
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.client import JetStreamContext

from hazwatch.core.settings import Settings
from hazwatch.monitoring.sharding import partition_of

log = logging.getLogger(__name__)

T = TypeVar("T")

#: A message not acknowledged this long is handed out again (the owner is alive but its
#: database is away: its writer retries and acknowledges once stored).
ACK_WAIT_S = 60.0
#: Messages a partition's owner may hold unacknowledged: the bound on what it keeps in
#: memory; beyond it the stream waits (back-pressure, nothing dropped).
MAX_ACK_PENDING = 4_000
#: Readings wait this long in the stream for a worker (a week of PostgreSQL outage).
MAX_AGE_S = 7 * 24 * 3600.0
#: A message re-sent within this window (same ``Nats-Msg-Id``) is stored once.
DUPLICATE_WINDOW_S = 120.0
#: Messages one pull request asks for, and how long it waits at the server for them.
PULL_BATCH = 1_000
PULL_EXPIRES_S = 5.0
ACK = b"+ACK"
#: Characters a subject token cannot hold, escaped in a device code.
_RESERVED = ".*> \t\r\n%"


class StreamUnreachable(ConnectionError):
    """The stream server did not answer, or refused this process (the reason says which)."""

    def __init__(self, server: str, reason: str) -> None:
        super().__init__(f"NATS at {server}: {reason}")
        self.server = server
        self.reason = reason


def stream_servers(url: str) -> list[str]:
    """The servers of ``HAZWATCH_STREAM_URL``: one URL, or a NATS cluster's as a
    comma-separated list (the client moves to another when one goes away)."""
    return [part.strip() for part in url.split(",") if part.strip()]


def server_address(url: str) -> str:
    """The servers of a stream URL without the credentials they may carry (for messages
    and logs: the URL holds the process's password)."""
    shown = []
    for server in stream_servers(url):
        parts = urlsplit(server if "://" in server else f"nats://{server}")
        shown.append(parts.netloc.rpartition("@")[2])
    return ",".join(shown)


def _refused(exc: Exception) -> bool:
    """An answer that retrying with the same credentials cannot change."""
    text = str(exc).lower()
    return isinstance(exc, nats.errors.AuthorizationError) or "authorization" in text


def token(text: str) -> str:
    """``text`` as one subject token (a device code may contain dots)."""
    if text and not any(c in _RESERVED for c in text):
        return text
    return "".join(f"%{ord(c):02X}" if c in _RESERVED else c for c in text) or "%00"


def subject_for(prefix: str, partitions: int, site_id: int, device_code: str, kind: str) -> str:
    partition = partition_of(site_id, partitions)
    return f"{prefix}.p{partition}.v1.{site_id}.{token(device_code)}.{kind}"


def partition_filter(prefix: str, partition: int) -> str:
    return f"{prefix}.p{partition}.v1.>"


def parse(subject: str) -> tuple[int | None, str, str]:
    """(site id, device code, kind) of a reading subject; the site None when not a number."""
    parts = subject.split(".")
    if len(parts) < 6:
        return None, "", ""
    site, device, kind = parts[-3:]
    return (int(site) if site.isdigit() else None), unquote(device), kind


def message_id(topic: str, payload: bytes) -> str:
    """The stream's de-duplication key: a device's re-sent message is stored once."""
    return hashlib.blake2b(topic.encode() + b"\0" + payload, digest_size=16).hexdigest()


def consumer_config(prefix: str, partition: int) -> ConsumerConfig:
    return ConsumerConfig(
        durable_name=f"p{partition}",
        filter_subject=partition_filter(prefix, partition),
        ack_policy=AckPolicy.EXPLICIT,
        ack_wait=ACK_WAIT_S,
        max_ack_pending=MAX_ACK_PENDING,
        deliver_policy=DeliverPolicy.ALL,
        max_deliver=-1,
    )


class StreamLink:
    """One NATS connection on an event loop thread; synchronous callers use :meth:`call`."""

    def __init__(self, settings: Settings, name: str, *, connect_wait: float = 15) -> None:
        """Connected, or raises :class:`StreamUnreachable` after ``connect_wait`` seconds
        (the client would try for ever: the attempt is cancelled and the loop stopped), at
        once if the server refused this process's credentials; once connected it
        reconnects by itself for as long as it lives."""
        if not settings.stream_url:
            raise ValueError("no stream configured (HAZWATCH_STREAM_URL)")
        self.settings = settings
        self.name = name
        self.stream = settings.stream_name
        self.prefix = settings.stream_subject_prefix
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="nats", daemon=True)
        self._thread.start()
        #: Why the server refused the connection, while connecting (None once connected).
        self._refusal: asyncio.Future[str] | None = None
        try:
            self.nc = self.call(self._connect(connect_wait), timeout=connect_wait + 5)
        except BaseException:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(timeout=5)
            raise
        self.js: JetStreamContext = self.nc.jetstream(timeout=5)
        self.reconnects = 0

    async def _connect(self, wait: float) -> Client:
        """The connection, or :class:`StreamUnreachable`: no answer within ``wait``, or
        refused credentials (not worth retrying: the attempt ends as soon as the server
        says so)."""
        refusal: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._refusal = refusal
        connecting: asyncio.Future[Client] = asyncio.ensure_future(
            nats.connect(
                stream_servers(self.settings.stream_url or ""),
                name=self.name,
                max_reconnect_attempts=-1,
                reconnect_time_wait=0.5,
                connect_timeout=5,
                error_cb=self._error,
                disconnected_cb=self._disconnected,
                reconnected_cb=self._reconnected,
            )
        )
        server = server_address(self.settings.stream_url or "")
        try:
            first: set[asyncio.Future[Any]] = {connecting, refusal}
            await asyncio.wait(first, timeout=wait, return_when=asyncio.FIRST_COMPLETED)
            if connecting.done():
                failed = connecting.exception()
                if failed is not None:
                    raise StreamUnreachable(server, str(failed) or type(failed).__name__)
                return connecting.result()
            if refusal.done():
                raise StreamUnreachable(server, refusal.result())
            raise StreamUnreachable(server, f"no answer within {wait:g} s")
        finally:
            self._refusal = None
            if not connecting.done():
                connecting.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await connecting

    async def _error(self, exc: Exception) -> None:
        log.warning("NATS: %s", exc)
        refusal = self._refusal
        if refusal is not None and not refusal.done() and _refused(exc):
            refusal.set_result(str(exc))

    async def _disconnected(self) -> None:
        log.warning("NATS disconnected; reconnecting")

    async def _reconnected(self) -> None:
        self.reconnects += 1
        log.info("NATS reconnected")

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def ensure_stream(self) -> None:
        self.call(self._ensure_stream())

    async def _ensure_stream(self) -> None:
        config = StreamConfig(
            name=self.stream,
            subjects=[f"{self.prefix}.*.v1.>"],
            retention=RetentionPolicy.WORK_QUEUE,
            storage=StorageType.FILE,
            discard=DiscardPolicy.NEW,  # full: publishers are refused, nothing is dropped
            max_age=MAX_AGE_S,
            duplicate_window=DUPLICATE_WINDOW_S,
        )
        try:
            await self.js.stream_info(self.stream)
        except nats.js.errors.NotFoundError:
            try:
                await self.js.add_stream(config)
            except nats.js.errors.BadRequestError:  # another worker created it meanwhile
                await self.js.stream_info(self.stream)

    def bind(self, partition: int) -> Puller:
        """The partition's consumer, pulled ahead into this process (see :class:`Puller`)."""
        puller = Puller(self, partition)
        self.call(self._bind(puller))
        return puller

    async def _bind(self, puller: Puller) -> None:
        """The partition's consumer, recreated when a previous owner left messages
        unacknowledged (they are redelivered at once; see the module docstring)."""
        partition = puller.partition
        name = f"p{partition}"
        try:
            info = await self.js.consumer_info(self.stream, name)
        except nats.js.errors.NotFoundError:
            info = None
        if info is not None and info.num_ack_pending:
            log.info(
                "partition %d: %d messages the previous owner did not acknowledge are "
                "handed out again",
                partition,
                info.num_ack_pending,
            )
            await self.js.delete_consumer(self.stream, name)
            info = None
        if info is None:
            # a racing call may have created it: bind to that one
            with contextlib.suppress(nats.js.errors.BadRequestError):
                await self.js.add_consumer(self.stream, consumer_config(self.prefix, partition))
        await puller.start()

    def fetch(self, puller: Puller, batch: int) -> list[Msg]:
        """Up to ``batch`` messages, waiting at most half a second (none: an empty list)."""
        return puller.take(batch, 0.5)

    def pending(self, puller: Puller) -> int:
        info = self.call(self.js.consumer_info(self.stream, f"p{puller.partition}"), timeout=5)
        return int(info.num_pending or 0) + int(info.num_ack_pending or 0)

    def ack(self, message: Msg) -> None:
        """Acknowledge from any thread (a writer's commit callback)."""
        self.ack_all([message])

    def ack_all(self, messages: list[Msg]) -> None:
        self.loop.call_soon_threadsafe(self._spawn_acks, messages)

    def _spawn_acks(self, messages: list[Msg]) -> None:
        self.loop.create_task(self._ack(messages))

    async def _ack(self, messages: list[Msg]) -> None:
        publish = self.nc.publish
        for message in messages:
            try:
                await publish(message.reply, ACK)
            except Exception as exc:  # redelivered later and recognised as a duplicate
                log.warning("acknowledging %s failed: %s", message.subject, exc)

    def unsubscribe(self, puller: Puller) -> None:
        self.call(self._unsubscribe(puller), timeout=10)

    async def _unsubscribe(self, puller: Puller) -> None:
        await self.nc.flush(timeout=5)  # acknowledgements sent before the lease is given back
        await puller.stop()

    def publish(self, subject: str, payload: bytes, msg_id: str) -> None:
        """Store one message in the stream, waiting for the stream's confirmation."""
        self.call(self.js.publish(subject, payload, headers={"Nats-Msg-Id": msg_id}), timeout=10)

    def close(self) -> None:
        try:
            self.call(self.nc.drain(), timeout=10)
        except Exception:  # closing anyway
            log.exception("closing the NATS connection")
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)


class Puller:
    """A partition's messages pulled ahead of the engine that takes them.

    One pull request at a time is outstanding at the server, for :data:`PULL_BATCH`
    messages or :data:`PULL_EXPIRES_S`; the next is sent as soon as it is answered, so the
    messages stream in while the engine works on the previous ones, and the consumer's
    ``max_ack_pending`` bounds how many wait here (nothing is taken that this process
    could not hold). nats-py's ``fetch`` waits for every message on its own (a timer each)
    and returned about a quarter of what this does on the same machine.

    The messages arrive on the link's event loop thread; :meth:`take` is called from the
    partition's thread (a deque and an event between them, no round trip to the loop)."""

    def __init__(self, link: StreamLink, partition: int) -> None:
        self.link = link
        self.partition = partition
        self._subject = f"$JS.API.CONSUMER.MSG.NEXT.{link.stream}.p{partition}"
        self._inbox = link.nc.new_inbox()
        self._subscription: Subscription | None = None
        self._messages: deque[Msg] = deque()
        self._arrived = threading.Event()
        #: Messages the outstanding request may still bring (0: none outstanding).
        self._asked = 0
        #: time.monotonic() of the last request or answer (a lost request is sent again).
        self._heard = 0.0
        self._watch: asyncio.Task[None] | None = None
        self._stopped = False

    async def start(self) -> None:
        self._subscription = await self.link.nc.subscribe(self._inbox, cb=self._on_message)
        await self._request()
        self._watch = asyncio.get_running_loop().create_task(self._watchdog())

    async def _request(self) -> None:
        if self._stopped:
            return
        self._asked, self._heard = PULL_BATCH, time.monotonic()
        request = b'{"batch":%d,"expires":%d}' % (PULL_BATCH, int(PULL_EXPIRES_S * 1e9))
        try:
            await self.link.nc.publish(self._subject, request, reply=self._inbox)
        except Exception as exc:  # the connection away: the watchdog asks again
            log.warning("partition %d: pull request failed (%s)", self.partition, exc)

    async def _on_message(self, message: Msg) -> None:
        self._heard = time.monotonic()
        if message.reply:  # a stored message
            self._messages.append(message)
            self._arrived.set()
            self._asked -= 1
            if self._asked <= 0:
                await self._request()
            return
        # a status: the request expired (408) or the consumer is gone or moved (409)
        status = (message.headers or {}).get("Status", "")
        if status != "408":
            log.debug("partition %d: pull answered %s", self.partition, status)
            await asyncio.sleep(0.25)
        await self._request()

    async def _watchdog(self) -> None:
        """Ask again when a request went unanswered past its expiry (the connection broke
        meanwhile: the server forgot it)."""
        while not self._stopped:
            await asyncio.sleep(1.0)
            if time.monotonic() - self._heard > PULL_EXPIRES_S + 2.0:
                await self._request()

    def take(self, most: int, timeout: float) -> list[Msg]:
        """Up to ``most`` messages that arrived, waiting up to ``timeout`` for the first."""
        if not self._messages:
            self._arrived.clear()
            if not self._messages:
                self._arrived.wait(timeout)
        messages = self._messages
        taken: list[Msg] = []
        while messages and len(taken) < most:
            taken.append(messages.popleft())
        return taken

    async def stop(self) -> None:
        self._stopped = True
        if self._watch is not None:
            self._watch.cancel()
        if self._subscription is not None:
            with contextlib.suppress(Exception):
                await self._subscription.unsubscribe()
        self._messages.clear()
