"""Who is inside (issue 14 item 8): door decisions and exits give each room's occupants; an
O2 alarm in an occupied room is urgent and names them in every notification; the muster
list; manual check-outs; a long stay asks for a check."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.escalation.models import Contact, EscalationStep, Notification
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.models import Alarm
from hazwatch.monitoring.occupancy import service as occupancy
from hazwatch.monitoring.occupancy.models import AccessExit
from hazwatch.monitoring.runtime import EngineRuntime
from tests.conftest import error_code
from tests.monitoring.conftest import Plant, Received

Login = Callable[..., dict[str, str]]


class NoActuator:
    def send(self, site_id: int, device_code: str, message: dict[str, Any]) -> None:
        return None


def ladder(context: Context, plant: Plant, url: str) -> None:
    lab = plant.demo["lab"]
    with context.unit_of_work() as session:
        session.add(
            Contact(
                organisation_id=lab, role="duty_officer", channel="webhook", address=f"{url}/duty"
            )
        )
        session.add(
            Contact(
                organisation_id=lab, role="safety_manager", channel="webhook", address=f"{url}/mgr"
            )
        )
        session.add(EscalationStep(organisation_id=lab, after_minutes=0, target="duty_officer"))
        session.add(EscalationStep(organisation_id=lab, after_minutes=5, target="safety_manager"))


def enter(runtime: EngineRuntime, clock: ManualClock, door: str, person: str) -> None:
    decision = runtime.access.check(door_code=door, person=person, purpose="work", now=clock.now())
    assert decision.allowed, decision.reasons


def test_an_o2_alarm_in_an_occupied_room_is_urgent_and_names_the_two_inside(
    context: Context, plant: Plant, clock: ManualClock, webhook: tuple[str, Received]
) -> None:
    url, received = webhook
    ladder(context, plant, url)
    runtime = EngineRuntime(context, NoActuator())
    engine = runtime.engine
    t0 = clock.now()
    engine.submit([ReadingIn("O2-DRY1", t0, 20.9, "%vol")])
    clock.advance(timedelta(minutes=1))
    for person in ("张三", "李四", "王五"):
        enter(runtime, clock, "LAB-ENTRANCE", person)
        enter(runtime, clock, "LAB-DRY1", person)
    with context.unit_of_work() as session:  # 王五 left through the inner door's reader
        occupancy.record_exit(
            session,
            door_id=_door(session),
            person="王五",
            at=clock.now(),
        )
    clock.advance(timedelta(minutes=1))
    engine.submit([ReadingIn("O2-DRY1", clock.now(), 19.1, "%vol")])
    runtime.dispatcher.run_once()
    with context.sessions() as session:
        alarm = session.scalar(select(Alarm).where(Alarm.active.is_(True)))
        assert alarm is not None
        assert alarm.priority == "urgent"  # a low O2 alone would be "high"
        assert alarm.params["occupants"] == ["张三", "李四"]
    assert [path for path, _ in received.requests] == ["/duty"]
    payload = received.requests[0][1]
    assert payload["priority"] == "urgent"
    assert payload["occupants"] == ["张三", "李四"]
    assert "张三、李四" in payload["subject"] and "张三、李四" in payload["text"]
    assert "王五" not in str(payload)
    clock.advance(timedelta(minutes=5))  # the next step names them too
    engine.submit([ReadingIn("O2-DRY1", clock.now(), 19.0, "%vol")])
    engine.tick()
    runtime.dispatcher.run_once()
    o2 = [(path, body) for path, body in received.requests if body["alarm_id"] == alarm.id]
    assert [path for path, _ in o2] == ["/duty", "/mgr"]  # (the tank level went stale)
    assert o2[1][1]["occupants"] == ["张三", "李四"] and "张三、李四" in o2[1][1]["text"]
    engine.close()


def _door(session: Any) -> int:
    from hazwatch.registry.models import Door

    door_id = session.scalar(select(Door.id).where(Door.code == "LAB-DRY1"))
    assert door_id is not None
    return int(door_id)


def test_an_o2_alarm_in_an_empty_room_keeps_its_priority(
    context: Context, plant: Plant, clock: ManualClock, webhook: tuple[str, Received]
) -> None:
    url, received = webhook
    ladder(context, plant, url)
    runtime = EngineRuntime(context, NoActuator())
    runtime.engine.submit([ReadingIn("O2-DRY1", clock.now(), 19.1, "%vol")])
    runtime.dispatcher.run_once()
    payload = received.requests[0][1]
    assert payload["priority"] == "high" and "occupants" not in payload
    runtime.engine.close()


def test_muster_list_check_out_and_a_long_stay_asks_for_a_check(
    client: TestClient,
    context: Context,
    plant: Plant,
    clock: ManualClock,
    login_as: Login,
    webhook: tuple[str, Received],
) -> None:
    url, received = webhook
    ladder(context, plant, url)
    runtime: EngineRuntime = client.app.state.runtime  # type: ignore[attr-defined]
    runtime.engine.submit([ReadingIn("O2-DRY1", clock.now(), 20.9, "%vol")])
    enter(runtime, clock, "LAB-ENTRANCE", "张三")
    clock.advance(timedelta(minutes=1))
    enter(runtime, clock, "LAB-ENTRANCE", "李四")
    site = plant.demo["plant"]
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    muster = client.get(f"/api/occupancy/sites/{site}", headers=lab).json()
    assert [o["person"] for o in muster] == ["张三", "李四"]
    assert len(muster[0]["room_ids"]) == 3 and not muster[0]["check_due"]
    room = client.get(f"/api/occupancy/rooms/{plant.demo['dry_room_1']}", headers=lab).json()
    assert [o["person"] for o in room] == ["张三", "李四"]
    # the chemical plant sees nothing of the lab's muster
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=plant.demo["chem"])
    assert client.get(f"/api/occupancy/sites/{site}", headers=chem).status_code == 404

    def count() -> int:
        with context.sessions() as session:
            return int(session.scalar(select(func.count(AccessExit.id))) or 0)

    bad = client.post(
        "/api/occupancy/check-outs",
        headers=lab,
        json={"site_id": site, "person": "nobody", "reason": "left"},
    )
    assert bad.status_code == 422 and error_code(bad) == "occupancy.not_inside"
    assert bad.json()["error"]["field"] == "person" and count() == 0
    future = client.post(
        "/api/occupancy/check-outs",
        headers=lab,
        json={
            "site_id": site,
            "person": "李四",
            "reason": "left",
            "at": (clock.now() + timedelta(hours=1)).isoformat(),
        },
    )
    assert future.status_code == 422 and future.json()["error"]["field"] == "at"
    assert count() == 0
    out = client.post(
        "/api/occupancy/check-outs",
        headers=lab,
        json={"site_id": site, "person": "李四", "reason": "seen leaving"},
    )
    assert out.status_code == 201, out.text
    muster = client.get(f"/api/occupancy/sites/{site}", headers=lab).json()
    assert [o["person"] for o in muster] == ["张三"]
    # nobody is inside forever: past the limit the duty officer is asked to check, once
    clock.advance(timedelta(minutes=context.settings.occupancy_max_stay_minutes + 1))
    runtime.engine.tick()
    runtime.engine.tick()
    runtime.dispatcher.run_once()
    muster = client.get(f"/api/occupancy/sites/{site}", headers=lab).json()
    assert muster[0]["check_due"] is True
    stays = [(path, body) for path, body in received.requests if body.get("check_due")]
    assert len(stays) == 1 and stays[0][0] == "/duty" and stays[0][1]["person"] == "张三"
    with context.sessions() as session:
        asked = session.scalars(
            select(Notification).where(Notification.subject_type == "stay")
        ).all()
    assert len(asked) == 1 and "张三" in asked[0].subject
