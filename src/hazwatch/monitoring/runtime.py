"""Running the engine inside a process: MQTT ingest and a tick loop, started and stopped
together by the app's lifespan (or the CLI)."""

from __future__ import annotations

import logging
import threading

from hazwatch.core.context import Context
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.events import EventBus
from hazwatch.monitoring.mqtt import MqttIngest

log = logging.getLogger(__name__)


class EngineRuntime:
    def __init__(self, context: Context, bus: EventBus | None = None) -> None:
        self.context = context
        live = context.settings.ingest_enabled
        self.engine = MonitoringEngine(context, bus, threaded_writer=live)
        self.ingest: MqttIngest | None = MqttIngest(context.settings, self.engine) if live else None
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def start(self) -> None:
        if self.ingest is None:
            return
        self.ingest.start()
        self._ticker = threading.Thread(target=self._tick_loop, name="engine-tick", daemon=True)
        self._ticker.start()

    def stop(self) -> None:
        self._stop.set()
        if self.ingest is not None:
            self.ingest.stop()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
        self.engine.close()

    def _tick_loop(self) -> None:
        interval = self.context.settings.engine_tick_seconds
        while not self._stop.wait(interval):
            try:
                self.engine.tick()
            except Exception:  # keep ticking: stale detection must not die with one error
                log.exception("engine tick failed")
