"""Per-room ODH assessment from the registry: the 2·7 dry room as it was and as it should
have been; recomputed when its inputs change; a registry finding at class ≥ 2."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.context import Context
from hazwatch.monitoring import service
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.schemas import PointIn
from hazwatch.prevention.models import OdhAssessment
from hazwatch.registry.demo import load_demo
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]


def test_dry_room_as_it_was_and_as_it_should_have_been(
    client: TestClient, context: Context, login_as: Login
) -> None:
    with context.unit_of_work() as session:
        demo = load_demo(session)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    url = f"/api/odh/rooms/{demo['dry_room_1']}"
    as_it_was = client.get(url, headers=lab).json()
    # no ventilation: the room goes to 0 % O2 (F = 1), φ = 1e-2/h → class 3
    assert as_it_was["odh_class"] == 3 and as_it_was["phi_per_hour"] == 1e-2
    findings = client.get(
        "/api/registry/findings", headers=lab, params={"code": "odh_class"}
    ).json()
    assert [f["object_id"] for f in findings] == [demo["dry_room_1"]]
    # fit a fixed detector and a 10 ACH interlocked exhaust: class 2 (φ = 2e-5/h)
    client.patch(
        f"/api/registry/rooms/{demo['dry_room_1']}",
        headers=lab,
        json={
            "ventilation_type": "exhaust",
            "air_changes_per_hour": "10",
            "ventilation_interlocked": True,
        },
    )
    with context.unit_of_work() as session:
        service.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=demo["plant"],
                organisation_id=demo["lab"],
                room_id=demo["dry_room_1"],
                code="O2-DRY1",
                kind=PointKind.O2,
            ),
        )
    as_it_should = client.get(url, headers=lab).json()
    assert as_it_should["odh_class"] == 2
    assert as_it_should["phi_per_hour"] == 1e-2 * 2e-3
    assert as_it_should["inputs"]["fixed_o2_detector"] is True
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OdhAssessment)) == 2
    client.get(url, headers=lab)  # same inputs: no new row
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(OdhAssessment)) == 2


def test_rooms_without_inert_gas_are_not_assessed_and_others_are_hidden(
    client: TestClient, context: Context, login_as: Login
) -> None:
    with context.unit_of_work() as session:
        demo = load_demo(session)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    office = client.get(f"/api/odh/rooms/{demo['changing_room']}", headers=lab)
    assert office.status_code == 422 and error_code(office) == "prevention.odh_not_assessable"
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    assert client.get(f"/api/odh/rooms/{demo['dry_room_1']}", headers=chem).status_code == 404
