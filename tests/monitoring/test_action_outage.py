"""An operator's action while the database is away: a bounded wait, then 503 with a reason,
nothing changed, and the engine's lock free for ingest meanwhile and after."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring import alarms as alarm_store
from hazwatch.monitoring import engine as engine_module
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.models import Alarm
from tests.conftest import error_code
from tests.monitoring.conftest import Plant

Login = Callable[..., dict[str, str]]


def test_an_acknowledgement_while_the_database_is_away_is_refused_in_bounded_time(
    client: TestClient,
    plant: Plant,
    clock: ManualClock,
    context: Context,
    login_as: Login,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    device = {"Authorization": f"Bearer {plant.device_token}"}
    ts = (clock.now() - timedelta(seconds=5)).isoformat()
    raised = client.post(
        "/api/ingest/readings",
        headers=device,
        json={"readings": [{"point": "O2-DRY1", "ts": ts, "value": 19.0, "unit": "%vol"}]},
    )
    assert raised.status_code == 200
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    (alarm,) = client.get("/api/monitoring/alarms", headers=lab).json()

    persist = alarm_store.persist
    away = threading.Event()
    away.set()

    def down(session: object, transitions: object) -> None:
        if away.is_set():
            raise OperationalError("INSERT", {}, Exception("connection refused"))
        persist(session, transitions)  # type: ignore[arg-type]

    monkeypatch.setattr(alarm_store, "persist", down)
    monkeypatch.setattr(engine_module, "ACTION_WAIT_S", 1.0)
    started = time.monotonic()
    refused = client.post(
        f"/api/monitoring/alarms/{alarm['id']}/ack", json={"comment": "x"}, headers=lab
    )
    assert time.monotonic() - started < 5
    assert refused.status_code == 503 and refused.headers["retry-after"]
    assert error_code(refused) == "monitoring.database_unavailable"
    shelve = client.post(
        f"/api/monitoring/alarms/{alarm['id']}/shelve",
        json={"reason": "maintenance", "until": (clock.now() + timedelta(hours=1)).isoformat()},
        headers=lab,
    )
    assert shelve.status_code == 503
    # nothing changed, in memory or stored
    (shown,) = client.get("/api/monitoring/alarms", headers=lab).json()
    assert shown["state"] == "active_unack" and shown["acked"] is False
    with context.sessions() as session:
        stored = session.scalars(select(Alarm)).one()
        assert stored.acked is False and stored.shelved_until is None
    # the database back: the same request goes through
    away.clear()
    again = client.post(f"/api/monitoring/alarms/{alarm['id']}/ack", json={}, headers=lab)
    assert again.status_code == 204
    (shown,) = client.get("/api/monitoring/alarms", headers=lab).json()
    assert shown["acked"] is True


def test_a_database_outage_met_by_a_routes_own_checks_answers_503_with_a_reason(
    client: TestClient, plant: Plant, login_as: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not only the engine's writes: the scope check before an action (and any route's
    reads) meeting the outage answer 503 and a reason to retry on, not 500."""
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])

    def away(*_args: object, **_kwargs: object) -> None:
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(monitoring, "get_alarm", away)
    monkeypatch.setattr(monitoring, "list_alarms", away)
    for refused in (
        client.post("/api/monitoring/alarms/1/ack", json={}, headers=lab),
        client.get("/api/monitoring/alarms", headers=lab),
    ):
        assert refused.status_code == 503 and refused.headers["retry-after"]
        assert error_code(refused) == "monitoring.database_unavailable"
