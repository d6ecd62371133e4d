"""The risk register: LEC and LS with raw factors, versioned bands, the colour map, and the
2·7 dry room red as it was and orange with a detector and interlocked exhaust (its ODH class
falls from 3 to 2)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch import demo as full_demo
from hazwatch.core.auth.roles import Role
from hazwatch.core.context import Context
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.prevention.risks import grading
from hazwatch.prevention.risks.grading import RiskLevel, RiskMethod
from hazwatch.prevention.risks.models import RiskAssessment, RiskEvent
from hazwatch.registry.demo import DemoIds
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]
D = Decimal


def test_lec_and_ls_bands_are_exact_at_their_boundaries() -> None:
    lec = grading.DEFAULT_BANDS[RiskMethod.LEC]
    ls = grading.DEFAULT_BANDS[RiskMethod.LS]
    scores = ("320", "320.5", "160", "160.1", "70", "70.1")
    assert [grading.level_of(D(v), lec) for v in scores] == [
        RiskLevel.ORANGE, RiskLevel.RED, RiskLevel.YELLOW, RiskLevel.ORANGE,
        RiskLevel.BLUE, RiskLevel.YELLOW,
    ]  # fmt: skip
    assert [grading.level_of(D(v), ls) for v in (25, 20, 16, 15, 12, 9, 8, 1)] == [
        RiskLevel.RED, RiskLevel.RED, RiskLevel.ORANGE, RiskLevel.ORANGE,
        RiskLevel.YELLOW, RiskLevel.YELLOW, RiskLevel.BLUE, RiskLevel.BLUE,
    ]  # fmt: skip
    factors = grading.check_factors(RiskMethod.LEC, {"L": "0.5", "E": 6, "C": "40"})
    assert grading.score(RiskMethod.LEC, factors) == D(120)
    assert grading.score(RiskMethod.LEC, {"L": D("0.1"), "E": D("0.5"), "C": D(1)}) == D("0.05")
    for bad, field in (
        ({"L": 4, "E": 6, "C": 40}, "factors.L"),
        ({"L": 1, "E": 6}, "factors.C"),
        ({"L": 1, "E": 6, "C": 40, "S": 1}, "factors.S"),
    ):
        with pytest.raises(grading.BadFactors) as err:
            grading.check_factors(RiskMethod.LEC, bad)
        assert err.value.field == field


@pytest.fixture
def demo(context: Context) -> DemoIds:
    with context.unit_of_work() as session:
        return full_demo.load(session, Moment.of(context))


def test_the_demo_register_and_colour_map(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    events = client.get("/api/risks/events", headers=lab).json()
    assert events[0]["level"] == "red" and events[0]["odh"]
    assert {e["title"] for e in events if e["level"] == "red"} == {"氮气泄漏致缺氧窒息"}
    assert len(events[0]["controls"]) == 5
    assert {c["kind"] for c in events[0]["controls"]} == {
        "engineering", "management", "training", "ppe", "emergency",
    }  # fmt: skip
    detail = client.get(f"/api/risks/events/{demo['risk_dry_room_1']}", headers=lab).json()
    (first,) = detail["assessments"]
    assert first["factors"] == {"L": "4", "S": "5"} and first["score"] == "20"
    assert first["basis"].startswith("odh_class 3") and first["band_version"] == 0
    colours = {
        r["room"]: r["colour"]
        for r in client.get("/api/risks/map", params={"site_id": demo["plant"]}, headers=lab).json()
    }
    assert colours["干燥房1"] == "red" and colours["更衣室"] == "yellow"
    assert colours["办公室"] == "blue"
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    chem_events = client.get("/api/risks/events", headers=chem).json()
    assert {e["title"] for e in chem_events} == {"液氨储罐泄漏中毒", "氨压缩机泄漏中毒"}
    assert (
        client.get(f"/api/risks/events/{demo['risk_dry_room_1']}", headers=chem).status_code == 404
    )


def test_detector_and_interlocked_exhaust_lower_the_dry_room_to_orange(
    client: TestClient, context: Context, login_as: Login, demo: DemoIds
) -> None:
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    room = demo["dry_room_1"]
    # 10 air changes of mechanical exhaust started by the O2 detection (docs/odh.md).
    changed = client.patch(
        f"/api/registry/rooms/{room}",
        json={"ventilation_type": "exhaust", "air_changes_per_hour": "10"},
        headers=lab,
    )
    assert changed.status_code == 200, changed.text
    for kind in ("detection_system", "interlocked_exhaust"):
        added = client.post(f"/api/odh/rooms/{room}/safeguards", json={"kind": kind}, headers=lab)
        assert added.status_code == 201, added.text
    assert client.get(f"/api/odh/rooms/{room}", headers=lab).json()["odh_class"] == 2
    detail = client.get(f"/api/risks/events/{demo['risk_dry_room_1']}", headers=lab).json()
    assert detail["level"] == "orange" and detail["score"] == "15"
    latest, *_earlier, first = detail["assessments"]
    assert latest["factors"] == {"L": "3", "S": "5"} and latest["basis"].startswith("odh_class 2")
    assert first["level"] == "red"
    colours = {
        r["room_id"]: r["colour"]
        for r in client.get("/api/risks/map", params={"site_id": demo["plant"]}, headers=lab).json()
    }
    assert colours[room] == "orange"


def test_versioned_bands_grade_new_assessments_and_keep_old_ones(
    client: TestClient, context: Context, login_as: Login, demo: DemoIds
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    events = client.get("/api/risks/events", headers=chem).json()
    compressor = next(e for e in events if e["title"] == "氨压缩机泄漏中毒")
    assert (compressor["score"], compressor["level"]) == ("8", "blue")
    bad = client.post(
        "/api/risks/band-tables",
        json={
            "organisation_id": demo["chem"],
            "method": "ls",
            "bands": [{"low": "5", "level": "red"}, {"low": "8", "level": "blue"}],
        },
        headers=chem,
    )
    assert (bad.status_code, error_code(bad), bad.json()["error"]["field"]) == (
        422, "risks.bad_bands", "bands",
    )  # fmt: skip
    stricter = client.post(
        "/api/risks/band-tables",
        json={
            "organisation_id": demo["chem"],
            "method": "ls",
            "bands": [
                {"low": "16", "level": "red"},
                {"low": "8", "level": "orange"},
                {"low": "4", "level": "yellow"},
                {"low": "0", "level": "blue"},
            ],
            "basis": "省级 2026 版",
        },
        headers=chem,
    )
    assert stricter.status_code == 201 and stricter.json()["version"] == 1
    graded = client.post(
        f"/api/risks/events/{compressor['id']}/assess",
        json={"factors": {"L": 2, "S": 4}},
        headers=chem,
    ).json()
    assert (graded["level"], graded["band_version"]) == ("orange", 1)
    refused = client.post(
        f"/api/risks/events/{compressor['id']}/assess",
        json={"factors": {"L": 6, "S": 4}},
        headers=chem,
    )
    assert (refused.status_code, refused.json()["error"]["field"]) == (422, "factors.L")
    with context.sessions() as session:
        versions = session.scalars(
            select(RiskAssessment.band_version)
            .where(RiskAssessment.event_id == compressor["id"])
            .order_by(RiskAssessment.id)
        ).all()
    assert versions == [0, 1]
    # The landlord of the lab reads the lab's register but writes nothing.
    landlord = login_as(Role.LANDLORD, organisation_id=demo["landlord"])
    assert client.get("/api/risks/events", headers=landlord).json()
    with context.sessions() as session:
        before = session.scalar(select(func.count()).select_from(RiskEvent))
    objects = client.get("/api/risks/events", headers=landlord).json()
    refused = client.post(
        f"/api/risks/objects/{objects[0]['object']['id']}/events",
        json={"title": "x", "method": "ls", "factors": {"L": 1, "S": 1}},
        headers=landlord,
    )
    assert refused.status_code == 403
    with context.sessions() as session:
        assert session.scalar(select(func.count()).select_from(RiskEvent)) == before
