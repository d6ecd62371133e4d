"""What a running server writes to its log when nothing is wrong: no error or NiceGUI warning
after a plain GET of the login page (a probe, curl), and no "reconnecting" warning on a
normal stop."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hazwatch.core.settings import Settings
from hazwatch.monitoring.mqtt import MqttConnection
from tests.services import MQTT_URL, require
from tests.web.conftest import Server, running_server

#: The server drops a page nobody connected to after this long (a minute by default).
UNCONNECTED_S = 2
#: What the server logs when it drops such pages (hazwatch.web.console).
DROPPED = "console page(s) never connected to"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_database: Path) -> Iterator[Server]:
    """Unconnected pages are dropped after 2 s, and the server logs at INFO that it did."""
    yield from running_server(
        tmp_path_factory,
        demo_database,
        HAZWATCH_CONSOLE_UNCONNECTED_PAGE_S=str(UNCONNECTED_S),
        HAZWATCH_LOG_LEVEL="INFO",
    )


def test_a_plain_get_of_login_logs_no_error(server: Server) -> None:
    """The page's handler waits for a browser that never comes; when the page is dropped
    the wait ends, and building the form then for a page that is gone logged NiceGUI's
    warning of a deleted client in use, with its stack."""
    before = len(server.log.read_text(errors="replace"))
    response = httpx.get(f"{server.url}/login", timeout=30)
    assert response.status_code == 200
    deadline = time.monotonic() + 60
    after = ""
    while DROPPED not in after:
        assert time.monotonic() < deadline, f"the page was never dropped: {after[-3000:]}"
        time.sleep(0.5)
        after = server.log.read_text(errors="replace")[before:]
    time.sleep(1)  # the handler's wait ends at once; anything it logs follows within a tick
    assert server.process.poll() is None
    after = server.log.read_text(errors="replace")[before:]
    assert not [line for line in after.splitlines() if wrong(line)], after[-3000:]


def wrong(line: str) -> bool:
    """An error, a traceback, or NiceGUI warning of misuse (it says "Client has been deleted
    but is still being used" with the stack); not the loop watchdog's report of a stall,
    which is about a loaded machine rather than the page."""
    if line.startswith("ERROR hazwatch.api.watchdog event loop silent"):
        return False
    return "ERROR" in line or line.startswith(
        ("Traceback", "Stack (most recent", "WARNING nicegui")
    )


def test_a_normal_stop_logs_no_reconnecting_warning(caplog: pytest.LogCaptureFixture) -> None:
    require("MQTT", MQTT_URL, 1883)
    connection = MqttConnection(Settings(mqtt_url=MQTT_URL), f"hwtest-stop-{uuid.uuid4().hex[:8]}")
    connection.start()
    assert connection.connected.wait(10)
    with caplog.at_level(logging.INFO, logger="hazwatch.monitoring.mqtt"):
        connection.stop()
    messages = [r.getMessage() for r in caplog.records if r.name == "hazwatch.monitoring.mqtt"]
    assert not [m for m in messages if "reconnecting" in m], messages
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.records
