"""Changing and retiring safety records over HTTP (issue 14): emergency plans, accountable
persons, chemical holdings and the risk register's objects and events. Another organisation
cannot change them (404 unseen, 403 seen only), bad input answers 4xx with a machine-readable
reason and its field while nothing stored changes, records the audit needs are retired (kept)
rather than deleted, and every change is in the append-only audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch import demo as full_demo
from hazwatch.chemicals.models import AccountablePerson, ChemicalHolding, DutyCheck
from hazwatch.chemicals.seed import by_name
from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.roles import Role
from hazwatch.core.clock import local_date
from hazwatch.core.context import Context
from hazwatch.emergency.readiness.models import EmergencyPlan
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.prevention.risks.models import RiskEvent
from hazwatch.registry.demo import DemoIds
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]


@pytest.fixture
def demo(context: Context) -> DemoIds:
    with context.unit_of_work() as session:
        return full_demo.load(session, Moment.of(context))


def _audited(context: Context, table: str, action: str, ident: int) -> list[dict[str, Any]]:
    with context.sessions() as session:
        return list(
            session.scalars(
                select(AuditEntry.changes).where(
                    AuditEntry.entity_type == table,
                    AuditEntry.action == action,
                    AuditEntry.entity_id == str(ident),
                )
            )
        )


def _refused(response: Any, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert error_code(response) == code
    if field is not None:
        assert response.json()["error"]["field"] == field


def test_a_tenants_plan_is_changed_and_retired_by_it_alone(
    client: TestClient, context: Context, login_as: Login, demo: DemoIds
) -> None:
    today = local_date(context.clock.now(), context.settings.timezone)
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    created = client.post(
        "/api/emergency/plans",
        json={
            "organisation_id": demo["lab"],
            "site_id": demo["plant"],  # the landlord's site, leased by the lab
            "title": "缺氧窒息专项应急预案",
            "approved_on": (today - timedelta(days=30)).isoformat(),
            "review_due": (today + timedelta(days=300)).isoformat(),
        },
        headers=lab,
    )
    assert created.status_code == 201, created.text
    plan = created.json()["id"]
    url = f"/api/emergency/plans/{plan}"
    # Others: the chemical plant does not see it, the landlord sees it and may not change it.
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    _refused(client.patch(url, json={"title": "x"}, headers=chem), 404, "scope.not_found")
    landlord = login_as(Role.LANDLORD, organisation_id=demo["landlord"])
    _refused(client.patch(url, json={"title": "x"}, headers=landlord), 403, "auth.read_only_role")
    _refused(client.post(f"{url}/retire", headers=landlord), 403, "auth.read_only_role")
    # Bad input names its field; nothing changes.
    past = (today - timedelta(days=1)).isoformat()
    _refused(
        client.patch(url, json={"review_due": past}, headers=lab),
        422,
        "readiness.date_in_past",
        "review_due",
    )
    future = (today + timedelta(days=3)).isoformat()
    _refused(
        client.patch(url, json={"approved_on": future}, headers=lab),
        422,
        "readiness.date_in_future",
        "approved_on",
    )
    assert client.patch(url, json={"title": ""}, headers=lab).status_code == 422
    assert client.patch(url, json={"organisation_id": demo["chem"]}, headers=lab).status_code == 422
    _refused(
        client.patch(url, json={"site_id": demo["chem_site"]}, headers=lab),
        404,
        "scope.not_found",
        "site_id",
    )
    with context.sessions() as session:
        row = session.get(EmergencyPlan, plan)
        assert row is not None and row.title == "缺氧窒息专项应急预案" and row.version == ""
    # A new version.
    changed = client.patch(
        url, json={"title": "缺氧窒息专项应急预案（修订）", "version": "V2"}, headers=lab
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["title"], changed.json()["version"]) == (
        "缺氧窒息专项应急预案（修订）",
        "V2",
    )
    (update,) = _audited(context, "emergency_plan", "update", plan)
    assert update["version"] == ["", "V2"]
    # Retired: off the list, still there (with ?retired=true), and no longer changeable.
    retired = client.post(f"{url}/retire", headers=lab)
    assert retired.status_code == 200 and retired.json()["retired_at"]
    listed = client.get("/api/emergency/plans", headers=lab).json()
    assert plan not in {p["id"] for p in listed}
    kept = client.get("/api/emergency/plans", params={"retired": "true"}, headers=lab).json()
    assert plan in {p["id"] for p in kept}
    _refused(client.patch(url, json={"version": "V3"}, headers=lab), 409, "readiness.plan_retired")
    _refused(client.post(f"{url}/retire", headers=lab), 409, "readiness.plan_retired")
    drill = client.post(
        "/api/emergency/drills",
        json={
            "organisation_id": demo["lab"],
            "site_id": demo["plant"],
            "title": "演练",
            "planned_for": (context.clock.now() + timedelta(days=2)).isoformat(),
            "plan_id": plan,
        },
        headers=lab,
    )
    _refused(drill, 409, "readiness.plan_retired", "plan_id")
    assert _audited(context, "emergency_plan", "update", plan)[-1]["retired_at"][0] is None


def test_accountable_persons_are_corrected_and_retired_with_their_checks_kept(
    client: TestClient, context: Context, login_as: Login, demo: DemoIds
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    farm = demo["ammonia_farm"]
    unit = client.get(f"/api/chemicals/units/{farm}", headers=chem).json()
    principal = next(p for p in unit["persons"] if p["role"] == "principal")
    url = f"/api/chemicals/persons/{principal['id']}"
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    _refused(client.patch(url, json={"phone": "1"}, headers=lab), 404, "scope.not_found")
    _refused(client.post(f"{url}/retire", headers=lab), 404, "scope.not_found")
    assert client.patch(url, json={"name": ""}, headers=chem).status_code == 422
    assert client.patch(url, json={"role": "technical"}, headers=chem).status_code == 422
    fixed = client.patch(url, json={"phone": "0574-8888-0001"}, headers=chem)
    assert fixed.status_code == 200 and fixed.json()["phone"] == "0574-8888-0001"
    client.post(f"{url}/checks", json={"note": "检查罐区"}, headers=chem)
    with context.sessions() as session:
        checks = session.scalar(select(func.count()).where(DutyCheck.person_id == principal["id"]))
    assert checks
    # The role passes to someone else: retire, then appoint.
    retired = client.post(f"{url}/retire", headers=chem)
    assert retired.status_code == 200 and retired.json()["retired_at"]
    unit = client.get(f"/api/chemicals/units/{farm}", headers=chem).json()
    assert "principal" not in {p["role"] for p in unit["persons"]}
    duty = next(d for d in unit["duties"] if d["role"] == "principal")
    assert duty["person"] is None
    _refused(client.post(f"{url}/checks", json={}, headers=chem), 409, "chemicals.person_retired")
    _refused(client.patch(url, json={"phone": "2"}, headers=chem), 409, "chemicals.person_retired")
    appointed = client.post(
        f"/api/chemicals/units/{farm}/persons",
        json={"role": "principal", "name": "新厂长"},
        headers=chem,
    )
    assert appointed.status_code == 201, appointed.text
    with context.sessions() as session:
        old = session.get(AccountablePerson, principal["id"])
        assert old is not None and old.retired_at is not None
        kept = session.scalar(select(func.count()).where(DutyCheck.person_id == old.id))
    assert kept == checks
    assert _audited(context, "major_hazard_person", "update", principal["id"])


def test_holdings_change_their_design_maximum_and_go_only_when_empty(
    client: TestClient, context: Context, login_as: Login, demo: DemoIds
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    farm = demo["ammonia_farm"]
    (ammonia,) = client.get(f"/api/chemicals/units/{farm}", headers=chem).json()["holdings"]
    url = f"/api/chemicals/holdings/{ammonia['id']}"
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    _refused(client.delete(url, headers=lab), 404, "scope.not_found")
    _refused(client.patch(url, json={"design_max_t": "50"}, headers=lab), 404, "scope.not_found")
    # Stock left in it: 409, nothing lost.
    _refused(client.delete(url, headers=chem), 409, "chemicals.holding_has_stock", "current_t")
    _refused(
        client.patch(url, json={"design_max_t": "10"}, headers=chem),
        422,
        "chemicals.over_design_max",
        "design_max_t",
    )
    for bad in ("-1", "NaN", "Infinity", "abc"):
        assert client.patch(url, json={"design_max_t": bad}, headers=chem).status_code == 422
    with context.sessions() as session:
        row = session.get(ChemicalHolding, ammonia["id"])
        assert row is not None and str(row.current_t) == ammonia["current_t"]
        assert row.design_max_t == Decimal(ammonia["design_max_t"])
    raised = client.patch(url, json={"design_max_t": "100"}, headers=chem)
    assert raised.status_code == 200 and raised.json()["design_max_t"] == "100"
    identification = client.get(f"/api/chemicals/units/{farm}/identification", headers=chem)
    assert identification.json()["s"] == "10"  # 100 t of ammonia, Q 10 t
    # An empty holding goes; the unit is identified again.
    with context.sessions() as session:
        nitrogen = by_name(session, "氮").id
    unit = client.post(
        "/api/chemicals/units",
        json={"organisation_id": demo["chem"], "site_id": demo["chem_site"], "name": "氮气站"},
        headers=chem,
    ).json()["id"]
    declared = client.put(
        f"/api/chemicals/units/{unit}/holdings",
        json={"chemical_id": nitrogen, "design_max_t": "5"},
        headers=chem,
    ).json()
    gone = client.delete(f"/api/chemicals/holdings/{declared['id']}", headers=chem)
    assert gone.status_code == 204, gone.text
    assert client.get(f"/api/chemicals/units/{unit}", headers=chem).json()["holdings"] == []
    (snapshot,) = _audited(context, "chemical_holding", "delete", declared["id"])
    assert snapshot["design_max_t"] == "5"


def test_risk_objects_and_events_are_changed_and_retired_off_the_register(
    client: TestClient, context: Context, login_as: Login, demo: DemoIds
) -> None:
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    obj = client.post(
        "/api/risks/objects",
        json={
            "organisation_id": demo["lab"],
            "site_id": demo["plant"],
            "name": "氮气汇流排",
            "room_id": demo["dry_room_2"],
        },
        headers=lab,
    ).json()
    event = client.post(
        f"/api/risks/objects/{obj['id']}/events",
        json={"title": "软管脱落", "method": "ls", "factors": {"L": "3", "S": "4"}},
        headers=lab,
    ).json()
    object_url, event_url = f"/api/risks/objects/{obj['id']}", f"/api/risks/events/{event['id']}"
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    _refused(client.patch(object_url, json={"name": "x"}, headers=chem), 404, "scope.not_found")
    _refused(client.post(f"{event_url}/retire", headers=chem), 404, "scope.not_found")
    landlord = login_as(Role.LANDLORD, organisation_id=demo["landlord"])
    _refused(
        client.patch(event_url, json={"title": "x"}, headers=landlord), 403, "auth.read_only_role"
    )
    # A room of another organisation, or not on the object's site: refused at the field.
    _refused(
        client.patch(object_url, json={"room_id": demo["tank_yard"]}, headers=lab),
        404,
        "scope.not_found",
        "room_id",
    )
    assert client.patch(object_url, json={"kind": "volcano"}, headers=lab).status_code == 422
    assert client.patch(event_url, json={"title": ""}, headers=lab).status_code == 422
    assert client.patch(event_url, json={"level": "blue"}, headers=lab).status_code == 422
    renamed = client.patch(
        object_url, json={"name": "氮气汇流排（2号）", "room_id": demo["dry_room_1"]}, headers=lab
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["room_id"] == demo["dry_room_1"]
    reworded = client.patch(event_url, json={"consequence": "缺氧窒息"}, headers=lab)
    assert reworded.status_code == 200 and reworded.json()["title"] == "软管脱落"
    # Retiring the event takes it off the register; its gradings stay.
    assert client.post(f"{event_url}/retire", headers=lab).status_code == 200
    listed = client.get("/api/risks/events", headers=lab).json()
    assert event["id"] not in {e["id"] for e in listed}
    detail = client.get(event_url, headers=lab).json()
    assert detail["retired_at"] and len(detail["assessments"]) == 1
    _refused(client.patch(event_url, json={"title": "y"}, headers=lab), 409, "risks.retired")
    _refused(
        client.post(f"{event_url}/assess", json={"factors": {"L": "1", "S": "1"}}, headers=lab),
        409,
        "risks.retired",
    )
    # Retiring the object takes its remaining events with it.
    second = client.post(
        f"/api/risks/objects/{obj['id']}/events",
        json={"title": "汇流排超压", "method": "ls", "factors": {"L": "2", "S": "2"}},
        headers=lab,
    ).json()
    assert client.post(f"{object_url}/retire", headers=lab).status_code == 200
    objects = client.get("/api/risks/objects", headers=lab).json()
    assert obj["id"] not in {o["id"] for o in objects}
    with context.sessions() as session:
        row = session.get(RiskEvent, second["id"])
        assert row is not None and row.retired_at is not None
    _refused(
        client.post(
            f"{object_url}/events",
            json={"title": "z", "method": "ls", "factors": {"L": "1", "S": "1"}},
            headers=lab,
        ),
        409,
        "risks.retired",
        "object_id",
    )
    assert _audited(context, "risk_object", "update", obj["id"])
    assert _audited(context, "risk_event", "update", second["id"])
