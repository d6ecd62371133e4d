"""The door access check: every rule, the 2·7 suite's entrance, rescue with SCBA, the log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hazwatch.core.auth.roles import SYSTEM, Principal, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.emergency import service as emergency
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.ingest import ReadingIn
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.schemas import PointIn
from hazwatch.prevention import service as permits
from hazwatch.registry.demo import DemoIds, load_demo
from hazwatch.registry.models import Door
from tests.conftest import error_code
from tests.monitoring.conftest import Plant

Login = Callable[..., dict[str, str]]


def ask(
    client: TestClient,
    headers: dict[str, str],
    door: str = "LAB-ENTRANCE",
    person: str = "worker-1",
    purpose: str = "work",
) -> dict[str, object]:
    response = client.post(
        "/api/access/check",
        headers={**headers, "Accept-Language": "en"},
        json={"door": door, "person": person, "purpose": purpose},
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def codes(answer: dict[str, object]) -> list[str]:
    reasons = answer["reasons"]
    assert isinstance(reasons, list)
    return [r["code"] for r in reasons]


def test_the_2_7_room_as_it_was_is_refused(
    client: TestClient, context: Context, login_as: Login
) -> None:
    with context.unit_of_work() as session:
        demo = load_demo(session)
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    answer = ask(client, lab)
    assert answer["decision"] == "deny"
    assert codes(answer) == ["access.reason.no_working_o2_point"]
    assert "干燥房1" in str(answer["reasons"])
    assert ask(client, lab, door="LAB-DRY1")["decision"] == "deny"
    unknown = client.post(
        "/api/access/check", headers=lab, json={"door": "NO-SUCH-DOOR", "person": "x"}
    )
    assert unknown.status_code == 404 and error_code(unknown) == "access.unknown_door"


def test_fixed_detector_decides(
    client: TestClient, plant: Plant, clock: ManualClock, login_as: Login, context: Context
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    never = ask(client, lab)
    assert codes(never) == ["access.reason.o2_unknown", "access.reason.no_working_o2_point"]
    device = {"Authorization": f"Bearer {plant.device_token}"}
    with context.unit_of_work() as session:  # the gateway is also the entrance's reader
        entrance = session.scalar(select(Door).where(Door.code == "LAB-ENTRANCE"))
        assert entrance is not None
        entrance.reader_device_id = plant.device_id

    def send(value: float, seconds: int) -> None:
        ts = (clock.now() + timedelta(seconds=seconds)).isoformat()
        client.post(
            "/api/ingest/readings",
            headers=device,
            json={"readings": [{"point": "O2-DRY1", "ts": ts, "value": value, "unit": "%vol"}]},
        )

    send(20.9, -30)
    assert ask(client, device)["decision"] == "allow"  # the reader itself may ask
    send(18.9, -20)
    low = ask(client, lab)
    assert low["decision"] == "deny" and codes(low) == ["access.reason.o2_alarm"]
    assert "oxygen alarm (O2-DRY1 = 18.9 %" in str(low["reasons"])
    clock.advance(timedelta(seconds=30))
    client.app.state.engine.tick()  # type: ignore[attr-defined]
    assert "access.reason.o2_unknown" in codes(ask(client, lab))  # stale: unknown is unsafe


def test_rescue_needs_a_ready_breathing_apparatus(
    client: TestClient, plant: Plant, clock: ManualClock, context: Context, login_as: Login
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    no_scba = ask(client, lab, person="rescuer", purpose="rescue")
    assert no_scba["decision"] == "deny"
    assert "emergency.no_scba_for_person" in codes(no_scba)
    with context.unit_of_work() as session:
        emergency.create_set(
            session, SYSTEM, organisation_id=plant.demo["lab"], code="SCBA-1", holder="rescuer"
        )
        emergency.record_check(
            session, SYSTEM, set_code="SCBA-1", at=clock.now(), cylinder_pressure_mpa=Decimal("18")
        )
    low = ask(client, lab, person="rescuer", purpose="rescue")
    assert low["decision"] == "deny" and "emergency.scba_low_pressure" in codes(low)
    with context.unit_of_work() as session:
        emergency.record_check(
            session,
            SYSTEM,
            set_code="SCBA-1",
            at=clock.now() + timedelta(seconds=1),
            cylinder_pressure_mpa=Decimal("29.5"),
        )
    clock.advance(timedelta(seconds=2))
    ok = ask(client, lab, person="rescuer", purpose="rescue")
    assert ok["decision"] == "allow" and "access.reason.rescue_with_scba" in codes(ok)
    assert ask(client, lab, person="rescuer", purpose="work")["decision"] == "deny"


def test_confined_space_needs_a_fresh_passing_gas_test(
    client: TestClient, plant: Plant, clock: ManualClock, context: Context, login_as: Login
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    admin = login_as(Role.PLATFORM_ADMIN)
    client.patch(
        f"/api/registry/rooms/{plant.demo['dry_room_2']}",
        headers=admin,
        json={"confined_space": True},
    )
    engine: MonitoringEngine = client.app.state.engine  # type: ignore[attr-defined]
    engine.submit([ReadingIn("O2-DRY1", clock.now(), 20.9, "%vol")])
    assert codes(ask(client, lab)) == ["access.reason.no_permit"]
    with context.unit_of_work() as session:
        permit = permits.open_permit(
            session,
            SYSTEM,
            room_id=plant.demo["dry_room_2"],
            number="CS-001",
            valid_from=clock.now(),
            valid_until=clock.now() + timedelta(hours=4),
            isolations=["盲板"],
        )
        head = Principal(
            user_id=None,
            username="head",
            role=Role.ENTERPRISE_ADMIN,
            organisation_id=plant.demo["lab"],
        )
        permits.approve_permit(session, head, permit.id, clock.now())
        permits.confirm_guardian(session, SYSTEM, permit.id, guardian="王", present=True)
        permits.record_gas_test(
            session, SYSTEM, permit_id=permit.id, at=clock.now(), o2_percent=Decimal("20.8")
        )
    assert ask(client, lab)["decision"] == "allow"

    def after(minutes: int) -> list[str]:
        clock.advance(timedelta(minutes=minutes))
        engine.submit([ReadingIn("O2-DRY1", clock.now(), 20.9, "%vol")])
        return codes(ask(client, lab))

    assert after(30) == []  # exactly 30 minutes still clears (inclusive)
    assert after(1) == ["access.reason.gas_test_too_old"]
    context.settings = context.settings.model_copy(update={"gas_test_max_age_minutes": 60})
    assert after(0) == []  # the enterprise's rules allow up to 60 minutes
    assert after(30) == ["access.reason.gas_test_too_old"]
    with context.unit_of_work() as session:
        permits.record_gas_test(
            session, SYSTEM, permit_id=permit.id, at=clock.now(), o2_percent=Decimal("19.4")
        )
    assert after(0) == ["access.reason.gas_test_failed"]
    with context.unit_of_work() as session:
        permits.close_permit(session, SYSTEM, permit.id)
    assert after(0) == ["access.reason.no_permit"]


def test_out_of_service_and_faulty_detectors_mean_unknown(
    client: TestClient, plant: Plant, clock: ManualClock, login_as: Login
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    engine: MonitoringEngine = client.app.state.engine  # type: ignore[attr-defined]
    engine.submit([ReadingIn("O2-DRY1", clock.now(), 20.9, "%vol")])
    assert ask(client, lab)["decision"] == "allow"
    engine.submit(
        [ReadingIn("O2-DRY1", clock.now() + timedelta(seconds=1), None, "%vol", fault="sensor")]
    )
    faulty = ask(client, lab)
    assert codes(faulty) == ["access.reason.o2_unknown", "access.reason.no_working_o2_point"]
    assert faulty["reasons"][0]["params"]["quality"] == "fault"  # type: ignore[index]
    engine.submit([ReadingIn("O2-DRY1", clock.now() + timedelta(seconds=2), 20.9, "%vol")])
    assert ask(client, lab)["decision"] == "allow"
    engine.set_out_of_service(plant.o2_point, SYSTEM, "calibration", True)
    off = ask(client, lab)
    assert off["decision"] == "deny"
    assert off["reasons"][0]["params"]["quality"] == "out_of_service"  # type: ignore[index]


def test_an_alarm_on_the_room_denies_entry(
    client: TestClient, plant: Plant, clock: ManualClock, login_as: Login
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    engine: MonitoringEngine = client.app.state.engine  # type: ignore[attr-defined]
    engine.submit([ReadingIn("O2-DRY1", clock.now(), 20.9, "%vol")])
    engine.set_condition(
        site_id=plant.demo["plant"],
        source="tank:1",
        condition="leak",
        active=True,
        at=clock.now(),
        organisation_id=plant.demo["lab"],
        room_id=plant.demo["dry_room_1"],
    )
    answer = ask(client, lab)
    assert codes(answer) == ["access.reason.room_alarm"]
    messages = [r["message"] for r in answer["reasons"]]  # type: ignore[attr-defined]
    assert messages == ["干燥房1: an alarm is active (Leak); do not enter"], messages


def test_modelled_oxygen_counts_as_a_working_point(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    with context.unit_of_work() as session:
        demo: DemoIds = load_demo(session)
        monitoring.create_point(
            session,
            SYSTEM,
            PointIn(
                site_id=demo["plant"],
                organisation_id=demo["lab"],
                room_id=demo["dry_room_1"],
                code="O2M-DRY1",
                kind=PointKind.O2_MODELLED,
                expected_interval_s=60,
            ),
        )
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    engine: MonitoringEngine = client.app.state.engine  # type: ignore[attr-defined]
    engine.reload()
    engine.submit([ReadingIn("O2M-DRY1", clock.now(), 20.9, "%vol")], source="model")
    assert ask(client, lab)["decision"] == "allow"
    engine.submit(
        [ReadingIn("O2M-DRY1", clock.now() + timedelta(seconds=1), 12.0, "%vol")], source="model"
    )
    denied = ask(client, lab)
    assert denied["decision"] == "deny"
    assert denied["reasons"][0]["params"]["modelled"] is True  # type: ignore[index]


def test_decisions_are_logged_and_scoped(client: TestClient, plant: Plant, login_as: Login) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    ask(client, lab, person="zhang")
    ask(client, lab, door="LAB-DRY1", person="li")
    log = client.get("/api/access/decisions", headers=lab, params={"person": "zhang"}).json()
    assert len(log) == 1 and log[0]["allowed"] is False and log[0]["door_code"] == "LAB-ENTRANCE"
    by_room = client.get(
        "/api/access/decisions", headers=lab, params={"room_id": plant.demo["changing_room"]}
    ).json()
    assert [d["person"] for d in by_room] == ["zhang"]
    dry_room_1 = client.get(
        "/api/access/decisions", headers=lab, params={"room_id": plant.demo["dry_room_1"]}
    ).json()
    assert [d["person"] for d in dry_room_1] == ["li", "zhang"]
    window = {"since": "2000-01-01T00:00:00Z", "until": "2000-01-02T00:00:00Z"}
    assert client.get("/api/access/decisions", headers=lab, params=window).json() == []
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=plant.demo["chem"])
    assert client.get("/api/access/decisions", headers=chem).json() == []
    assert (
        client.post("/api/access/check", json={"door": "LAB-ENTRANCE", "person": "x"}).status_code
        == 401
    )


def test_a_check_that_overruns_its_deadline_answers_deny(
    client: TestClient,
    plant: Plant,
    login_as: Login,
    context: Context,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    from hazwatch.monitoring.access import service as access_service

    real_decide = access_service.decide

    def slow_decide(*args: object, **kwargs: object) -> access_service.Decision:
        time.sleep(0.3)  # a database that stalls
        return real_decide(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(access_service, "decide", slow_decide)
    context.settings = context.settings.model_copy(update={"access_deadline_ms": 50})
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    answer = ask(client, lab)
    assert answer["decision"] == "deny" and codes(answer) == ["access.reason.timeout"]


def test_door_checks_come_from_its_reader_or_users_who_see_it(
    client: TestClient, plant: Plant, context: Context, login_as: Login
) -> None:
    """Issue 11: any user learnt another organisation's rooms, points and alarm states by
    asking about its door, and the probe landed in the victim's access log."""
    from sqlalchemy import func, select

    from hazwatch.monitoring.access.models import AccessDecision
    from hazwatch.monitoring.schemas import DeviceIn
    from hazwatch.registry.models import Door

    with context.unit_of_work() as session:
        reader, reader_token = monitoring.create_device(
            session,
            SYSTEM,
            DeviceIn(site_id=plant.demo["plant"], organisation_id=plant.demo["lab"], code="RD-1"),
        )
        door = session.scalar(select(Door).where(Door.code == "LAB-ENTRANCE"))
        assert door is not None
        door.reader_device_id = reader.id
        _chem_reader, chem_token = monitoring.create_device(
            session,
            SYSTEM,
            DeviceIn(
                site_id=plant.demo["chem_site"], organisation_id=plant.demo["chem"], code="RD-C"
            ),
        )

    def logged() -> int:
        with context.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(AccessDecision)) or 0)

    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=plant.demo["chem"])
    strangers = {
        "another organisation's user": chem,
        "another organisation's reader": {"Authorization": f"Bearer {chem_token}"},
        "the lab's gateway (not this door's reader)": {
            "Authorization": f"Bearer {plant.device_token}"
        },
    }
    for who, headers in strangers.items():
        probe = client.post(
            "/api/access/check",
            headers={**headers, "Accept-Language": "en"},
            json={"door": "LAB-ENTRANCE", "person": "spy"},
        )
        assert probe.status_code == 404, who
        assert error_code(probe) == "access.unknown_door"
        assert "干燥房" not in probe.text and "O2-DRY1" not in probe.text
    assert logged() == 0
    own_reader = ask(client, {"Authorization": f"Bearer {reader_token}"}, person="zhang")
    assert own_reader["decision"] == "deny"  # the reader asks and is answered
    landlord = login_as(Role.LANDLORD, organisation_id=plant.demo["landlord"])
    assert ask(client, landlord, person="li")["door"] == "LAB-ENTRANCE"  # it sees its tenant
    reader_elsewhere = client.post(
        "/api/access/check",
        headers={"Authorization": f"Bearer {reader_token}"},
        json={"door": "LAB-DRY1", "person": "x"},
    )
    assert reader_elsewhere.status_code == 404
    assert logged() == 2


def test_hot_work_under_way_decides_entry_by_its_permit_and_gas_test(
    client: TestClient, plant: Plant, clock: ManualClock, login_as: Login, context: Context
) -> None:
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=plant.demo["lab"])
    engine: MonitoringEngine = client.app.state.engine  # type: ignore[attr-defined]

    def now_codes(minutes: int = 0) -> list[str]:
        clock.advance(timedelta(minutes=minutes))
        engine.submit([ReadingIn("O2-DRY1", clock.now(), 20.9, "%vol")])
        return codes(ask(client, lab))

    assert now_codes() == []
    head = Principal(
        user_id=None, username="head", role=Role.ENTERPRISE_ADMIN, organisation_id=plant.demo["lab"]
    )
    with context.unit_of_work() as session:
        permit = permits.open_permit(
            session,
            SYSTEM,
            room_id=plant.demo["dry_room_2"],
            number="HW-001",
            kind="hot_work",
            applicant="焊工 赵",
            valid_from=clock.now(),
            valid_until=clock.now() + timedelta(hours=4),
        )
    assert now_codes() == ["access.reason.hot_work_permit_not_approved"]
    with context.unit_of_work() as session:
        permits.approve_permit(session, head, permit.id, clock.now())  # no isolations needed
    assert now_codes() == ["access.reason.hot_work_no_guardian"]
    with context.unit_of_work() as session:
        permits.confirm_guardian(session, SYSTEM, permit.id, guardian="监火人 钱", present=True)
        permits.record_gas_test(
            session,
            SYSTEM,
            permit_id=permit.id,
            at=clock.now(),
            o2_percent=Decimal("20.9"),
            combustible_percent=Decimal("0.51"),  # methane (LEL 5 %): above 0.5 % by volume
            gas_lel_percent=Decimal("5"),
        )
    assert now_codes() == ["access.reason.hot_work_gas_test_failed"]
    with context.unit_of_work() as session:
        permits.record_gas_test(
            session,
            SYSTEM,
            permit_id=permit.id,
            at=clock.now(),
            o2_percent=Decimal("22.5"),  # fine for hot work, too rich for a confined space
            combustible_percent=Decimal("0.5"),  # the limit itself passes
            gas_lel_percent=Decimal("5"),
        )
    assert now_codes() == []
    assert now_codes(31) == ["access.reason.hot_work_gas_test_too_old"]
    with context.unit_of_work() as session:
        permits.close_permit(session, SYSTEM, permit.id)
    assert now_codes() == []
