"""The health view of the partitioned mode: workers and who owns which partition."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class WorkerOut(BaseModel):
    name: str
    host: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime
    stopped_at: datetime | None
    #: Renewing its leases (a silent worker's partitions move once they expire).
    alive: bool
    taken: int
    partitions: list[int]


class PartitionOut(BaseModel):
    partition: int
    #: The owner while its lease holds; None: unowned (its readings wait in the stream).
    worker: str | None
    expires_at: datetime
    epoch: int
    pending: int
    handover_s: float | None


class WorkersView(BaseModel):
    partitions: int
    lease_seconds: float
    workers: list[WorkerOut]
    leases: list[PartitionOut]
    unowned: list[int]
