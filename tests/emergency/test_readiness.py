"""Emergency plans, drills and their findings, training records, qualifications and the
training matrix (issue 14 item 6): refusals name their field and store nothing; a drill's
finding is a hidden danger; a lapsed qualification is a finding; the matrix exports to Excel."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock, local_date
from hazwatch.core.context import Context
from hazwatch.emergency.readiness.models import Drill, DrillFinding, Qualification
from hazwatch.prevention.hazard_findings.models import HazardFinding
from tests.conftest import error_code
from tests.prevention.test_hidden_dangers import demo_ids

Login = Callable[..., dict[str, str]]
BASE = "/api/emergency"


def count(context: Context, model: type) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_drill_is_planned_held_and_its_finding_becomes_a_hidden_danger(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    demo = demo_ids(context)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    today = local_date(clock.now(), context.settings.timezone)
    plan = client.post(
        f"{BASE}/plans",
        headers=lab,
        json={
            "organisation_id": demo["lab"],
            "site_id": demo["plant"],
            "title": "干燥房缺氧窒息专项应急预案",
            "approved_on": (today - timedelta(days=30)).isoformat(),
            "review_due": (today + timedelta(days=335)).isoformat(),
        },
    )
    assert plan.status_code == 201, plan.text
    stale = client.post(
        f"{BASE}/plans",
        headers=lab,
        json={
            "organisation_id": demo["lab"],
            "site_id": demo["plant"],
            "title": "x",
            "approved_on": today.isoformat(),
            "review_due": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert stale.status_code == 422 and stale.json()["error"]["field"] == "review_due"
    past = client.post(
        f"{BASE}/drills",
        headers=lab,
        json={
            "organisation_id": demo["lab"],
            "site_id": demo["plant"],
            "title": "缺氧窒息救援演练",
            "planned_for": (clock.now() - timedelta(hours=1)).isoformat(),
        },
    )
    assert past.status_code == 422 and past.json()["error"]["field"] == "planned_for"
    assert count(context, Drill) == 0
    drill = client.post(
        f"{BASE}/drills",
        headers=lab,
        json={
            "organisation_id": demo["lab"],
            "site_id": demo["plant"],
            "plan_id": plan.json()["id"],
            "title": "缺氧窒息救援演练",
            "scenario": "干燥房1 氮气泄漏，一人倒地",
            "planned_for": (clock.now() + timedelta(days=1)).isoformat(),
        },
    ).json()
    assert drill["state"] == "planned"
    early = client.post(
        f"{BASE}/drills/{drill['id']}/findings", headers=lab, json={"text": "呼吸器压力不足"}
    )
    assert early.status_code == 409 and early.json()["error"]["field"] == "state"
    assert count(context, DrillFinding) == 0
    clock.advance(timedelta(days=1, hours=1))
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    future = client.post(
        f"{BASE}/drills/{drill['id']}/hold",
        headers=lab,
        json={
            "participants": 6,
            "summary": "x",
            "held_at": (clock.now() + timedelta(hours=1)).isoformat(),
        },
    )
    assert future.status_code == 422 and future.json()["error"]["field"] == "held_at"
    held = client.post(
        f"{BASE}/drills/{drill['id']}/hold",
        headers=lab,
        json={"participants": 6, "summary": "救援人员未佩戴呼吸器即进入，已纠正"},
    )
    assert held.status_code == 200 and held.json()["state"] == "held"
    again = client.post(
        f"{BASE}/drills/{drill['id']}/hold", headers=lab, json={"participants": 6, "summary": "x"}
    )
    assert again.status_code == 409
    found = client.post(
        f"{BASE}/drills/{drill['id']}/findings",
        headers=lab,
        json={"text": "两套空气呼吸器气瓶压力不足"},
    )
    assert found.status_code == 201, found.text
    finding = found.json()["hidden_danger_id"]
    shown = client.get(f"/api/hidden-dangers/{finding}", headers=lab).json()
    assert shown["state"] == "graded" and "两套空气呼吸器气瓶压力不足" in shown["title"]
    assert shown["source_type"] == "drill_finding"
    drills = client.get(f"{BASE}/drills", headers=lab).json()
    assert drills[0]["findings"][0]["hidden_danger_id"] == finding
    # the chemical plant sees none of it and cannot hold the lab's drill
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    assert client.get(f"{BASE}/drills", headers=chem).json() == []
    assert (
        client.post(
            f"{BASE}/drills/{drill['id']}/findings", headers=chem, json={"text": "x"}
        ).status_code
        == 404
    )
    with context.sessions() as session:
        assert session.scalar(select(func.count(HazardFinding.id))) == 1


def test_training_matrix_with_a_lapsed_qualification(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    demo = demo_ids(context)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"], language="en")
    today = local_date(clock.now(), context.settings.timezone)

    def qualify(person: str, kind: str, expires: int | None) -> int:
        body = {
            "organisation_id": demo["lab"],
            "person": person,
            "kind": kind,
            "issued_on": (today - timedelta(days=400)).isoformat(),
        }
        if expires is not None:
            body["expires_on"] = (today + timedelta(days=expires)).isoformat()
        response = client.post(f"{BASE}/qualifications", headers=lab, json=body)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    qualify("张三", "confined_space_guardian", 200)
    qualify("张三", "scba_user", -1)  # lapsed yesterday
    qualify("李四", "scba_user", 0)  # the expiry day itself still counts
    qualify("李四", "safety_manager", None)
    bad = client.post(
        f"{BASE}/qualifications",
        headers=lab,
        json={
            "organisation_id": demo["lab"],
            "person": "王五",
            "kind": "hot_work",
            "issued_on": today.isoformat(),
            "expires_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "expires_on"
    unknown = client.post(
        f"{BASE}/qualifications",
        headers=lab,
        json={
            "organisation_id": demo["lab"],
            "person": "王五",
            "kind": "juggling",
            "issued_on": today.isoformat(),
        },
    )
    assert unknown.status_code == 422
    assert count(context, Qualification) == 4
    trained = client.post(
        f"{BASE}/training-records",
        headers=lab,
        json={
            "organisation_id": demo["lab"],
            "person": "张三",
            "course": "缺氧危险作业安全培训",
            "held_on": today.isoformat(),
            "hours": "8",
        },
    )
    assert trained.status_code == 201, trained.text
    nan = client.post(
        f"{BASE}/training-records",
        headers=lab,
        json={
            "organisation_id": demo["lab"],
            "person": "张三",
            "course": "x",
            "held_on": today.isoformat(),
            "hours": "NaN",
        },
    )
    assert nan.status_code == 422
    matrix = {r["person"]: r for r in client.get(f"{BASE}/training-matrix", headers=lab).json()}
    assert matrix["张三"]["qualifications"]["scba_user"]["lapsed"] is True
    assert matrix["张三"]["qualifications"]["confined_space_guardian"]["lapsed"] is False
    assert matrix["李四"]["qualifications"]["scba_user"]["lapsed"] is False
    assert matrix["张三"]["trainings"] == 1 and matrix["张三"]["hours"] == "8"
    findings = client.get("/api/registry/findings", headers=lab).json()
    lapsed = [f for f in findings if f["code"] == "qualification_lapsed"]
    assert len(lapsed) == 1 and "张三" in lapsed[0]["message"]
    xlsx = client.get(f"{BASE}/training-matrix.xlsx", headers={**lab, "Accept-Language": "en"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Training matrix"
    header = list(rows[2])
    zhang = next(r for r in rows[3:] if r[1] == "张三")
    assert str(zhang[header.index("SCBA wearer")]).endswith("(lapsed)")
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    assert client.get(f"{BASE}/training-matrix", headers=chem).json() == []
    other = client.post(
        f"{BASE}/qualifications",
        headers=chem,
        json={
            "organisation_id": demo["lab"],
            "person": "x",
            "kind": "first_aid",
            "issued_on": today.isoformat(),
        },
    )
    assert other.status_code in (403, 404) and error_code(other)
