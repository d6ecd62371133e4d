"""Storage upkeep run by the engine's tick loop: partitions ahead, retention behind."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from hazwatch.core.context import Context
from hazwatch.monitoring.partitions import apply_retention, ensure_partitions

log = logging.getLogger(__name__)
EVERY = timedelta(hours=1)


class StorageMaintenance:
    def __init__(self, context: Context) -> None:
        self.context = context
        self._last: datetime | None = None

    def run(self, now: datetime) -> tuple[list[str], list[str]]:
        settings = self.context.settings
        created = ensure_partitions(self.context.engine, now.date())
        dropped = apply_retention(
            self.context.engine,
            now,
            settings.reading_retention_days,
            settings.aggregate_retention_days,
        )
        self._last = now
        if created or dropped:
            log.info("reading partitions created %s, dropped %s", created, dropped)
        return created, dropped

    def tick(self, now: datetime) -> None:
        if self._last is None or now - self._last >= EVERY:
            self.run(now)
