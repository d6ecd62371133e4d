"""Workers and the leases by which each partition of the sites has one owner at a time.

Operational records, not safety data: a heartbeat a second per worker would drown the audit
log, so they are not audited; a hand-over is logged by the worker that takes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hazwatch.core.db import Base, UTCDateTime


class StreamWorker(Base):
    """One ``hazwatch worker run`` process, known by its name (a restart keeps the row)."""

    __tablename__ = "stream_worker"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    host: Mapped[str] = mapped_column(String(128))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Readings this process took and stored since it started.
    taken: Mapped[int] = mapped_column(BigInteger, default=0)


class PartitionLease(Base):
    """Who owns a partition, until when. ``epoch`` grows with every new owner: the fence
    an engine checks in the transaction that stores an alarm, so a worker that lost its
    lease (stalled past it, or cut off) cannot store an alarm its successor also raises."""

    __tablename__ = "partition_lease"

    partition: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    worker_id: Mapped[int | None] = mapped_column(
        ForeignKey("stream_worker.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    acquired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Messages in the partition's stream not yet delivered, as its owner last saw them.
    pending: Mapped[int] = mapped_column(BigInteger, default=0)
    #: The last hand-over from a worker that stopped renewing: seconds from its last renewal
    #: to the new owner's claim (None: the partition was free or released when taken).
    handover_s: Mapped[float | None] = mapped_column(Float)
