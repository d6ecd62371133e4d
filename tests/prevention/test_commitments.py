"""Daily safety commitment (issue 14 item 9): published for today only, once, with the open
重大 hidden dangers counted; missing by 10:00 (a setting) is flagged once to the enterprise
and its regulator; tenancy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.escalation.models import Contact, Notification
from hazwatch.prevention.commitments.models import MissedCommitment, SafetyCommitment
from hazwatch.prevention.commitments.watch import CommitmentWatch
from tests.conftest import error_code
from tests.monitoring.conftest import Received
from tests.prevention.test_hidden_dangers import demo_ids

Login = Callable[..., dict[str, str]]


def body(organisation: int, **extra: object) -> dict[str, object]:
    return {
        "organisation_id": organisation,
        "units_running": 2,
        "units_stopped": 1,
        "special_work": 1,
        "special_work_note": "干燥房2 动火作业 HW-001",
        "major_hazards_controlled": True,
        "signer": "陈主任",
        **extra,
    }


def test_a_commitment_is_published_for_today_once(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    demo = demo_ids(context)
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    major = client.post(
        "/api/hidden-dangers",
        headers=lab,
        json={"organisation_id": demo["lab"], "title": "氮气无检测", "room_id": demo["dry_room_1"]},
    ).json()
    client.post(
        f"/api/hidden-dangers/{major['id']}/grade",
        headers=lab,
        json={"grade": "major", "deadline": (clock.now() + timedelta(days=10)).isoformat()},
    )

    def count() -> int:
        with context.sessions() as session:
            return int(session.scalar(select(func.count(SafetyCommitment.id))) or 0)

    yesterday = (clock.now() - timedelta(days=2)).date().isoformat()
    past = client.post("/api/commitments", headers=lab, json=body(demo["lab"], day=yesterday))
    assert past.status_code == 422 and past.json()["error"]["field"] == "day"
    negative = client.post(
        "/api/commitments", headers=lab, json=body(demo["lab"], units_running=-1)
    )
    assert negative.status_code == 422
    landlord = client.post("/api/commitments", headers=lab, json=body(demo["landlord"]))
    assert landlord.status_code in (403, 404)
    assert count() == 0
    made = client.post("/api/commitments", headers=lab, json=body(demo["lab"]))
    assert made.status_code == 201, made.text
    assert made.json()["open_major_hidden_dangers"] == 1  # counted, not typed
    assert made.json()["day"] == "2025-02-07"  # today where the lab is (Shanghai)
    again = client.post("/api/commitments", headers=lab, json=body(demo["lab"]))
    assert again.status_code == 409 and error_code(again) == "commitment.already_published"
    regulator = login_as(Role.REGULATOR, jurisdiction_id=demo["district"])
    seen = client.get("/api/commitments", headers=regulator).json()
    assert [c["organisation_id"] for c in seen] == [demo["lab"]]
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    assert client.get("/api/commitments", headers=chem).json() == []


def test_missing_by_ten_is_flagged_once_to_the_enterprise_and_its_regulator(
    client: TestClient,
    context: Context,
    clock: ManualClock,
    login_as: Login,
    webhook: tuple[str, Received],
) -> None:
    url, received = webhook
    demo = demo_ids(context)
    with context.unit_of_work() as session:
        session.add(
            Contact(
                organisation_id=demo["lab"],
                role="duty_officer",
                channel="webhook",
                address=f"{url}/lab",
            )
        )
        session.add(
            Contact(
                organisation_id=demo["ema"],
                role="duty_officer",
                channel="webhook",
                address=f"{url}/regulator",
            )
        )
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    published = client.post("/api/commitments", headers=chem, json=body(demo["chem"]))
    assert published.status_code == 201
    watch = CommitmentWatch(context)
    # 09:59:59 in Shanghai on 7 Feb 2025: not yet late
    clock.set(datetime(2025, 2, 7, 1, 59, 59, tzinfo=UTC))
    watch.tick(clock.now())
    with context.sessions() as session:
        assert session.scalar(select(func.count(MissedCommitment.id))) == 0
    clock.set(datetime(2025, 2, 7, 2, 0, tzinfo=UTC))  # 10:00: late
    watch.tick(clock.now())
    watch.tick(clock.now() + timedelta(minutes=5))
    with context.sessions() as session:
        missed = {m.organisation_id for m in session.scalars(select(MissedCommitment))}
        notes = session.scalars(
            select(Notification).where(Notification.subject_type == "commitment_missing")
        ).all()
    assert demo["lab"] in missed and demo["chem"] not in missed
    lab_notes = [n for n in notes if n.organisation_id == demo["lab"]]
    assert sorted(n.target for n in lab_notes) == ["duty_officer", "regulator"]  # once each
    assert "未发布每日安全承诺" in lab_notes[0].subject
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    status = client.get("/api/commitments/missing", headers=lab).json()
    assert status["overdue"] is True
    assert [o["id"] for o in status["organisations"]] == [demo["lab"]]
    assert status["missed"][0]["organisation_id"] == demo["lab"]
    late = client.post("/api/commitments", headers=lab, json=body(demo["lab"]))
    assert late.status_code == 201  # late is still better than never; the miss stays recorded
    status = client.get("/api/commitments/missing", headers=lab).json()
    assert status["organisations"] == [] and len(status["missed"]) == 1
    watch.tick(clock.now() + timedelta(hours=1))
    with context.sessions() as session:
        assert (
            session.scalar(
                select(func.count(Notification.id)).where(
                    Notification.subject_type == "commitment_missing",
                    Notification.organisation_id == demo["lab"],
                )
            )
            == 2
        )
    _ = received


def test_the_commitment_says_what_special_work_is_done_and_the_risk_judgement(
    client: TestClient, context: Context, login_as: Login
) -> None:
    """Special work counted but not described is refused at ``special_work_note`` (nothing
    stored); the note and the day's risk judgement are published and read back."""
    demo = demo_ids(context)
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    silent = client.post(
        "/api/commitments",
        headers=lab,
        json=body(demo["lab"], special_work=2, special_work_note="  "),
    )
    assert silent.status_code == 422
    assert (error_code(silent), silent.json()["error"]["field"]) == (
        "commitment.special_work_note_required",
        "special_work_note",
    )
    too_long = client.post(
        "/api/commitments", headers=lab, json=body(demo["lab"], judgement="风" * 4001)
    )
    assert too_long.status_code == 422 and too_long.json()["error"]["field"] == "judgement"
    with context.sessions() as session:
        assert not session.scalar(select(func.count(SafetyCommitment.id)))
    judgement = "干燥房1 氮气管路整改中，风险较大，今日停用，其余装置风险可控。"
    made = client.post(
        "/api/commitments",
        headers=lab,
        json=body(
            demo["lab"],
            special_work=1,
            special_work_note=" 干燥房2 动火作业 HW-001 ",
            judgement=judgement,
            major_hazards_controlled=False,
        ),
    )
    assert made.status_code == 201, made.text
    (shown,) = client.get("/api/commitments", headers=lab).json()
    assert shown["special_work_note"] == "干燥房2 动火作业 HW-001"
    assert shown["judgement"] == judgement
    assert shown["major_hazards_controlled"] is False
