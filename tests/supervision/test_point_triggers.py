"""Points recorded from the platform's own events (issue 15 item 5): the demo lab's 重大 and
overdue hidden dangers give its points with their origins; a late urgent alarm response and
a fatal accident give theirs; each event yields its points once, even after they are voided;
an event the table gives no trigger records nothing; only a regulator scans."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.models import Alarm
from hazwatch.prevention.commitments.models import MissedCommitment
from hazwatch.registry.demo import DemoIds
from hazwatch.supervision import incidents, point_triggers, rules
from hazwatch.supervision.choices import IncidentKind, RuleKind
from hazwatch.supervision.models import PointEvent

Login = Callable[..., dict[str, str]]
API = "/api/supervision"
TZ = "Asia/Shanghai"


def points_of(context: Context, organisation_id: int) -> list[PointEvent]:
    with context.unit_of_work() as session:
        found = list(
            session.scalars(
                select(PointEvent)
                .where(PointEvent.organisation_id == organisation_id)
                .order_by(PointEvent.id)
            )
        )
        session.expunge_all()
        return found


def alarm(organisation_id: int, site_id: int, source: str, **flags: Any) -> Alarm:
    return Alarm(
        organisation_id=organisation_id,
        site_id=site_id,
        source=source,
        condition="low",
        priority="urgent",
        active=True,
        state="unack",
        **flags,
    )


def test_the_lab_s_hidden_dangers_give_its_points_once(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    generated = [p for p in points_of(context, demo["lab"]) if p.origin]
    assert sorted((p.event, p.points) for p in generated) == [
        ("general_hidden_danger_overdue", 3),
        ("major_hidden_danger", 6),
    ]
    assert all(p.origin and p.origin.startswith("hazard_finding:") for p in generated)
    assert any("逾期" in p.source for p in generated)
    # the table in force says where each value comes from
    table = rules.defaults(RuleKind.POINTS).points
    assert "第41条" in table.events["major_hidden_danger"].source
    assert table.events["major_hidden_danger"].trigger == "major_hidden_danger"
    regulator = login_as(
        Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
    )
    # the lab appeals its 重大 points and the regulator upholds it: voided, never again
    major = next(p for p in generated if p.event == "major_hidden_danger")
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    appealed = client.post(
        f"{API}/points/{major.id}/appeal", json={"reason": "已停用氮气"}, headers=lab
    )
    assert appealed.status_code == 200, appealed.text
    voided = client.post(
        f"{API}/points/{major.id}/appeal-decision", json={"uphold": True}, headers=regulator
    )
    assert voided.json()["state"] == "voided"
    before = len(points_of(context, demo["lab"]))
    again = client.post(f"{API}/points/scan", headers=regulator)
    assert again.status_code == 200 and again.json() == []
    assert len(points_of(context, demo["lab"])) == before
    assert client.post(f"{API}/points/scan", headers=lab).status_code == 403


def test_a_late_alarm_response_and_a_fatal_accident_cost_points(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context, clock: ManualClock
) -> None:
    now = clock.now()
    chem, site = demo["chem"], demo["chem_site"]
    earlier = {p.id for p in points_of(context, chem)}
    with context.unit_of_work() as session:
        session.add(alarm(chem, site, "NH3-LATE", acked=False, raised_at=now, changed_at=now))
        session.add(
            alarm(
                chem,
                site,
                "NH3-ONTIME",
                acked=True,
                acked_at=now + timedelta(minutes=5),
                raised_at=now,
                changed_at=now,
            )
        )
        session.add(MissedCommitment(organisation_id=chem, day=now.date(), flagged_at=now))
    clock.advance(timedelta(minutes=10))
    with context.unit_of_work() as session:
        assert point_triggers.scan(session, clock.now(), TZ) == []  # within the 15 minutes
    clock.advance(timedelta(minutes=10))
    with context.unit_of_work() as session:
        late = point_triggers.scan(session, clock.now(), TZ)
        assert [(p.event, p.points) for p in late] == [("late_alarm_response", 2)]
        assert "NH3-LATE" in late[0].source
        incidents.record(
            session,
            SYSTEM,
            clock.now(),
            organisation_id=chem,
            title="氨泄漏中毒",
            kind=IncidentKind.PRODUCTION,
            occurred_at=clock.now() - timedelta(hours=1),
            deaths=1,
        )
    regulator = login_as(
        Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
    )
    scanned = client.post(f"{API}/points/scan", headers=regulator)
    assert scanned.status_code == 200, scanned.text
    assert [(p["event"], p["points"]) for p in scanned.json()] == [("fatal_accident", 12)]
    assert scanned.json()[0]["origin"].startswith("incident:")
    assert client.post(f"{API}/points/scan", headers=regulator).json() == []
    # the missed commitment recorded nothing: the default table gives it no trigger
    assert sorted(p.event for p in points_of(context, chem) if p.id not in earlier) == [
        "fatal_accident",
        "late_alarm_response",
    ]
