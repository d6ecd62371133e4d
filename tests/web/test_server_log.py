"""What a running server writes to its log when nothing is wrong: nothing at ERROR after a
plain GET of the login page (a probe, curl), and no "reconnecting" warning on a normal stop."""

from __future__ import annotations

import logging
import time
import uuid

import httpx
import pytest

from hazwatch.core.settings import Settings
from hazwatch.monitoring.mqtt import MqttConnection
from tests.services import MQTT_URL, require
from tests.web.conftest import Server

#: NiceGUI drops a client that never connected after 60 s (checked every 10 s).
PRUNED_AFTER_S = 75


def test_a_plain_get_of_login_logs_no_error(server: Server) -> None:
    before = server.log.read_text(errors="replace")
    response = httpx.get(f"{server.url}/login", timeout=30)
    assert response.status_code == 200
    time.sleep(PRUNED_AFTER_S)
    assert server.process.poll() is None
    after = server.log.read_text(errors="replace")[len(before) :]
    assert "ERROR" not in after and "Traceback" not in after, after[-3000:]


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
