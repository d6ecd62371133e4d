"""The access service (``hazwatch access serve``): door checks from the stored present, in a
process without an engine, with the rules and the security of the engine's own path."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.access.fleet import MAX_AGE_S, PersistedAccess, create_access_app
from hazwatch.monitoring.access.models import AccessDecision
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.models import PointState
from hazwatch.monitoring.schemas import DeviceIn
from hazwatch.registry.models import Door
from tests.conftest import error_code
from tests.monitoring.conftest import Plant

Login = Callable[..., dict[str, str]]


@pytest.fixture
def service(context: Context, plant: Plant) -> Iterator[tuple[TestClient, PersistedAccess]]:
    """The access service's app, its present read on demand (no background thread)."""
    with context.unit_of_work() as session:  # the gateway is also the entrance's reader
        entrance = session.scalar(select(Door).where(Door.code == "LAB-ENTRANCE"))
        assert entrance is not None
        entrance.reader_device_id = plant.device_id
    app = create_access_app(context)
    access: PersistedAccess = app.state.access
    access.refresh()
    yield TestClient(app), access
    access.stop()


def ask(client: TestClient, token: str, door: str = "LAB-ENTRANCE") -> tuple[str, list[str]]:
    response = client.post(
        "/api/access/check",
        headers={"Authorization": f"Bearer {token}"},
        json={"door": door, "person": "worker-1"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    return body["decision"], [reason["code"] for reason in body["reasons"]]


def test_the_access_service_decides_from_the_stored_present(
    context: Context,
    plant: Plant,
    engine: MonitoringEngine,
    clock: ManualClock,
    service: tuple[TestClient, PersistedAccess],
) -> None:
    client, access = service
    token = plant.device_token
    assert ask(client, token) == (
        "deny",
        ["access.reason.o2_unknown", "access.reason.no_working_o2_point"],
    )

    def reading(value: float, seconds: int) -> None:
        ts = clock.now() + timedelta(seconds=seconds)
        engine.submit([ReadingIn("O2-DRY1", ts, value, "%vol")])
        engine.flush()
        access.refresh()

    reading(20.9, -3)
    assert ask(client, token) == ("allow", [])
    # steady: the engine keeps a reading that did not move only every storage heartbeat, so
    # the stored state lags the point by up to that much and the room is not unknown
    clock.advance(timedelta(seconds=17))
    reading(20.9, -10)
    assert ask(client, token) == ("allow", [])
    reading(18.9, -2)
    assert ask(client, token) == ("deny", ["access.reason.o2_alarm"])
    with context.unit_of_work() as session:  # the alarm stored, the point's state not yet
        session.execute(update(PointState).values(conditions=[], value=20.9))
    access.refresh()
    assert ask(client, token) == ("deny", ["access.reason.o2_alarm"])
    # 1.5 intervals of silence beyond the heartbeat, and no engine ticked (it died)
    clock.advance(timedelta(seconds=16 + context.settings.storage_max_interval_s))
    decision, codes = ask(client, token)
    assert decision == "deny" and "access.reason.o2_unknown" in codes
    access.snapshot = replace(access.snapshot, taken_at=time.monotonic() - MAX_AGE_S - 1)
    assert ask(client, token) == ("deny", ["access.reason.state_unavailable"])
    access.writer.flush()
    with context.sessions() as session:
        logged = session.scalars(select(AccessDecision).order_by(AccessDecision.id)).all()
    assert [row.allowed for row in logged] == [False, True, True, False, False, False, False]


def test_the_access_service_keeps_the_readers_and_users_rules(
    context: Context,
    plant: Plant,
    login_as: Login,
    service: tuple[TestClient, PersistedAccess],
) -> None:
    client, access = service
    with context.unit_of_work() as session:
        _other, other_token = monitoring.create_device(
            session,
            SYSTEM,
            DeviceIn(site_id=plant.demo["plant"], organisation_id=plant.demo["chem"], code="R-2"),
        )
    access.refresh()  # the audit chain moved: devices read again
    assert ask(client, plant.device_token)[0] == "deny"
    elsewhere = client.post(
        "/api/access/check",
        headers={"Authorization": f"Bearer {other_token}"},
        json={"door": "LAB-ENTRANCE", "person": "x"},
    )
    assert elsewhere.status_code == 404 and error_code(elsewhere) == "access.unknown_door"
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    assert (
        client.post(
            "/api/access/check", headers=lab, json={"door": "LAB-ENTRANCE", "person": "x"}
        ).json()["decision"]
        == "deny"
    )
    chem = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["chem"])
    hidden = client.post(
        "/api/access/check", headers=chem, json={"door": "LAB-ENTRANCE", "person": "x"}
    )
    assert hidden.status_code == 404  # another organisation's door is not disclosed
    with context.unit_of_work() as session:
        monitoring.revoke_device(session, SYSTEM, plant.device_id)
    access.refresh()
    revoked = client.post(
        "/api/access/check",
        headers={"Authorization": f"Bearer {plant.device_token}"},
        json={"door": "LAB-ENTRANCE", "person": "x"},
    )
    assert revoked.status_code == 401
    nobody = client.post("/api/access/check", json={"door": "LAB-ENTRANCE", "person": "x"})
    assert nobody.status_code == 401
