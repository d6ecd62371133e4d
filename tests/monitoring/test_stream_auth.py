"""The partitioned mode behind a NATS server that admits HazWatch's roles only
(``deploy/nats/hazwatch.conf``): a ``nats-server`` of this module's own, on a free loopback
port, started with that file as an operator would.

It proves the shipped configuration is complete (a worker, the API process and a bridge each
do their whole job with their own user) and closed (no anonymous connection; a bridge, which
sits near the devices, cannot send operator actions), and that a refused process says so at
once instead of retrying for ever.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nats.errors
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from hazwatch.api.app import create_app
from hazwatch.benchmarks import workers as fleet
from hazwatch.cli.main import app as cli
from hazwatch.core.auth.roles import Role
from hazwatch.core.context import Context
from hazwatch.core.settings import Settings, get_settings
from hazwatch.monitoring.models import Alarm, AlarmEvent, Reading
from hazwatch.monitoring.workers.control import control_subject
from hazwatch.monitoring.workers.stream import StreamLink, StreamUnreachable, subject_for
from tests.conftest import error_code
from tests.monitoring.conftest import PARTITIONS, Plant, owner, wait_for
from tests.monitoring.test_worker_control import Login
from tests.services import IN_CI, free_port

CONFIG = Path(__file__).parents[2] / "deploy" / "nats" / "hazwatch.conf"
ROLES = ("worker", "api", "bridge")


@dataclass(frozen=True)
class SecuredServer:
    port: int
    passwords: dict[str, str]

    def url(self, role: str | None = None, password: str | None = None) -> str:
        if role is None:
            return f"nats://127.0.0.1:{self.port}"
        secret = password or self.passwords[role]
        return f"nats://hazwatch-{role}:{secret}@127.0.0.1:{self.port}"

    def settings(self, base: Settings, role: str) -> Settings:
        return base.model_copy(
            update={
                "stream_url": self.url(role),
                "stream_partitions": PARTITIONS,
                "worker_lease_seconds": 2.0,
            }
        )


@pytest.fixture(scope="module")
def secured() -> Iterator[SecuredServer]:
    if fleet.nats_binary() is None:
        message = "nats-server is not installed (Debian package nats-server)"
        if IN_CI:
            pytest.fail(f"{message} (CI=true: the stream's security is tested for real)")
        pytest.skip(message)
    passwords = {role: secrets.token_urlsafe(16) for role in ROLES}
    environment = {f"HAZWATCH_NATS_{role.upper()}_PASSWORD": passwords[role] for role in ROLES}
    with fleet.private_nats(CONFIG, environment) as server:
        yield SecuredServer(server.port, passwords)


def test_an_anonymous_or_wrongly_signed_process_is_refused_with_a_reason(
    secured: SecuredServer,
) -> None:
    wrong = "not-" + secured.passwords["worker"]
    for url in (secured.url(), secured.url("worker", wrong)):
        with pytest.raises(StreamUnreachable) as refused:
            # generous: a refusal ends the attempt at once, only silence waits this long
            StreamLink(Settings(stream_url=url), "test-intruder", connect_wait=30)
        assert "authorization" in refused.value.reason.lower()
        assert str(refused.value) == f"NATS at 127.0.0.1:{secured.port}: {refused.value.reason}"
        assert wrong not in str(refused.value)


def test_the_cli_reports_a_refusal_without_the_password_and_exits_non_zero(
    secured: SecuredServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "not-" + secured.passwords["bridge"]
    monkeypatch.setenv("HAZWATCH_STREAM_URL", secured.url("bridge", wrong))
    monkeypatch.setenv("HAZWATCH_LANGUAGE", "en")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["worker", "bridge"])
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    assert f"The stream server 127.0.0.1:{secured.port} cannot be used" in result.stderr
    assert "Authorization Violation" in result.stderr
    assert wrong not in result.output


def test_a_bridge_stores_readings_but_cannot_send_operator_actions(
    secured: SecuredServer, caplog: pytest.LogCaptureFixture
) -> None:
    """The worker's user answers the control subject; the API's request reaches it, the
    bridge's is refused by the server (a permissions violation) and never arrives."""
    base = Settings()
    worker = StreamLink(secured.settings(base, "worker"), "test-worker")
    api = StreamLink(secured.settings(base, "api"), "test-api")
    bridge = StreamLink(secured.settings(base, "bridge"), "test-bridge")
    heard: list[bytes] = []
    try:
        worker.ensure_stream()
        subject = control_subject(worker.prefix, 1)

        async def answer() -> None:
            async def reply(message: nats.aio.msg.Msg) -> None:
                heard.append(message.data)
                await message.respond(b"done")

            await worker.nc.subscribe(subject, cb=reply)
            await worker.nc.flush()

        worker.call(answer())
        reading = subject_for(bridge.prefix, PARTITIONS, 7, "O2-1", "reading")
        bridge.publish(reading, b'{"value": 20.9}', "bridge-1")  # the stream confirmed it
        answered = api.call(api.nc.request(subject, b"from the api", timeout=5))
        assert answered.data == b"done"
        with caplog.at_level(logging.WARNING), pytest.raises(nats.errors.TimeoutError):
            bridge.call(bridge.nc.request(subject, b"from the bridge", timeout=1))
        assert heard == [b"from the api"]
        assert any(
            f'permissions violation for publish to "{subject}"' in record.getMessage()
            for record in caplog.records
        )
        info = worker.call(worker.js.stream_info(worker.stream))
        assert info.state.messages == 1
    finally:
        for link in (bridge, api, worker):
            link.close()


def test_the_api_and_a_worker_with_their_own_users_take_a_batch_and_an_acknowledgement(
    secured: SecuredServer, context: Context, plant: Plant, login_as: Login
) -> None:
    """The whole partitioned path on the secured server: a gateway batch into the stream
    (API user), stored and its alarm raised by the owner (worker user), the tenant's
    acknowledgement sent to the owner and applied."""
    if context.engine.dialect.name != "postgresql":
        pytest.skip("the partitioned mode needs PostgreSQL (its leases are row locks)")
    api = replace(context, settings=secured.settings(context.settings, "api"))
    as_worker = replace(context, settings=secured.settings(context.settings, "worker"))
    now = datetime.now(UTC).replace(microsecond=0)
    batch = {
        "readings": [
            {
                "point": "O2-DRY1",
                "ts": (now - timedelta(seconds=ago)).isoformat(),
                "value": value,
                "unit": "%vol",
            }
            for ago, value in ((2, 20.9), (1, 19.0))
        ]
    }
    with TestClient(create_app(api, console=False)) as client, owner(as_worker):
        device = {"Authorization": f"Bearer {plant.device_token}"}
        sent = client.post("/api/ingest/readings", json=batch, headers=device)
        assert sent.status_code == 202, sent.text

        def count(query: object) -> int:
            with context.sessions() as session:
                return int(session.scalar(query) or 0)  # type: ignore[call-overload]

        raises = select(func.count()).select_from(AlarmEvent).where(AlarmEvent.event == "raise")
        assert wait_for(lambda: count(raises) == 1, 15)
        # the alarm is committed first, the readings by the writer just after
        assert wait_for(lambda: count(select(func.count()).select_from(Reading)) == 2, 15)
        with context.sessions() as session:
            alarm_id = session.scalars(select(Alarm.id).where(Alarm.active)).one()
        lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
        acked = client.post(f"/api/monitoring/alarms/{alarm_id}/ack", json={}, headers=lab)
        assert acked.status_code == 204, (acked.text, error_code(acked) if acked.is_error else "")
    with context.sessions() as session:
        alarm = session.get(Alarm, alarm_id)
        assert alarm is not None and alarm.acked


def test_a_silent_server_is_reported_as_such() -> None:
    closed = f"nats://127.0.0.1:{free_port()}"
    with pytest.raises(StreamUnreachable) as silent:
        StreamLink(Settings(stream_url=closed), "test-nobody", connect_wait=1)
    assert silent.value.reason == "no answer within 1 s"
