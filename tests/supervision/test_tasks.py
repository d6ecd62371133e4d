"""Task decomposition and monthly progress (issue 15 item 7, seed 001 Annexes 1 and 2): the
seed's tasks loaded for the demo district with their lead departments, reports by the lead
department only with indicators filled in, the overdue list and reminders on a manual
clock, the two annexes as Excel files, jurisdiction scoping."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.escalation.models import Notification
from hazwatch.registry.demo import DemoIds
from hazwatch.registry.models import Jurisdiction, Organisation
from hazwatch.supervision.models import SupervisionTask, TaskProgress
from hazwatch.supervision.tasks import service
from hazwatch.supervision.watch import TaskWatch
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]
BODY = {
    "period": "2025-02-01",
    "status": "in_progress",
    "progress": "完成职责矩阵2021版，晨光储能列入兜底清单",
    "problems": "新办科技企业行业归类滞后",
    "next_steps": "3月底前完成全部涉气企业归类",
}


def district(login_as: Login, demo: DemoIds) -> dict[str, str]:
    return login_as(Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"])


def by_number(tasks: list[dict[str, object]], number: int) -> dict[str, object]:
    return next(t for t in tasks if t["number"] == number)


def test_the_seed_tasks_are_loaded_with_their_lead_departments(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    ema = district(login_as, demo)
    tasks = client.get("/api/supervision/tasks", headers=ema).json()
    assert [t["number"] for t in tasks] == list(range(1, 22))  # seed 001 二, measures 1–21
    transport = by_number(tasks, 6)  # 加强运输环节监管
    assert transport["lead_department_id"] == demo["transport_bureau"]
    assert str(transport["deadline"]) == "2021-12-31"  # "到2021年底"
    assert demo["ema"] in transport["partner_ids"]
    # no fire-rescue department in the demo district: the fallback owner leads
    assert by_number(tasks, 15)["lead_department_id"] == demo["ema"]
    assert by_number(tasks, 18)["deadline"] is None  # standing work
    assert "第18条" in str(by_number(tasks, 18)["source"])
    again = client.post(
        "/api/supervision/tasks/load", json={"jurisdiction_id": demo["district"]}, headers=ema
    )
    assert again.status_code == 201 and len(again.json()) == 21  # loaded once


def test_the_lead_department_reports_and_indicators_fill_themselves(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    ema = district(login_as, demo)
    task = by_number(client.get("/api/supervision/tasks", headers=ema).json(), 18)
    path = f"/api/supervision/tasks/{task['id']}/progress"

    def stored() -> int:
        with context.sessions() as session:
            return int(session.scalar(select(func.count(TaskProgress.id))) or 0)

    transport = login_as(
        Role.REGULATOR, organisation_id=demo["transport_bureau"], jurisdiction_id=demo["district"]
    )
    refused = client.post(path, json=BODY, headers=transport)
    assert refused.status_code == 403 and error_code(refused) == "supervision.task.not_lead"
    blank = client.post(path, json={**BODY, "progress": "  "}, headers=ema)
    assert blank.status_code == 422 and blank.json()["error"]["field"] == "progress"
    future = client.post(path, json={**BODY, "period": "2025-03-01"}, headers=ema)
    assert future.status_code == 422 and error_code(future) == "supervision.task.future_period"
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    assert client.post(path, json=BODY, headers=lab).status_code == 403
    assert stored() == 0
    made = client.post(path, json={**BODY, "period": "2025-02-17"}, headers=ema)
    assert made.status_code == 201, made.text
    report = made.json()
    assert report["period"] == "2025-02-01" and not report["late"]
    # the lab is a blind spot of the district: the platform counts it
    assert report["indicators"]["blind_spots"]["value"] >= 1
    coverage = report["indicators"]["supervision_coverage"]
    assert coverage["unit"] == "%" and 0 < float(coverage["value"]) < 100
    shown = client.get(f"/api/supervision/tasks/{task['id']}", headers=ema).json()
    assert shown["month_report"]["id"] == report["id"] and not shown["month_overdue"]
    again = client.post(path, json={**BODY, "status": "done"}, headers=ema)
    assert again.json()["id"] == report["id"] and again.json()["status"] == "done"
    assert stored() == 1


def test_overdue_list_and_reminders_on_a_manual_clock(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context, clock: ManualClock
) -> None:
    ema = district(login_as, demo)
    tasks = client.get("/api/supervision/tasks", headers=ema).json()
    first = by_number(tasks, 18)
    client.post(
        f"/api/supervision/tasks/{first['id']}/progress", json=BODY, headers=ema
    ).raise_for_status()
    assert client.get("/api/supervision/tasks/overdue", headers=ema).json() == []
    watch = TaskWatch(context)

    def notices() -> list[Notification]:
        with context.sessions() as session:
            return list(
                session.scalars(
                    select(Notification).where(Notification.subject_type == "task_progress")
                )
            )

    # 20 February, Shanghai: nothing due, no reminder yet
    clock.set(datetime(2025, 2, 20, 8, 0, tzinfo=UTC))
    watch.tick(clock.now())
    assert notices() == []
    # 21 February: a week before the 28th, the lead departments are reminded once
    clock.set(datetime(2025, 2, 21, 1, 0, tzinfo=UTC))
    watch.tick(clock.now())
    watch.tick(clock.now() + timedelta(hours=1))
    reminded = notices()
    assert reminded and all("提醒" in n.subject for n in reminded)
    assert not any(str(first["number"]) + "“" in n.subject for n in reminded)  # reported
    # 27 February 23:59:59 in Shanghai is still in time; midnight starts the 28th: late
    clock.set(datetime(2025, 2, 27, 15, 59, 59, tzinfo=UTC))
    ema = district(login_as, demo)  # a token lives a day
    assert client.get("/api/supervision/tasks/overdue", headers=ema).json() == []
    clock.set(datetime(2025, 2, 27, 16, 0, tzinfo=UTC))
    late = client.get("/api/supervision/tasks/overdue", headers=ema).json()
    assert len(late) == 20 and first["id"] not in {m["task_id"] for m in late}
    assert {m["period"] for m in late} == {"2025-02-01"}
    watch.tick(clock.now() + timedelta(hours=2))
    flagged = [n for n in notices() if "逾期" in n.subject]
    assert flagged and {n.organisation_id for n in flagged} >= {demo["ema"]}
    count = len(notices())
    watch.tick(clock.now() + timedelta(hours=5))
    assert len(notices()) == count  # once each
    # a report submitted now is marked late
    second = by_number(tasks, 21)
    made = client.post(f"/api/supervision/tasks/{second['id']}/progress", json=BODY, headers=ema)
    assert made.json()["late"] is True


def test_the_annexes_open_with_openpyxl_in_their_shape(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    ema = district(login_as, demo)
    task = by_number(client.get("/api/supervision/tasks", headers=ema).json(), 14)
    client.post(
        f"/api/supervision/tasks/{task['id']}/progress", json=BODY, headers=ema
    ).raise_for_status()
    annex2 = client.get(
        "/api/supervision/tasks/annex2.xlsx", params={"period": "2025-02-01"}, headers=ema
    )
    assert annex2.status_code == 200
    sheet = load_workbook(io.BytesIO(annex2.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert "附件2" in str(rows[0][0]) and "2025-02" in str(rows[0][0])
    assert list(rows[2]) == [
        "序号",
        "工作任务",
        "牵头单位",
        "完成时限",
        "工作进展情况",
        "完成情况",
        "存在问题",
        "下步工作计划",
        "平台指标",
        "报送时间",
    ]
    assert len(rows) == 3 + 21
    row14 = next(r for r in rows[3:] if r[0] == 14)
    assert row14[5] == "推进中" and "值班覆盖率" in str(row14[8])
    assert next(r for r in rows[3:] if r[0] == 1)[5] == "未报送"
    annex1 = client.get(
        "/api/supervision/tasks/annex1.xlsx", headers={**ema, "Accept-Language": "en"}
    )
    first = load_workbook(io.BytesIO(annex1.content)).active
    assert first is not None
    header = [c.value for c in first[3]]
    assert header == ["No.", "Task", "Content", "Lead department", "Partners", "Deadline"]


def test_tasks_are_scoped_to_the_jurisdiction(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    with context.unit_of_work() as session:
        other = Jurisdiction(kind="district", name="别区", code="330300")
        session.add(other)
        session.flush()
        office = Organisation(
            kind="regulator",
            name="别区应急管理局",
            credit_code="11330300MB1A00001",
            jurisdiction_id=other.id,
            department_function="emergency_management",
        )
        session.add(office)
        session.flush()
        other_id, office_id = other.id, office.id
        some_task = session.scalar(select(SupervisionTask.id).limit(1))
    elsewhere = login_as(Role.REGULATOR, organisation_id=office_id, jurisdiction_id=other_id)
    assert client.get("/api/supervision/tasks", headers=elsewhere).json() == []
    assert client.get(f"/api/supervision/tasks/{some_task}", headers=elsewhere).status_code == 404
    refused = client.post(
        "/api/supervision/tasks/load", json={"jurisdiction_id": demo["district"]}, headers=elsewhere
    )
    assert refused.status_code == 404
    loaded = client.post(
        "/api/supervision/tasks/load", json={"jurisdiction_id": other_id}, headers=elsewhere
    ).json()
    assert len(loaded) == 21 and {t["lead_department_id"] for t in loaded} == {office_id}
    # the street works to its district's table, read-only
    street = login_as(
        Role.REGULATOR, organisation_id=demo["street_office"], jurisdiction_id=demo["street"]
    )
    seen = client.get("/api/supervision/tasks", headers=street).json()
    assert len(seen) == 21 and {t["jurisdiction_id"] for t in seen} == {demo["district"]}
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    assert client.get("/api/supervision/tasks", headers=lab).status_code == 403


def test_every_seed_task_has_a_source_and_known_indicators() -> None:
    rows = service.seed_rows()
    assert len(rows) == 21 and all(r.source.startswith("区委办综〔2021〕28号") for r in rows)
    assert {i for r in rows for i in r.indicators} <= set(service.INDICATORS)
