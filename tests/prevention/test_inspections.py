"""Inspections over the API: a checklist with expected answers, a point and its QR code, a
daily plan and the due dates it generates, a round whose failed items become hidden dangers
in the same step, an overdue plan flagged, the records' Excel ledger, and the refusals."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.prevention.inspections.choices import Frequency
from hazwatch.prevention.inspections.service import add_periods
from hazwatch.registry.demo import DemoIds, load_demo
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]
API = "/api/inspections"
CHECKLIST = {
    "name": "干燥房日常巡检",
    "items": [
        {"text": "氮气软管卡箍紧固", "kind": "yes_no", "expected_yes": True},
        {"text": "便携式氧含量读数", "kind": "number", "minimum": "19.5", "unit": "%"},
        {"text": "应急通道畅通", "kind": "yes_no", "expected_yes": True, "grade": "major"},
    ],
}


@pytest.fixture
def round_(
    client: TestClient, context: Context, login_as: Login
) -> tuple[DemoIds, dict[str, str], dict[str, Any]]:
    with context.unit_of_work() as session:
        demo = load_demo(session)
    officer = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"], username="liu")
    template = client.post(
        f"{API}/templates", headers=officer, json={"organisation_id": demo["lab"], **CHECKLIST}
    )
    assert template.status_code == 201, template.text
    point = client.post(
        f"{API}/points",
        headers=officer,
        json={
            "organisation_id": demo["lab"],
            "code": "DRY1",
            "name": "干燥房1",
            "room_id": demo["dry_room_1"],
        },
    )
    assert point.status_code == 201, point.text
    plan = client.post(
        f"{API}/plans",
        headers=officer,
        json={
            "organisation_id": demo["lab"],
            "name": "干燥房1每日巡检",
            "template_id": template.json()["id"],
            "point_id": point.json()["id"],
            "frequency": "daily",
            "assignee": "liu",
        },
    )
    assert plan.status_code == 201, plan.text
    return demo, officer, {"template": template.json(), "point_out": point.json(), **plan.json()}


def answers(
    template: dict[str, Any], hose: bool, o2: str, exit_clear: bool = True, **extra: Any
) -> list[dict[str, Any]]:
    hose_item, o2_item, exit_item = (item["id"] for item in template["items"])
    return [
        {"item_id": hose_item, "yes": hose, "note": "" if hose else "卡箍缺失"},
        {"item_id": o2_item, "value": o2},
        {"item_id": exit_item, "yes": exit_clear, **extra},
    ]


def test_a_round_with_a_failed_item_opens_its_hidden_danger_and_moves_the_plan_on(
    client: TestClient,
    context: Context,
    clock: ManualClock,
    round_: tuple[DemoIds, dict[str, str], dict[str, Any]],
) -> None:
    demo, officer, plan = round_
    assert plan["status"] == "due" and plan["next_due"] == clock.now().isoformat().replace(
        "+00:00", "Z"
    )
    assert [datetime.fromisoformat(d) for d in plan["upcoming"]][1:3] == [
        clock.now() + timedelta(days=1),
        clock.now() + timedelta(days=2),
    ]
    clock.set(clock.now() + timedelta(hours=2))
    late = client.get(f"{API}/plans", headers=officer, params={"overdue": True}).json()
    assert [p["id"] for p in late] == [plan["id"]] and late[0]["status"] == "overdue"

    done = client.post(
        f"{API}/records",
        headers=officer,
        json={"plan_id": plan["id"], "answers": answers(plan["template"], False, "20.9")},
    )
    assert done.status_code == 201, done.text
    record = done.json()
    assert record["passed"] is False
    failed = [a for a in record["answers"] if not a["passed"]]
    assert [a["text"] for a in failed] == ["氮气软管卡箍紧固"]
    finding = client.get(
        f"/api/hidden-dangers/{failed[0]['hazard_finding_id']}", headers=officer
    ).json()
    assert finding["title"] == "巡检不合格：干燥房1「氮气软管卡箍紧固」（no）卡箍缺失"
    assert (finding["state"], finding["grade"], finding["room_id"], finding["source_type"]) == (
        "graded",
        "general",
        demo["dry_room_1"],
        "inspection_answer",
    )
    photo = client.post(
        f"{API}/records/{record['id']}/attachments",
        headers=officer,
        files={"file": ("hose.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")},
    )
    assert photo.status_code == 201, photo.text
    shown = client.get(f"{API}/records/{record['id']}", headers=officer).json()
    assert [a["filename"] for a in shown["attachments"]] == ["hose.pdf"]
    plans = client.get(f"{API}/plans", headers=officer).json()
    assert plans[0]["next_due"].startswith((clock.now() + timedelta(hours=22)).date().isoformat())
    assert client.get(f"{API}/plans", headers=officer, params={"overdue": True}).json() == []

    sheet = load_workbook(
        io.BytesIO(client.get(f"{API}/records/ledger.xlsx", headers=officer).content)
    ).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "隐患排查记录台账"
    assert rows[3][2:7] == ("干燥房1", "liu", rows[3][4], "不合格", "氮气软管卡箍紧固")

    qr = client.get(f"{API}/points/{plan['point_id']}/qr.svg", headers=officer)
    assert qr.status_code == 200 and qr.text.startswith("<svg")
    png = client.get(f"{API}/points/{plan['point_id']}/qr.png", headers=officer)
    assert png.content.startswith(b"\x89PNG")
    assert client.get(f"{API}/points/{plan['point_id']}/qr.gif", headers=officer).status_code == 422


def test_a_failed_major_item_needs_its_deadline_and_nothing_is_stored_without_it(
    client: TestClient,
    context: Context,
    clock: ManualClock,
    round_: tuple[DemoIds, dict[str, str], dict[str, Any]],
) -> None:
    _demo, officer, plan = round_

    def audit() -> int | None:
        with context.sessions() as session:
            return session.scalar(select(func.count()).select_from(AuditEntry))

    before = audit()
    for body, field in (
        (answers(plan["template"], True, "20.9", exit_clear=False), "answers.2.deadline"),
        (answers(plan["template"], True, "20.9")[:2], "answers"),
        ([{"item_id": plan["template"]["items"][0]["id"]}] * 3, "answers.0.yes"),
    ):
        refused = client.post(
            f"{API}/records", headers=officer, json={"plan_id": plan["id"], "answers": body}
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["field"] == field
    assert audit() == before
    deadline = (clock.now() + timedelta(days=3)).isoformat()
    done = client.post(
        f"{API}/records",
        headers=officer,
        json={
            "plan_id": plan["id"],
            "answers": answers(plan["template"], True, "18.2", exit_clear=False, deadline=deadline),
        },
    )
    assert done.status_code == 201, done.text
    opened = [a["hazard_finding_id"] for a in done.json()["answers"] if not a["passed"]]
    assert len(opened) == 2  # the O2 reading below 19.5 % and the blocked exit
    major = client.get(f"/api/hidden-dangers/{opened[1]}", headers=officer).json()
    assert major["grade"] == "major" and major["reported_to_regulator_at"] is not None


def test_others_read_or_see_nothing(
    client: TestClient,
    round_: tuple[DemoIds, dict[str, str], dict[str, Any]],
    login_as: Login,
) -> None:
    demo, _officer, plan = round_
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    landlord = login_as(Role.LANDLORD, organisation_id=demo["landlord"])
    assert client.get(f"{API}/plans", headers=chem).json() == []
    assert [p["id"] for p in client.get(f"{API}/plans", headers=landlord).json()] == [plan["id"]]
    body = {"plan_id": plan["id"], "answers": answers(plan["template"], True, "20.9")}
    refused = client.post(f"{API}/records", headers=landlord, json=body)
    assert refused.status_code == 403 and error_code(refused) == "hazard.read_only"
    assert client.post(f"{API}/records", headers=chem, json=body).status_code == 404
    assert client.get(f"{API}/points/{plan['point_id']}/qr.svg", headers=chem).status_code == 404


def test_due_dates_follow_the_calendar() -> None:
    start = datetime(2025, 1, 30, 16, 0, tzinfo=UTC)  # 31 Jan 00:00 in Shanghai
    assert add_periods(start, Frequency.MONTHLY, 1, "Asia/Shanghai").day == 28
    assert (
        add_periods(start, Frequency.QUARTERLY, 1, "Asia/Shanghai")
        .isoformat()
        .startswith("2025-04-30T00:00")
    )
    assert add_periods(start, Frequency.SHIFT, 3, "Asia/Shanghai") == start + timedelta(days=1)
    assert add_periods(start, Frequency.YEARLY, 1, "Asia/Shanghai").year == 2026


def test_the_command_line_lists_overdue_plans_and_exports_records(
    cli_on_context: Context,
    client: TestClient,
    round_: tuple[DemoIds, dict[str, str], dict[str, Any]],
    tmp_path: Any,
) -> None:
    from typer.testing import CliRunner

    from hazwatch.cli.main import app

    runner = CliRunner()
    _demo, _officer, plan = round_  # due at the test clock's start, long past in real time
    listed = runner.invoke(app, ["inspection", "plans", "--as", "liu"])
    assert listed.exit_code == 1 and "[Overdue]" in listed.stdout and "Daily" in listed.stdout
    shown = runner.invoke(app, ["inspection", "plans", "--json", "--as", "liu"])
    assert [p["id"] for p in json.loads(shown.stdout)] == [plan["id"]]
    ledger = tmp_path / "records.xlsx"
    exported = runner.invoke(app, ["inspection", "export", str(ledger), "--as", "liu"])
    assert exported.exit_code == 0 and "Exported 0 inspection records" in exported.stdout
    assert ledger.stat().st_size > 0
