"""Door checks for a fleet of readers: ``hazwatch access serve --workers N``.

Worker processes of their own (uvicorn's ``--workers``), beside the engine processes or on
other machines, answer ``POST /api/access/check`` from the persisted present: each worker's
background thread reads ``point_state`` and the active alarms every ``REFRESH_S`` into a
snapshot in memory, and reloads the door/room layout and the reader devices whenever the
audit chain's head moves (every configuration change is audited, in whichever process, as
are operator actions). A check then needs no database (a confined space's or hot work's
permit, and a rescuer's breathing apparatus, excepted), so it is answered on the event loop.

Unknown is unsafe here too:

* a point's conditions are those of its stored state *and* of its active alarms (the engine
  commits an alarm before its writer stores the point's state);
* a point whose stored reading is older than its stale limit (1.5 expected intervals) and
  the storage heartbeat (a steady reading is stored only that often, so the stored state of
  a healthy point lags by up to that much) is stale, though no engine marked it so (an
  engine that died marks nothing; a live one marks a silent point stale within a tick);
* a snapshot older than ``MAX_AGE_S`` (the database out of reach) answers every door
  ``deny`` (``access.reason.state_unavailable``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import ExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.api.errors import install_error_handlers
from hazwatch.api.inputs import Router
from hazwatch.core.audit.models import AuditChainHead
from hazwatch.core.auth.service import hash_secret
from hazwatch.core.context import Context, build_context
from hazwatch.core.settings import get_settings
from hazwatch.monitoring.access.service import (
    O2_KINDS,
    AccessPolicy,
    Decision,
    DoorLayout,
    PointFacts,
    decide,
    decision_row,
    denied,
    load_layout,
)
from hazwatch.monitoring.config import load_devices
from hazwatch.monitoring.present import (
    StoredPoint,
    active_alarms,
    alarms_by_room,
    conditions_by_point,
    stored_points,
)
from hazwatch.monitoring.writer import Batch, ReadingWriter

log = logging.getLogger(__name__)

#: Seconds between reads of the persisted present.
REFRESH_S = 0.2
#: A snapshot older than this (seconds) is no longer trusted: every door denies.
MAX_AGE_S = 3.0
#: Seconds the layout and devices are trusted when the audit head has not moved.
LAYOUT_TTL = 30.0


@dataclass(frozen=True)
class Snapshot:
    """What one read of the database gave; replaced whole, never changed."""

    taken_at: float  # time.monotonic()
    doors: dict[str, DoorLayout] = field(default_factory=dict)
    #: Reader devices that may ask, by the digest of their token: device id.
    readers: dict[str, int] = field(default_factory=dict)
    points: dict[int, StoredPoint] = field(default_factory=dict)
    #: Active alarms per room: (alarm id, condition, point id).
    room_alarms: dict[int, list[tuple[int, str, int | None]]] = field(default_factory=dict)
    #: Conditions of the active alarms per point.
    point_alarms: dict[int, frozenset[str]] = field(default_factory=dict)


class SnapshotState:
    """The rules' :class:`~hazwatch.monitoring.access.service.StateSource` at ``now``;
    ``heartbeat``: how far a steady point's stored state may lag its newest reading (the
    engine stores a reading that did not move only that often)."""

    def __init__(self, snapshot: Snapshot, now: datetime, heartbeat: timedelta) -> None:
        self.snapshot = snapshot
        self.now = now
        self.heartbeat = heartbeat

    def point(self, point_id: int) -> PointFacts:
        stored = self.snapshot.points.get(point_id)
        alarmed = self.snapshot.point_alarms.get(point_id, frozenset())
        if stored is None:
            return PointFacts("unknown", None, tuple(sorted(alarmed)))
        conditions = tuple(sorted(alarmed.union(stored.conditions)))
        if stored.stale(self.now, self.heartbeat):
            return PointFacts("stale", None, conditions)
        return PointFacts(stored.quality, stored.value, conditions)

    def room_alarms(self, room_id: int, exclude_points: set[int]) -> list[tuple[int, str]]:
        return [
            (alarm_id, condition)
            for alarm_id, condition, point_id in self.snapshot.room_alarms.get(room_id, ())
            if point_id not in exclude_points
        ]


def read_present(session: Session, keep: Snapshot | None = None) -> Snapshot:
    """Point states and active alarms; the layout and readers too, unless those of
    ``keep`` still hold."""
    now = time.monotonic()
    points = stored_points(session, O2_KINDS)
    alarms = active_alarms(session)
    if keep is None:
        doors = load_layout(session)
        readers = {
            device.secret_hash: device.id
            for device in load_devices(session)
            if device.secret_hash and device.revoked_at is None
        }
    else:
        doors, readers = keep.doors, keep.readers
    return Snapshot(
        now,
        doors,
        readers,
        points,
        alarms_by_room(alarms),
        conditions_by_point(alarms),
    )


class PersistedAccess:
    """The door readers' path in a process without an engine (see the module)."""

    #: Door and reader lookups and most checks are answered from memory, on the event loop.
    in_memory = True

    def __init__(self, context: Context, policy: AccessPolicy | None = None) -> None:
        self.context = context
        self.policy = policy or AccessPolicy.from_settings(context.settings)
        self.heartbeat = timedelta(seconds=context.settings.storage_max_interval_s)
        self.writer = ReadingWriter(context.engine, threaded=True)
        self.snapshot = Snapshot(taken_at=float("-inf"))
        self._layout_at = float("-inf")
        self._head: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        try:
            self.refresh()
        except Exception:  # the database may come later; until then every door denies
            log.exception("reading the present for door checks failed")
        self._thread = threading.Thread(target=self._run, name="access-present", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.writer.flush()
        self.writer.close()

    def refresh(self) -> None:
        with self.context.sessions() as session:
            head = session.scalar(select(AuditChainHead.seq).where(AuditChainHead.id == 1))
            moved = head != self._head
            fresh_layout = moved or time.monotonic() - self._layout_at > LAYOUT_TTL
            snapshot = read_present(session, None if fresh_layout else self.snapshot)
        if fresh_layout:
            self._layout_at = snapshot.taken_at
        self._head = head
        self.snapshot = snapshot

    def _run(self) -> None:
        while not self._stop.wait(REFRESH_S):
            try:
                self.refresh()
            except Exception:  # keep reading; a snapshot that grows old denies every door
                log.exception("reading the present for door checks failed")

    def fresh(self) -> bool:
        return time.monotonic() - self.snapshot.taken_at <= MAX_AGE_S

    def reader(self, secret: str) -> int | None:
        """The reader device whose token this is (None: no reader, or revoked)."""
        return self.snapshot.readers.get(hash_secret(secret))

    def door(self, door_code: str) -> DoorLayout | None:
        return self.snapshot.doors.get(door_code)

    def sink(self, rows: Iterable[dict[str, Any]]) -> None:
        self.writer.submit(Batch(decisions=list(rows)))

    def check(
        self,
        *,
        door_code: str,
        person: str,
        purpose: str,
        now: datetime,
        policy: AccessPolicy | None = None,
    ) -> Decision:
        snapshot = self.snapshot
        door = snapshot.doors.get(door_code)
        if door is not None and time.monotonic() - snapshot.taken_at > MAX_AGE_S:
            decision = denied(door, door_code, person, purpose, "state_unavailable")
        else:
            with ExitStack() as stack:
                opened: list[Session] = []

                def session() -> Session:
                    if not opened:
                        opened.append(stack.enter_context(self.context.sessions()))
                    return opened[0]

                decision = decide(
                    session,
                    door,
                    SnapshotState(snapshot, now, self.heartbeat),
                    door_code=door_code,
                    person=person,
                    purpose=purpose,
                    now=now,
                    policy=policy or self.policy,
                )
        self.sink([decision_row(decision, now)])
        return decision


health_router = Router(tags=["health"])


@health_router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


def create_access_app(context: Context) -> FastAPI:
    """The access service: the door check and the access log, nothing else."""
    from hazwatch.monitoring.access.routes import router

    access = PersistedAccess(context)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        access.start()
        try:
            yield
        finally:
            access.stop()

    app = FastAPI(
        title="HazWatch door checks",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.context = context
    app.state.access = access
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(router)
    return app


def app_from_settings() -> FastAPI:
    """The factory each uvicorn worker process calls (settings from the environment)."""
    return create_access_app(build_context(get_settings()))
