"""Warning dispatch and on-site verification (issue 15 item 3): a low-O2 alarm at the lab
becomes a dispatch to its fallback department, which a regulator accepts, verifies and
closes; reminders and escalation on a manual clock; the duty roster and handover."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.escalation.models import Contact
from hazwatch.monitoring.escalation.service import contacts_for
from hazwatch.monitoring.models import Alarm
from hazwatch.registry.demo import DemoIds
from hazwatch.supervision import dispatch
from hazwatch.supervision.models import DispatchOrder
from hazwatch.supervision.watch import DispatchWatch
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def low_o2_alarm(context: Context, demo: DemoIds) -> int:
    with context.unit_of_work() as session:
        alarm = Alarm(
            organisation_id=demo["lab"],
            site_id=demo["plant"],
            room_id=demo["dry_room_1"],
            source="O2M-DRY1",
            condition="low",
            priority="urgent",
            active=True,
            acked=False,
            state="active_unack",
            message_key="monitoring.alarm.low",
            params={"point": "O2M-DRY1"},
            changed_at=context.clock.now(),
            raised_at=context.clock.now(),
        )
        session.add(alarm)
        session.flush()
        return alarm.id


def test_a_low_o2_alarm_is_dispatched_accepted_verified_and_closed(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    alarm = low_o2_alarm(context, demo)
    regulator = login_as(
        Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
    )
    scanned = client.post("/api/supervision/dispatches/scan", headers=regulator)
    assert scanned.status_code == 200, scanned.text
    order = next(
        o for o in scanned.json() if o["source_type"] == "alarm" and o["source_key"] == str(alarm)
    )
    # the lab is a blind spot: its fallback owner takes the dispatch
    assert order["department_id"] == demo["ema"] and order["state"] == "dispatched"
    assert order["level"] == "urgent" and order["organisation_id"] == demo["lab"]
    # scanning again makes no second order for the same alarm
    again = client.post("/api/supervision/dispatches/scan", headers=regulator).json()
    assert [o["id"] for o in again if o["source_key"] == str(alarm)] == [order["id"]]
    path = f"/api/supervision/dispatches/{order['id']}"
    early = client.post(f"{path}/close", headers=regulator)
    assert early.status_code == 409 and error_code(early) == "supervision.dispatch.no_outcome"
    assert early.json()["error"]["field"] == "outcome"
    assert client.post(f"{path}/accept", headers=regulator).json()["state"] == "accepted"
    photo = client.post(
        f"{path}/attachments", files={"file": ("site.png", PNG, "image/png")}, headers=regulator
    )
    assert photo.status_code == 201, photo.text
    verified = client.post(
        f"{path}/verify",
        json={
            "outcome": "confirmed",
            "notes": "干燥房1氧含量18.2%，软管脱落，已关闭气源",
            "open_hidden_danger": True,
            "hidden_danger_grade": "general",
        },
        headers=regulator,
    ).json()
    assert verified["state"] == "verified" and verified["outcome"] == "confirmed"
    assert verified["hazard_finding_id"] is not None
    assert [a["filename"] for a in verified["attachments"]] == ["site.png"]
    closed = client.post(f"{path}/close", headers=regulator).json()
    assert closed["state"] == "closed"
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    danger = client.get(f"/api/hidden-dangers/{verified['hazard_finding_id']}", headers=lab)
    assert danger.status_code == 200
    # the lab reads its dispatch but does not work it
    assert client.get(path, headers=lab).status_code == 200
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    assert client.get(path, headers=chem).status_code == 404


def test_reminder_then_escalation_on_a_manual_clock(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context, clock: ManualClock
) -> None:
    low_o2_alarm(context, demo)
    regulator = login_as(
        Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
    )
    order = next(
        o
        for o in client.post("/api/supervision/dispatches/scan", headers=regulator).json()
        if o["source_type"] == "alarm"
    )
    assert order["reminded_at"] is None
    clock.advance(timedelta(minutes=8))  # past half of the 15 minutes to accept
    order = next(
        o
        for o in client.post("/api/supervision/dispatches/scan", headers=regulator).json()
        if o["id"] == order["id"]
    )
    assert order["reminded_at"] is not None and order["escalated_at"] is None
    clock.advance(timedelta(minutes=8))  # 16 minutes: late
    order = next(
        o
        for o in client.post("/api/supervision/dispatches/scan", headers=regulator).json()
        if o["id"] == order["id"]
    )
    assert order["late"] and order["escalated_at"] is not None
    assert order["escalated_to_id"] == demo["ema"]


def test_a_verification_needs_notes_and_an_enterprise_cannot_verify(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    low_o2_alarm(context, demo)
    admin = login_as(Role.PLATFORM_ADMIN)
    order = next(
        o
        for o in client.post("/api/supervision/dispatches/scan", headers=admin).json()
        if o["source_type"] == "alarm"
    )
    path = f"/api/supervision/dispatches/{order['id']}"
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    assert client.post(f"{path}/accept", headers=lab).status_code == 403
    client.post(f"{path}/accept", headers=admin).raise_for_status()
    blank = client.post(
        f"{path}/verify", json={"outcome": "false_alarm", "notes": " "}, headers=admin
    )
    assert blank.status_code == 422 and blank.json()["error"]["field"] == "notes"


def test_duty_roster_gaps_and_handover(
    client: TestClient, login_as: Login, demo: DemoIds, clock: ManualClock
) -> None:
    regulator = login_as(
        Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
    )
    now = clock.now()
    for officer, start, hours in (("王值班", 0, 12), ("李值班", 12, 12)):
        made = client.post(
            "/api/supervision/duty/shifts",
            json={
                "department_id": demo["ema"],
                "officer": officer,
                "starts_at": (now + timedelta(hours=start)).isoformat(),
                "ends_at": (now + timedelta(hours=start + hours)).isoformat(),
            },
            headers=regulator,
        )
        assert made.status_code == 201, made.text
    roster = client.get(
        "/api/supervision/duty/roster",
        params={"department_id": demo["ema"], "hours": 36},
        headers=regulator,
    ).json()
    assert roster["on_duty"]["officer"] == "王值班"
    assert len(roster["gaps"]) == 1  # hours 24–36 are uncovered
    bad = client.post(
        "/api/supervision/duty/log",
        json={"department_id": demo["ema"], "kind": "handover", "text": "交班", "handed_to": "赵"},
        headers=regulator,
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "handed_to"
    ok = client.post(
        "/api/supervision/duty/log",
        json={
            "department_id": demo["ema"],
            "kind": "handover",
            "text": "派单 #1 待核查",
            "handed_to": "李值班",
        },
        headers=regulator,
    )
    assert ok.status_code == 201
    log = client.get(
        "/api/supervision/duty/log", params={"department_id": demo["ema"]}, headers=regulator
    ).json()
    assert [e["handed_to"] for e in log] == ["李值班"]
    street = login_as(
        Role.REGULATOR, organisation_id=demo["street_office"], jurisdiction_id=demo["street"]
    )
    other = client.post(
        "/api/supervision/duty/shifts",
        json={
            "department_id": demo["ema"],
            "officer": "x",
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(hours=1)).isoformat(),
        },
        headers=street,
    )
    assert other.status_code in (403, 404)


def test_the_ladders_regulator_step_lands_on_the_duty_officer_on_shift(
    context: Context, demo: DemoIds, clock: ManualClock
) -> None:
    with context.unit_of_work() as session:
        lab = demo["lab"]
        everyone = {c.name for c in contacts_for(session, lab, "regulator")}
        assert {"王值班", "李值班"} <= everyone
        now = clock.now()
        assert [c.name for c in contacts_for(session, lab, "regulator", now)] == ["王值班"]
        later = now + timedelta(hours=7)
        assert [c.name for c in contacts_for(session, lab, "regulator", later)] == ["李值班"]
        # nobody on the roster a day later: the whole desk, never nobody
        gap = now + timedelta(hours=30)
        assert {c.name for c in contacts_for(session, lab, "regulator", gap)} == everyone


def test_the_engine_tick_dispatches_a_low_o2_alarm_once(
    context: Context, demo: DemoIds, clock: ManualClock
) -> None:
    alarm = low_o2_alarm(context, demo)
    watch = DispatchWatch(context)
    watch.tick(clock.now())

    def orders() -> list[DispatchOrder]:
        with context.sessions() as session:
            return list(
                session.scalars(
                    select(DispatchOrder).where(
                        DispatchOrder.source_type == "alarm",
                        DispatchOrder.source_key == str(alarm),
                    )
                )
            )

    made = orders()
    assert len(made) == 1 and made[0].department_id == demo["ema"]
    watch.tick(clock.now() + timedelta(seconds=5))  # within the minute: no second look
    clock.advance(timedelta(minutes=8))
    watch.tick(clock.now())  # a second scan: still one order, now reminded
    again = orders()
    assert [o.id for o in again] == [made[0].id] and again[0].reminded_at is not None


def test_the_ladders_regulator_step_follows_the_responsibility_matrix(
    context: Context, demo: DemoIds, clock: ManualClock
) -> None:
    with context.unit_of_work() as session:
        # the dye works (textile, uses chemicals): the matrix names the street office
        assert dispatch.matrix_regulators(session, demo["dyeworks"], clock.now()) == [
            demo["street_office"]
        ]
        # the street office has no duty desk on the platform: the fallback owner's desk
        fallback = contacts_for(session, demo["dyeworks"], "regulator")
        assert fallback and {c.organisation_id for c in fallback} == {demo["ema"]}
        session.add(
            Contact(
                organisation_id=demo["street_office"],
                role="duty_officer",
                name="街道值班",
                channel="console",
                address="console",
            )
        )
        session.flush()
        reached = contacts_for(session, demo["dyeworks"], "regulator", clock.now())
        assert [c.name for c in reached] == ["街道值班"]
