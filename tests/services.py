"""Where the integration services are, and the rule for when they are missing.

Locally a missing service skips its tests with a message; under ``CI=true`` it fails them,
so CI always exercises PostgreSQL and the MQTT broker for real.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get(
    "HAZWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MQTT_URL = os.environ.get("HAZWATCH_TEST_MQTT_URL", "mqtt://127.0.0.1:1883")
NATS_URL = os.environ.get("HAZWATCH_TEST_NATS_URL", "nats://127.0.0.1:4222")


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url.replace("+psycopg", ""))
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


def require(name: str, url: str, default_port: int) -> None:
    if reachable(url, default_port):
        return
    message = f"{name} is not reachable at {url}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: integration services are required)")
    pytest.skip(message)


def free_port() -> int:
    """A loopback port nobody listens on now (for a server a test starts itself)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
