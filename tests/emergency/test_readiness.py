"""Emergency plans, drills and their findings, training records, qualifications and the
training matrix (issue 14 item 6): refusals name their field and store nothing; a drill's
finding is a hidden danger; a lapsed qualification is a finding; the matrix exports to Excel."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock, local_date
from hazwatch.core.context import Context
from hazwatch.emergency.readiness.models import Drill, DrillFinding, Qualification
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.registry.demo import DemoIds
from tests.conftest import error_code
from tests.prevention.test_hidden_dangers import demo_ids

Login = Callable[..., dict[str, str]]
BASE = "/api/emergency"


def count(context: Context, model: type) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@dataclass
class Lab:
    """The demo lab's safety officer at the emergency API (``login`` again after moving the
    clock a day: a token lives a day)."""

    client: TestClient
    demo: DemoIds
    today: date
    login_as: Login
    language: str = "zh_CN"

    def __post_init__(self) -> None:
        self.login()

    def login(self) -> None:
        self.headers = self.login_as(
            Role.SAFETY_OFFICER, organisation_id=self.demo["lab"], language=self.language
        )

    def post(self, path: str, **body: Any) -> Any:
        """``body`` for the lab (its organisation filled in) to ``/api/emergency/<path>``."""
        return self.client.post(
            f"{BASE}/{path}",
            headers=self.headers,
            json={"organisation_id": self.demo["lab"]} | body,
        )

    def act(self, path: str, **body: Any) -> Any:
        """``body`` as it is to ``/api/emergency/<path>`` (an action on something the lab has)."""
        return self.client.post(f"{BASE}/{path}", headers=self.headers, json=body)


def lab_desk(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login, **more: str
) -> Lab:
    today = local_date(clock.now(), context.settings.timezone)
    return Lab(client, demo_ids(context), today, login_as, **more)


def refused(response: Any, status: int, field: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["field"] == field


def test_a_drill_is_planned_held_and_its_finding_becomes_a_hidden_danger(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    lab = lab_desk(client, context, clock, login_as)
    demo, today = lab.demo, lab.today
    plan = lab.post(
        "plans",
        site_id=demo["plant"],
        title="干燥房缺氧窒息专项应急预案",
        approved_on=(today - timedelta(days=30)).isoformat(),
        review_due=(today + timedelta(days=335)).isoformat(),
    )
    assert plan.status_code == 201, plan.text
    stale = lab.post(
        "plans",
        site_id=demo["plant"],
        title="x",
        approved_on=today.isoformat(),
        review_due=(today - timedelta(days=1)).isoformat(),
    )
    refused(stale, 422, "review_due")
    past = lab.post(
        "drills",
        site_id=demo["plant"],
        title="缺氧窒息救援演练",
        planned_for=(clock.now() - timedelta(hours=1)).isoformat(),
    )
    refused(past, 422, "planned_for")
    assert count(context, Drill) == 0
    drill = lab.post(
        "drills",
        site_id=demo["plant"],
        plan_id=plan.json()["id"],
        title="缺氧窒息救援演练",
        scenario="干燥房1 氮气泄漏，一人倒地",
        planned_for=(clock.now() + timedelta(days=1)).isoformat(),
    ).json()
    assert drill["state"] == "planned"
    findings = f"drills/{drill['id']}/findings"
    refused(lab.act(findings, text="呼吸器压力不足"), 409, "state")
    assert count(context, DrillFinding) == 0
    clock.advance(timedelta(days=1, hours=1))
    lab.login()
    hold = f"drills/{drill['id']}/hold"
    held_later = (clock.now() + timedelta(hours=1)).isoformat()
    refused(lab.act(hold, participants=6, summary="x", held_at=held_later), 422, "held_at")
    held = lab.act(hold, participants=6, summary="救援人员未佩戴呼吸器即进入，已纠正")
    assert held.status_code == 200 and held.json()["state"] == "held"
    assert lab.act(hold, participants=6, summary="x").status_code == 409
    found = lab.act(findings, text="两套空气呼吸器气瓶压力不足")
    assert found.status_code == 201, found.text
    finding = found.json()["hidden_danger_id"]
    shown = client.get(f"/api/hidden-dangers/{finding}", headers=lab.headers).json()
    assert shown["state"] == "graded" and "两套空气呼吸器气瓶压力不足" in shown["title"]
    assert shown["source_type"] == "drill_finding"
    drills = client.get(f"{BASE}/drills", headers=lab.headers).json()
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
    lab = lab_desk(client, context, clock, login_as, language="en")
    demo, today = lab.demo, lab.today

    def qualify(person: str, kind: str, expires: int | None) -> int:
        issued = (today - timedelta(days=400)).isoformat()
        lapses = {} if expires is None else {"expires_on": str(today + timedelta(days=expires))}
        response = lab.post("qualifications", person=person, kind=kind, issued_on=issued, **lapses)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    qualify("张三", "confined_space_guardian", 200)
    qualify("张三", "scba_user", -1)  # lapsed yesterday
    qualify("李四", "scba_user", 0)  # the expiry day itself still counts
    qualify("李四", "safety_manager", None)
    yesterday = (today - timedelta(days=1)).isoformat()
    bad = lab.post(
        "qualifications",
        person="王五",
        kind="hot_work",
        issued_on=today.isoformat(),
        expires_on=yesterday,
    )
    refused(bad, 422, "expires_on")
    unknown = lab.post(
        "qualifications", person="王五", kind="juggling", issued_on=today.isoformat()
    )
    assert unknown.status_code == 422
    assert count(context, Qualification) == 4
    course = {"person": "张三", "held_on": today.isoformat()}
    trained = lab.post("training-records", course="缺氧危险作业安全培训", hours="8", **course)
    assert trained.status_code == 201, trained.text
    assert lab.post("training-records", course="x", hours="NaN", **course).status_code == 422
    matrix = {
        r["person"]: r for r in client.get(f"{BASE}/training-matrix", headers=lab.headers).json()
    }
    assert matrix["张三"]["qualifications"]["scba_user"]["lapsed"] is True
    assert matrix["张三"]["qualifications"]["confined_space_guardian"]["lapsed"] is False
    assert matrix["李四"]["qualifications"]["scba_user"]["lapsed"] is False
    assert matrix["张三"]["trainings"] == 1 and matrix["张三"]["hours"] == "8"
    findings = client.get("/api/registry/findings", headers=lab.headers).json()
    lapsed = [f for f in findings if f["code"] == "qualification_lapsed"]
    assert len(lapsed) == 1 and "张三" in lapsed[0]["message"]
    xlsx = client.get(
        f"{BASE}/training-matrix.xlsx", headers={**lab.headers, "Accept-Language": "en"}
    )
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
