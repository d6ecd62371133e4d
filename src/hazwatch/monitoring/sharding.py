"""Sites → engine partitions, so each site's alarm state has exactly one owner.

An ISA-18.2 alarm's flags, its on/off-delay timers and its shelving are per site and must
be written by one hand. With ``HAZWATCH_ENGINE_PARTITIONS=N`` HazWatch runs N engine
processes, each started with its own ``HAZWATCH_ENGINE_PARTITION`` (0 … N-1); a process's
engine loads, evaluates and acknowledges only the sites :func:`partition_of` assigns to it.
Every process may receive every MQTT message (a topic filter cannot express a hash); the
site is the topic's second level, so a message for another partition is dropped after a
string split, before its payload is decoded. At a scale where that copying matters, the
broker does the split instead: NATS JetStream maps ``hazwatch.v1.{site}.…`` to
``hazwatch.p{partition}.v1.{site}.…`` with ``{{partition(N,1)}}`` and each engine consumes its
own partition's subject (``docs/ingest.md``). Changing N moves sites between owners: stop
all engines, change it everywhere, start them again (state is reloaded from the database).
"""

from __future__ import annotations

from dataclasses import dataclass

from hazwatch.core.settings import Settings

_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 0x01000193


def partition_of(site_id: int, partitions: int) -> int:
    """The partition owning ``site_id``: FNV-1a (32 bit) of its decimal id, modulo N.

    A fixed hash, not Python's ``hash()`` (salted per process), so every process, every
    restart and any external router computes the same answer."""
    if partitions < 1:
        raise ValueError("partitions must be at least 1")
    digest = _FNV_OFFSET
    for byte in str(site_id).encode("ascii"):
        digest = ((digest ^ byte) * _FNV_PRIME) & 0xFFFFFFFF
    return digest % partitions


@dataclass(frozen=True, slots=True)
class Partition:
    """Which share of the sites one engine owns (``Partition(0, 1)``: all of them)."""

    index: int = 0
    count: int = 1

    def __post_init__(self) -> None:
        if self.count < 1 or not 0 <= self.index < self.count:
            raise ValueError(f"engine partition {self.index} of {self.count} does not exist")

    @classmethod
    def from_settings(cls, settings: Settings) -> Partition:
        return cls(settings.engine_partition, settings.engine_partitions)

    @property
    def whole(self) -> bool:
        return self.count == 1

    def owns(self, site_id: int) -> bool:
        return self.whole or partition_of(site_id, self.count) == self.index


#: The single engine that owns every site (the default deployment).
WHOLE = Partition()
