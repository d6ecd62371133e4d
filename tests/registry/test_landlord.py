"""Landlord duties (issue 14 item 10): the landlord sees its tenants' findings and hidden
dangers, plans and records inspections of them (findings become the tenant's hidden
dangers), and is told once when a tenant sub-lets without consent or adds an inert-gas
source."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.monitoring.escalation.models import Contact, Notification
from hazwatch.registry import service as registry
from hazwatch.registry.demo import DemoIds, load_demo
from hazwatch.registry.landlord.models import TenantInspection
from hazwatch.registry.landlord.watch import LandlordWatch
from hazwatch.registry.resources import RESOURCES
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]


def demo_ids(context: Context) -> DemoIds:
    with context.unit_of_work() as session:
        return load_demo(session)


def test_the_landlord_sees_plans_and_records_inspections_of_its_tenants(
    client: TestClient, context: Context, clock: ManualClock, login_as: Login
) -> None:
    demo = demo_ids(context)
    landlord = login_as(Role.LANDLORD, organisation_id=demo["landlord"])
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    reported = client.post(
        "/api/hidden-dangers",
        headers=lab,
        json={"organisation_id": demo["lab"], "title": "软管无卡箍", "room_id": demo["dry_room_1"]},
    )
    assert reported.status_code == 201
    seen = client.get("/api/hidden-dangers", headers=landlord).json()
    assert [h["title"] for h in seen] == ["软管无卡箍"]  # the tenant's, read-only
    findings = {f["code"] for f in client.get("/api/registry/findings", headers=landlord).json()}
    assert "sublease_without_consent" in findings
    tenants = client.get(f"/api/landlord/{demo['landlord']}/tenants", headers=landlord).json()
    assert {t["id"] for t in tenants} == {demo["sublessor"], demo["lab"]}
    lab_row = next(t for t in tenants if t["id"] == demo["lab"])
    assert lab_row["open_hidden_dangers"] == 1 and lab_row["last_inspected"] is None

    def count() -> int:
        with context.sessions() as session:
            return int(session.scalar(select(func.count(TenantInspection.id))) or 0)

    past = client.post(
        "/api/landlord/inspections",
        headers=landlord,
        json={
            "landlord_id": demo["landlord"],
            "tenant_id": demo["lab"],
            "planned_for": (clock.now() - timedelta(hours=1)).isoformat(),
        },
    )
    assert past.status_code == 422 and past.json()["error"]["field"] == "planned_for"
    stranger = client.post(
        "/api/landlord/inspections",
        headers=landlord,
        json={
            "landlord_id": demo["landlord"],
            "tenant_id": demo["chem"],
            "planned_for": (clock.now() + timedelta(days=1)).isoformat(),
        },
    )
    assert stranger.status_code == 404 and stranger.json()["error"]["field"] == "tenant_id"
    assert count() == 0
    planned = client.post(
        "/api/landlord/inspections",
        headers=landlord,
        json={
            "landlord_id": demo["landlord"],
            "tenant_id": demo["lab"],
            "planned_for": (clock.now() + timedelta(days=1)).isoformat(),
        },
    )
    assert planned.status_code == 201, planned.text
    inspection = planned.json()["id"]
    clock.advance(timedelta(days=2))
    landlord = login_as(Role.LANDLORD, organisation_id=demo["landlord"])
    overdue = client.get(f"/api/landlord/{demo['landlord']}/tenants", headers=landlord).json()
    assert next(t for t in overdue if t["id"] == demo["lab"])["inspection_overdue"] is True
    lab = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    by_tenant = client.post(
        f"/api/landlord/inspections/{inspection}/record", headers=lab, json={"inspector": "x"}
    )
    assert by_tenant.status_code in (403, 404)
    done = client.post(
        f"/api/landlord/inspections/{inspection}/record",
        headers=landlord,
        json={"inspector": "物业 周经理", "findings": ["干燥房无固定式氧含量检测报警"]},
    )
    assert done.status_code == 200, done.text
    opened = done.json()["hidden_danger_ids"]
    assert len(opened) == 1
    shown = client.get(f"/api/hidden-dangers/{opened[0]}", headers=lab).json()
    assert shown["organisation_id"] == demo["lab"] and "物业" not in shown["title"]
    assert "干燥房无固定式氧含量检测报警" in shown["title"]
    again = client.post(
        f"/api/landlord/inspections/{inspection}/record",
        headers=landlord,
        json={"inspector": "x"},
    )
    assert again.status_code == 409 and error_code(again) == "landlord.already_recorded"


def test_the_landlord_is_told_once_of_a_sublease_without_consent_and_a_new_inert_gas_source(
    context: Context, clock: ManualClock
) -> None:
    demo = demo_ids(context)
    with context.unit_of_work() as session:
        session.add(
            Contact(
                organisation_id=demo["landlord"],
                role="duty_officer",
                channel="console",
                address="console",
            )
        )
    watch = LandlordWatch(context)
    watch.tick(clock.now())
    watch.tick(clock.now() + timedelta(minutes=2))

    def told() -> list[tuple[str, str]]:
        with context.sessions() as session:
            return sorted(
                (n.subject_type, n.subject)
                for n in session.scalars(
                    select(Notification).where(Notification.organisation_id.is_not(None))
                )
                if n.subject_type in ("sublease_without_consent", "tenant_inert_gas_source")
            )

    first = told()
    kinds = [kind for kind, _subject in first]
    assert kinds.count("sublease_without_consent") == 1
    assert any("转租" in subject for _kind, subject in first)
    before = kinds.count("tenant_inert_gas_source")
    with context.unit_of_work() as session:
        registry.create_object(
            session,
            SYSTEM,
            RESOURCES["hazard-sources"],
            {"room_id": demo["dry_room_2"], "kind": "inert_gas", "substance": "氩气"},
        )
    watch.tick(clock.now() + timedelta(minutes=4))
    after = told()
    assert [k for k, _s in after].count("tenant_inert_gas_source") == before + 1
    assert any("氩气" in subject for _k, subject in after)
    watch.tick(clock.now() + timedelta(minutes=6))
    assert told() == after  # once
