"""The hidden-danger loop end to end over the API: a failed SCBA check opens it, it climbs the
lab's escalation ladder when its deadline passes (manual clock, real webhook deliveries),
a passing re-check is the rectification evidence, someone else accepts it, it is closed and
the ladder stops. Then the refusals (skipped states, self-acceptance, deadlines in the past),
each leaving everything stored as it was, and the tenancy rule."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from hazwatch import demo as full_demo
from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth import service as auth
from hazwatch.core.auth.models import TokenKind, UserAccount
from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.escalation.models import (
    Contact,
    Escalation,
    EscalationStep,
    Notification,
)
from hazwatch.monitoring.runtime import EngineRuntime
from hazwatch.prevention.hazard_findings.models import HazardFinding, HazardFindingEvent
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds, load_demo
from tests.conftest import error_code
from tests.monitoring.conftest import Received

Login = Callable[..., dict[str, str]]
API = "/api/hidden-dangers"


def demo_ids(context: Context) -> DemoIds:
    with context.unit_of_work() as session:
        return load_demo(session)


def ladder(context: Context, demo: DemoIds, url: str) -> None:
    """The lab's duty officer, safety manager and the regulator's duty desk on webhooks."""
    with context.unit_of_work() as session:
        for organisation, role, path in (
            (demo["lab"], "duty_officer", "duty"),
            (demo["lab"], "safety_manager", "manager"),
            (demo["ema"], "duty_officer", "regulator"),
        ):
            session.add(
                Contact(
                    organisation_id=organisation,
                    role=role,
                    channel="webhook",
                    address=f"{url}/{path}",
                )
            )
        for minutes, target in ((0, "duty_officer"), (5, "safety_manager"), (10, "regulator")):
            session.add(
                EscalationStep(organisation_id=demo["lab"], after_minutes=minutes, target=target)
            )


def scba_check(client: TestClient, headers: dict[str, str], pressure: str) -> dict[str, Any]:
    response = client.post(
        "/api/emergency/scba/checks",
        headers=headers,
        json={"set_code": "LAB-SCBA-1", "cylinder_pressure_mpa": pressure},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def act(client: TestClient, headers: dict[str, str], finding: int, action: str, **body: Any) -> Any:
    return client.post(f"{API}/{finding}/{action}", headers=headers, json=body)


def relogin(context: Context, username: str) -> dict[str, str]:
    """A fresh token for a user, as of the test clock (tokens expire as it moves on)."""
    with context.unit_of_work() as session:
        user = session.scalars(select(UserAccount).where(UserAccount.username == username)).one()
        _token, secret = auth.issue_token(
            session, user, kind=TokenKind.API, lifetime=timedelta(days=1), now=context.clock.now()
        )
    return {"Authorization": f"Bearer {secret}"}


def tick(client: TestClient) -> None:
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    runtime.engine.tick()
    runtime.dispatcher.run_once()


def paths(received: Received) -> list[str]:
    return [path for path, _body in received.requests]


def test_a_failed_scba_check_travels_the_whole_loop_and_escalates_when_overdue(
    client: TestClient,
    context: Context,
    clock: ManualClock,
    login_as: Login,
    webhook: tuple[str, Received],
) -> None:
    url, received = webhook
    demo = demo_ids(context)
    ladder(context, demo, url)
    officer = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"], username="liu")
    manager = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"], username="chen")
    created = client.post(
        "/api/emergency/scba",
        headers=officer,
        json={"organisation_id": demo["lab"], "code": "LAB-SCBA-1", "holder": "wang"},
    )
    assert created.status_code == 201

    opened = scba_check(client, officer, "18")  # below the 25 MPa minimum
    finding = opened["hidden_danger_id"]
    assert finding is not None
    assert scba_check(client, officer, "17")["hidden_danger_id"] == finding  # one per set
    sets = client.get("/api/emergency/scba", headers=officer).json()
    assert sets[0]["ready"] is False  # the holder's rescue entry is refused meanwhile
    shown = client.get(f"{API}/{finding}", headers=officer, params={}).json()
    assert (shown["state"], shown["grade"], shown["source_type"]) == (
        "graded",
        "general",
        "scba_set",
    )
    assert shown["title"] == "空气呼吸器 LAB-SCBA-1 气瓶压力 18 MPa，低于最低 25 MPa（持有：wang）"
    assert shown["deadline"] is not None  # the default for a general one: 30 days
    assert shown["next_actions"] == ["order"]
    assert shown["reported_to_regulator_at"] is None  # general: not reported

    ordered = act(
        client,
        officer,
        finding,
        "order",
        measures="更换气瓶并充气至 30 MPa",
        responsible_person="王五",
        funds_yuan="800",
        contingency_plan="借用备用呼吸器，救援须两人",
    )
    assert ordered.status_code == 200, ordered.text
    assert act(client, officer, finding, "start").json()["state"] == "rectifying"

    # the deadline passes with nothing done: the lab's ladder, minute by minute
    deadline = client.get(f"{API}/{finding}", headers=officer).json()["deadline"]
    assert client.get(API, headers=officer, params={"overdue": True}).json() == []
    t0 = clock.now() + timedelta(days=30, minutes=1)
    for minutes in (0, 5, 10):
        clock.set(t0 + timedelta(minutes=minutes))
        tick(client)
    assert paths(received) == ["/duty", "/manager", "/regulator"]
    subject = received.requests[0][1]
    assert subject["hazard_finding_id"] == finding and subject["overdue"] is True
    assert "隐患逾期未整改" in subject["subject"] and "王五" in subject["text"]
    officer, manager = relogin(context, "liu"), relogin(context, "chen")  # a month later
    overdue = client.get(API, headers=officer, params={"overdue": True}).json()
    assert [h["id"] for h in overdue] == [finding] and overdue[0]["deadline"] == deadline
    notes = client.get(
        "/api/escalation/notifications",
        headers=officer,
        params={"subject_type": "hazard_finding", "subject_id": finding},
    ).json()
    assert [(n["target"], n["status"], n["alarm_id"]) for n in notes] == [
        ("regulator", "sent", None),
        ("safety_manager", "sent", None),
        ("duty_officer", "sent", None),
    ]
    assert client.get("/api/monitoring/alarms", headers=officer).json() == []  # not an alarm

    # a self-check while the cylinder is still low is refused: the source shows it unfixed
    refused = act(client, officer, finding, "self-check", comment="已充气")
    assert refused.status_code == 409 and error_code(refused) == "hazard.source_still_failing"
    assert refused.json()["error"]["field"] == "source"
    assert scba_check(client, officer, "29.5")["hidden_danger_id"] == finding  # still open
    done = act(client, officer, finding, "self-check", comment="气瓶已更换，复检 29.5 MPa")
    assert done.status_code == 200 and done.json()["state"] == "self_checked"

    own = act(client, officer, finding, "accept")
    assert own.status_code == 403 and error_code(own) == "hazard.self_acceptance"
    assert own.json()["error"]["field"] == "accepted_by"
    assert act(client, manager, finding, "accept", comment="现场复核").json()["state"] == "accepted"
    closed = act(client, manager, finding, "close").json()
    assert closed["state"] == "closed" and closed["overdue"] is False
    assert [e["action"] for e in closed["timeline"]] == [
        "report",
        "grade",
        "order",
        "start",
        "self_check",
        "accept",
        "close",
    ]
    assert [e["actor"] for e in closed["timeline"]][-3:] == ["liu", "chen", "chen"]

    # closed: the ladder stops, nobody is called again the next day
    before = len(received.requests)
    clock.set(t0 + timedelta(days=2))
    tick(client)
    assert len(received.requests) == before
    with context.sessions() as session:
        escalation = session.scalars(select(Escalation)).one()
        assert (escalation.subject_type, escalation.stop_reason) == ("hazard_finding", "resolved")
    # the regulator reads it (the lab is in its district) but cannot act on it
    regulator = login_as(Role.REGULATOR, jurisdiction_id=demo["district"])
    assert client.get(f"{API}/{finding}", headers=regulator).json()["next_actions"] == []
    # a new low check after closing opens a new hidden danger
    officer = relogin(context, "liu")
    assert scba_check(client, officer, "10")["hidden_danger_id"] not in (None, finding)


@pytest.fixture
def lab(context: Context, login_as: Login) -> tuple[DemoIds, dict[str, str]]:
    demo = demo_ids(context)
    return demo, login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"], username="liu")


def stored(context: Context, finding: int) -> tuple[Any, ...]:
    """Everything a refusal must leave as it was: the row, its timeline, the audit chain."""
    with context.sessions() as session:
        row = session.get(HazardFinding, finding)
        assert row is not None
        events = session.scalar(select(func.count()).select_from(HazardFindingEvent))
        audit = session.scalar(select(func.count()).select_from(AuditEntry))
        return (row.state, row.deadline, row.grade, row.measures, row.accepted_by, events, audit)


def reported(client: TestClient, headers: dict[str, str], demo: DemoIds) -> int:
    response = client.post(
        API,
        headers=headers,
        json={
            "organisation_id": demo["lab"],
            "title": "气氛炉进气软管无卡箍",
            "room_id": demo["dry_room_1"],
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["site_id"] == demo["plant"] and body["state"] == "reported"
    return int(body["id"])


def test_skipping_a_state_is_refused_naming_the_state_and_nothing_changes(
    client: TestClient, context: Context, lab: tuple[DemoIds, dict[str, str]]
) -> None:
    demo, officer = lab
    finding = reported(client, officer, demo)
    before = stored(context, finding)
    for action, body in (
        ("order", {"measures": "x", "responsible_person": "y", "funds_yuan": "0",
                   "contingency_plan": "z"}),
        ("close", {}),
        ("accept", {}),
        ("self-check", {"comment": "done"}),
    ):  # fmt: skip
        refused = act(client, officer, finding, action, **body)
        assert refused.status_code == 409, action
        error = refused.json()["error"]
        assert (error["code"], error["field"], error["params"]["state"]) == (
            "hazard.bad_transition",
            "state",
            "reported",
        )
    english = client.post(
        f"{API}/{finding}/close", headers=officer | {"Accept-Language": "en"}, json={}
    )
    assert english.json()["error"]["message"] == (
        'The hidden danger is Reported: it cannot be given "close" before it is Accepted'
    )
    assert stored(context, finding) == before


def test_deadlines_in_the_past_or_missing_for_a_major_one_are_refused(
    client: TestClient, context: Context, clock: ManualClock, lab: tuple[DemoIds, dict[str, str]]
) -> None:
    demo, officer = lab
    finding = reported(client, officer, demo)
    before = stored(context, finding)
    past = (clock.now() - timedelta(minutes=1)).isoformat()
    for body, code in (
        ({"grade": "general", "deadline": past}, "hazard.deadline_past"),
        ({"grade": "major"}, "hazard.deadline_required"),
        ({"grade": "major", "deadline": clock.now().isoformat()}, "hazard.deadline_past"),
    ):
        refused = act(client, officer, finding, "grade", **body)
        assert refused.status_code == 422, body
        assert (error_code(refused), refused.json()["error"]["field"]) == (code, "deadline")
    assert stored(context, finding) == before
    new = client.post(
        API,
        headers=officer,
        json={"organisation_id": demo["lab"], "title": "x", "grade": "general", "deadline": past},
    )
    assert new.status_code == 422 and error_code(new) == "hazard.deadline_past"
    assert len(client.get(API, headers=officer).json()) == 1  # nothing more was stored


def test_a_major_hidden_danger_is_reported_to_the_regulator_at_once(
    client: TestClient,
    context: Context,
    clock: ManualClock,
    lab: tuple[DemoIds, dict[str, str]],
    login_as: Login,
    webhook: tuple[str, Received],
) -> None:
    url, received = webhook
    demo, officer = lab
    ladder(context, demo, url)
    finding = reported(client, officer, demo)
    deadline = (clock.now() + timedelta(days=7)).isoformat()
    graded = act(client, officer, finding, "grade", grade="major", deadline=deadline).json()
    assert graded["reported_to_regulator_at"] is not None
    assert [e["action"] for e in graded["timeline"]][-1] == "report_to_regulator"
    client.app.state.runtime.dispatcher.run_once()  # type: ignore[attr-defined]
    # the lab has no supervising department: the district's fallback owner's duty desk
    assert paths(received) == ["/regulator"]
    assert "重大事故隐患报告" in received.requests[0][1]["subject"]
    regulator = login_as(Role.REGULATOR, jurisdiction_id=demo["district"])
    seen = client.get(API, headers=regulator, params={"reported": True}).json()
    assert [h["id"] for h in seen] == [finding] and seen[0]["grade_label"] == "重大隐患"
    refused = act(client, regulator, finding, "order", measures="x", responsible_person="y",
                  funds_yuan="1", contingency_plan="z")  # fmt: skip
    assert refused.status_code == 403 and error_code(refused) == "hazard.read_only"


def test_the_enterprise_edits_its_own_its_landlord_reads_others_see_nothing(
    client: TestClient, context: Context, lab: tuple[DemoIds, dict[str, str]], login_as: Login
) -> None:
    demo, officer = lab
    finding = reported(client, officer, demo)
    landlord = login_as(Role.LANDLORD, organisation_id=demo["landlord"])
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    worker = login_as(Role.WORKER, organisation_id=demo["lab"])
    assert client.get(f"{API}/{finding}", headers=landlord).json()["next_actions"] == []
    grade = {"grade": "general"}
    assert act(client, landlord, finding, "grade", **grade).status_code == 403
    assert act(client, worker, finding, "grade", **grade).status_code == 403
    assert client.get(f"{API}/{finding}", headers=chem).status_code == 404
    assert client.get(API, headers=chem).json() == []
    assert act(client, chem, finding, "grade", **grade).status_code == 404
    elsewhere = client.post(
        API,
        headers=officer,
        json={"organisation_id": demo["lab"], "title": "x", "room_id": demo["ammonia_room"]},
    )
    assert elsewhere.status_code == 404 and elsewhere.json()["error"]["field"] == "room_id"
    theirs = client.post(API, headers=officer, json={"organisation_id": demo["chem"], "title": "x"})
    assert theirs.status_code == 404


def test_an_scba_check_falling_overdue_opens_one_hidden_danger_on_the_tick(
    client: TestClient, context: Context, clock: ManualClock, lab: tuple[DemoIds, dict[str, str]]
) -> None:
    demo, officer = lab
    client.post(
        "/api/emergency/scba",
        headers=officer,
        json={"organisation_id": demo["lab"], "code": "LAB-SCBA-1", "holder": "wang"},
    )
    assert scba_check(client, officer, "29")["hidden_danger_id"] is None  # ready: nothing
    tick(client)
    clock.set(clock.now() + timedelta(days=30))
    tick(client)
    assert client.get(API, headers=relogin(context, "liu")).json() == []  # due, not overdue
    clock.set(clock.now() + timedelta(minutes=1))
    tick(client)
    tick(client)
    [opened] = client.get(API, headers=relogin(context, "liu")).json()
    assert opened["title"] == "空气呼吸器 LAB-SCBA-1 超过 30 天未检查（持有：wang）"
    assert (opened["source_type"], opened["state"]) == ("scba_set", "graded")


def test_the_ledger_exports_to_excel_with_the_filters_of_the_list(
    client: TestClient, context: Context, lab: tuple[DemoIds, dict[str, str]]
) -> None:
    demo, officer = lab
    finding = reported(client, officer, demo)
    act(client, officer, finding, "grade", grade="general")
    client.post(API, headers=officer, json={"organisation_id": demo["lab"], "title": "通道堵塞"})
    response = client.get(f"{API}/ledger.xlsx", headers=officer, params={"state": "graded"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "隐患排查治理台账"
    assert rows[2][:6] == ("编号", "单位", "隐患内容", "部位", "等级", "状态")
    assert [r[2] for r in rows[3:]] == ["气氛炉进气软管无卡箍"]  # only the graded one
    assert rows[3][4:6] == ("一般隐患", "已评级")


def test_the_demo_district_has_its_loops_and_its_overdue_hidden_danger_escalates(
    context: Context,
) -> None:
    with context.unit_of_work() as session:
        full_demo.load(session, Moment.of(context))
    runtime = EngineRuntime(context)
    runtime.engine.tick()
    with context.sessions() as session:
        found = {
            finding.id: (
                finding.title
                or finding.params.get("scba")
                or finding.params.get("point")
                or finding.params.get("text"),
                finding.state,
            )
            for finding in session.scalars(select(HazardFinding))
        }
        notified = {
            (found[n.subject_id][0], n.target)
            for n in session.scalars(
                select(Notification).where(Notification.subject_type == "hazard_finding")
            )
        }
    assert sorted(found.values()) == [
        ("NH3-01", "graded"),  # its calibration ran out a month ago
        ("SCBA-LANDLORD-1", "graded"),
        ("SCBA-LANDLORD-2", "graded"),
        ("实验室入口未张贴缺氧危险警示标识", "closed"),
        ("干燥房1 接入氮气，无固定式氧含量检测报警，无联锁排风", "graded"),
        ("干燥房1 气氛炉进气推入式软管无卡箍、已老化", "rectifying"),
        ("空气呼吸器存放于更衣室柜内且上锁，取用耗时过长", "graded"),  # the drill's finding
    ]
    assert notified == {
        ("干燥房1 接入氮气，无固定式氧含量检测报警，无联锁排风", "regulator"),  # at grading
        ("干燥房1 气氛炉进气推入式软管无卡箍、已老化", "duty_officer"),  # overdue: step 0
    }
