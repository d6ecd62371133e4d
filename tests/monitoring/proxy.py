"""A small TCP proxy for tests, in its own thread: put it in front of PostgreSQL or the
broker, then ``cut()`` it (every connection closed, new ones refused: an outage) and
``restore()`` it. ``delay_suback`` holds the broker's SUBACK packets (MQTT type 9) for that
many seconds, to show what a client does before its subscriptions are confirmed."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator

from hazwatch.core.ports import free_port


class Proxy:
    def __init__(self, target_port: int, *, delay_suback: float = 0.0) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.delay_suback = delay_suback
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.restore()

    def _call(self, coroutine: object) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)  # type: ignore[arg-type]

    def restore(self) -> None:
        self._call(self._listen())

    def cut(self) -> None:
        self._call(self._cut())

    def close(self) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(
                self._accept, "127.0.0.1", self.port, reuse_address=True
            )

    async def _cut(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, up_writer))
        downstream = self._mqtt_down if self.delay_suback else self._pipe
        await asyncio.gather(
            self._pipe(reader, up_writer), downstream(up_reader, writer), return_exceptions=True
        )
        for each in (writer, up_writer):
            self._writers.discard(each)
            each.transport.abort()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            writer.transport.abort()

    async def _mqtt_down(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Broker → client, packet by packet, holding each SUBACK."""
        try:
            while header := await reader.read(1):
                length_bytes = b""
                length, shift = 0, 0
                while True:
                    byte = (await reader.readexactly(1))[0]
                    length_bytes += bytes([byte])
                    length |= (byte & 0x7F) << shift
                    shift += 7
                    if not byte & 0x80:
                        break
                body = await reader.readexactly(length) if length else b""
                if header[0] >> 4 == 9:
                    await asyncio.sleep(self.delay_suback)
                writer.write(header + length_bytes + body)
                await writer.drain()
        finally:
            writer.transport.abort()


@contextlib.contextmanager
def proxy(target_port: int, *, delay_suback: float = 0.0) -> Iterator[Proxy]:
    running = Proxy(target_port, delay_suback=delay_suback)
    try:
        yield running
    finally:
        running.close()
