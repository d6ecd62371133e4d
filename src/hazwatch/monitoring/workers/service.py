"""Partition leases in PostgreSQL: which worker owns which partition of the sites.

PostgreSQL is the system of record, so ownership lives there too, next to the alarm state it
guards, rather than in a second consensus system. A worker renews its leases every fifth of
the lease time; one that stops renewing (killed, stalled, cut off) loses them when they
expire, and the others claim them (``SELECT … FOR UPDATE SKIP LOCKED``: two claimants never
take the same partition). Every new owner raises the lease's ``epoch``; an engine stores its
alarm transitions only while its epoch still holds (:func:`fence`, a shared row lock taken in
the same transaction), so a worker that lost its lease without noticing cannot store an
alarm its successor raises too.

Workers share the partitions evenly: each takes up to ``ceil(partitions / live workers)`` and
gives back what it holds above that, so a worker that joins gets its share within a lease.
Times are the workers' clocks (``context.clock``): keep them synchronised (NTP); a skew eats
into the lease.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hazwatch.monitoring.workers.models import PartitionLease, StreamWorker
from hazwatch.monitoring.workers.schemas import PartitionOut, WorkerOut, WorkersView


class LeaseLost(Exception):
    """The partition has another owner now: its engine must stop without storing more."""

    def __init__(self, partition: int) -> None:
        super().__init__(f"the lease of partition {partition} is lost")
        self.partition = partition


@dataclass(frozen=True, slots=True)
class Held:
    partition: int
    epoch: int
    #: Seconds since the previous owner's last renewal (None: the partition was free).
    handover_s: float | None = None


def register(session: Session, name: str, host: str, pid: int, now: datetime) -> int:
    """The worker's row (created, or taken over by a restart under the same name)."""
    worker = session.scalar(select(StreamWorker).where(StreamWorker.name == name))
    if worker is None:
        worker = StreamWorker(name=name, host=host, pid=pid, started_at=now, heartbeat_at=now)
        session.add(worker)
    worker.host, worker.pid, worker.started_at, worker.heartbeat_at = host, pid, now, now
    worker.stopped_at, worker.taken = None, 0
    session.flush()
    return worker.id


def ensure_partitions(session: Session, partitions: int, now: datetime) -> None:
    """One lease row per partition (created free; concurrent workers may race to it)."""
    insert = (
        postgresql.insert
        if session.bind and session.bind.dialect.name == "postgresql"
        else sqlite.insert
    )
    existing = session.scalar(select(func.count()).select_from(PartitionLease)) or 0
    if existing >= partitions:
        return
    session.execute(
        insert(PartitionLease)
        .values([{"partition": p, "expires_at": now, "epoch": 0} for p in range(partitions)])
        .on_conflict_do_nothing(index_elements=["partition"])
    )


def live_workers(session: Session, now: datetime, ttl: timedelta) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(StreamWorker)
            .where(StreamWorker.stopped_at.is_(None), StreamWorker.heartbeat_at > now - ttl)
        )
        or 0
    )


def share(partitions: int, live: int) -> int:
    """Partitions one worker should hold when ``live`` workers share them."""
    return math.ceil(partitions / max(live, 1))


def renew(
    session: Session,
    worker_id: int,
    now: datetime,
    ttl: timedelta,
    *,
    taken: int,
    pending: dict[int, int],
) -> dict[int, int]:
    """Heartbeat: extend every lease still ours; returns them as {partition: epoch}."""
    session.execute(
        update(StreamWorker)
        .where(StreamWorker.id == worker_id)
        .values(heartbeat_at=now, taken=taken, stopped_at=None)
    )
    session.execute(
        update(PartitionLease)
        .where(PartitionLease.worker_id == worker_id)
        .values(expires_at=now + ttl)
    )
    rows = session.execute(
        select(PartitionLease.partition, PartitionLease.epoch).where(
            PartitionLease.worker_id == worker_id
        )
    ).all()
    held = {int(partition): int(epoch) for partition, epoch in rows}
    for partition, count in pending.items():
        if partition in held:
            session.execute(
                update(PartitionLease)
                .where(PartitionLease.partition == partition)
                .values(pending=count)
            )
    return held


def claim(
    session: Session,
    worker_id: int,
    now: datetime,
    ttl: timedelta,
    partitions: int,
    wanted: int,
) -> list[Held]:
    """Take up to ``wanted`` partitions that are free or whose owner stopped renewing."""
    if wanted <= 0:
        return []
    rows = session.scalars(
        select(PartitionLease)
        .where(
            PartitionLease.partition < partitions,
            or_(PartitionLease.worker_id.is_(None), PartitionLease.expires_at <= now),
        )
        .order_by(PartitionLease.partition)
        .limit(wanted)
        .with_for_update(skip_locked=True)
    ).all()
    taken = []
    for row in rows:
        handover = None
        if row.worker_id is not None and row.worker_id != worker_id:
            handover = round((now - (row.expires_at - ttl)).total_seconds(), 3)
            row.handover_s = handover
        row.worker_id, row.epoch = worker_id, row.epoch + 1
        row.expires_at, row.acquired_at = now + ttl, now
        taken.append(Held(row.partition, row.epoch, handover))
    return taken


def release(session: Session, worker_id: int, partitions: list[int], now: datetime) -> None:
    """Give partitions back at once (their engine stopped and everything it took is stored)."""
    if partitions:
        session.execute(
            update(PartitionLease)
            .where(PartitionLease.worker_id == worker_id, PartitionLease.partition.in_(partitions))
            .values(worker_id=None, expires_at=now)
        )


def stop(session: Session, worker_id: int, now: datetime) -> None:
    session.execute(update(StreamWorker).where(StreamWorker.id == worker_id).values(stopped_at=now))
    session.execute(
        update(PartitionLease)
        .where(PartitionLease.worker_id == worker_id)
        .values(worker_id=None, expires_at=now)
    )


def fence(session: Session, partition: int, worker_id: int, epoch: int) -> None:
    """Raise :class:`LeaseLost` unless ``worker_id`` still owns ``partition`` at ``epoch``.
    The shared row lock holds a claimant off until this transaction ends, so whatever it
    stores is in the database before the next owner loads its state."""
    row = session.execute(
        select(PartitionLease.worker_id, PartitionLease.epoch)
        .where(PartitionLease.partition == partition)
        .with_for_update(read=True)
    ).one_or_none()
    if row is None or tuple(row) != (worker_id, epoch):
        raise LeaseLost(partition)


def view(session: Session, now: datetime, ttl: timedelta, partitions: int) -> WorkersView:
    """Workers (live, stopped or silent) and every partition with its owner."""
    workers = session.scalars(select(StreamWorker).order_by(StreamWorker.name)).all()
    leases = session.scalars(select(PartitionLease).order_by(PartitionLease.partition)).all()
    names = {worker.id: worker.name for worker in workers}
    owned: dict[int, list[int]] = {}
    rows = []
    for lease in leases:
        if lease.partition >= partitions:
            continue
        live = lease.worker_id is not None and lease.expires_at > now
        if live and lease.worker_id is not None:
            owned.setdefault(lease.worker_id, []).append(lease.partition)
        rows.append(
            PartitionOut(
                partition=lease.partition,
                worker=names.get(lease.worker_id) if live and lease.worker_id else None,
                expires_at=lease.expires_at,
                epoch=lease.epoch,
                pending=lease.pending,
                handover_s=lease.handover_s,
            )
        )
    return WorkersView(
        partitions=partitions,
        lease_seconds=ttl.total_seconds(),
        workers=[
            WorkerOut(
                name=worker.name,
                host=worker.host,
                pid=worker.pid,
                started_at=worker.started_at,
                heartbeat_at=worker.heartbeat_at,
                stopped_at=worker.stopped_at,
                alive=worker.stopped_at is None and worker.heartbeat_at > now - ttl,
                taken=worker.taken,
                partitions=owned.get(worker.id, []),
            )
            for worker in workers
        ],
        leases=rows,
        unowned=[row.partition for row in rows if row.worker is None],
    )
