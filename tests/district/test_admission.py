"""Project admission review (issue 16 item 4): the demo project under joint review carries a
computed major-hazard flag (GB 18218: 30 t chlorine, S = 6) beside its key-supervised process
and chemical; opinions and the decision follow their rules; overdue opinions are findings
dispatched like every major finding; bad input names the field and stores nothing; another
district's regulator and another enterprise see and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch.chemicals.seed import by_table1
from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.core.errors import InvalidInput
from hazwatch.district.admission import processes
from hazwatch.district.admission.demo import CHLORINE
from hazwatch.district.admission.models import AdmissionProject, PlannedHolding, ReviewOpinion
from hazwatch.registry import service as registry_service
from hazwatch.registry.demo import DemoIds, credit_code
from hazwatch.registry.resources import RESOURCES
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]
API = "/api/district/admission"


def _chlorine(context: Context) -> int:
    with context.sessions() as session:
        return by_table1(session, CHLORINE).id


def _who(login_as: Login, demo: DemoIds) -> dict[str, dict[str, str]]:
    district = demo["district"]
    return {
        "ema": login_as(Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=district),
        "ecology": login_as(
            Role.REGULATOR, organisation_id=demo["ecology_bureau"], jurisdiction_id=district
        ),
        "economy": login_as(
            Role.REGULATOR, organisation_id=demo["economy_bureau"], jurisdiction_id=district
        ),
        "chem": login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"]),
        "lab": login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"]),
    }


def _count(context: Context, model: Any) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_eighteen_key_processes_with_their_sources() -> None:
    assert len(processes.KEY_PROCESSES) == 18
    assert processes.KEY_PROCESSES["P03"].name == "氯化工艺"
    assert {p.source for p in processes.KEY_PROCESSES.values()} == {
        processes.FIRST_BATCH,
        processes.SECOND_BATCH,
    }
    assert processes.check_codes(["p09", "P03", "P03"]) == ["P03", "P09"]
    with pytest.raises(InvalidInput) as unknown:
        processes.check_codes(["P19"])
    assert unknown.value.field == "key_processes"


def test_the_demo_project_is_flagged_a_major_hazard_by_computation(
    client: TestClient, login_as: Login, demo: DemoIds
) -> None:
    who = _who(login_as, demo)
    project = client.get(f"{API}/projects/{demo['admission_project']}", headers=who["ema"]).json()
    assert project["state"] == "under_review"
    flags = project["flags"]
    assert [p["code"] for p in flags["key_processes"]] == ["P03"]
    assert flags["key_processes"][0]["source"] == processes.FIRST_BATCH
    assert flags["key_chemicals"] == ["氯"]
    assert flags["major_hazard"] is True
    units = {u["unit"]: u for u in flags["units"]}
    assert units["液氯储存单元"]["s"] == "6" and units["液氯储存单元"]["major_hazard"] is True
    # α 1.5 for 60 people, β 4 for chlorine (Table 3): R = 1.5 · 4 · 6 = 36, level 3
    assert units["液氯储存单元"]["level"] == 3
    assert units["氯化反应单元"]["s"] == "0.2" and units["氯化反应单元"]["major_hazard"] is False
    verdicts = {o["department_id"]: o["verdict"] for o in project["opinions"]}
    assert verdicts == {
        demo["ema"]: "conditions",
        demo["ecology_bureau"]: "pending",
        demo["economy_bureau"]: "pending",
    }
    (point,) = client.get(f"{API}/points", headers=who["ema"]).json()
    assert point["flag"] == "major_hazard" and point["label"] == project["name"]


def test_a_project_through_review_to_a_conditional_approval(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    who = _who(login_as, demo)
    path = f"{API}/projects/{demo['admission_project']}"
    early = client.post(f"{path}/decision", json={"decision": "conditional"}, headers=who["ema"])
    assert early.status_code == 409 and error_code(early) == "district.admission.opinions_pending"
    # a department speaks only for itself
    wrong = client.post(
        f"{path}/opinions/{demo['ecology_bureau']}",
        json={"verdict": "agree"},
        headers=who["economy"],
    )
    assert wrong.status_code == 403 and wrong.json()["error"]["field"] == "department_id"
    bare = client.post(
        f"{path}/opinions/{demo['ecology_bureau']}",
        json={"verdict": "conditions"},
        headers=who["ecology"],
    )
    assert bare.status_code == 422 and bare.json()["error"]["field"] == "conditions"
    for department, headers in (
        ("ecology_bureau", who["ecology"]),
        ("economy_bureau", who["economy"]),
    ):
        given = client.post(
            f"{path}/opinions/{demo[department]}", json={"verdict": "agree"}, headers=headers
        )
        assert given.status_code == 200, given.text
    again = client.post(
        f"{path}/opinions/{demo['economy_bureau']}",
        json={"verdict": "reject"},
        headers=who["economy"],
    )
    assert again.status_code == 409
    # the lead's condition stands: a plain approval is refused
    plain = client.post(f"{path}/decision", json={"decision": "approved"}, headers=who["ema"])
    assert plain.status_code == 409 and plain.json()["error"]["field"] == "decision"
    by_other = client.post(
        f"{path}/decision", json={"decision": "conditional"}, headers=who["ecology"]
    )
    assert by_other.status_code == 403
    decided = client.post(
        f"{path}/decision",
        json={"decision": "conditional", "conditions": ["试生产前完成HAZOP分析"]},
        headers=who["ema"],
    )
    assert decided.status_code == 200, decided.text
    body = decided.json()
    assert body["state"] == "conditional" and len(body["conditions"]) == 3
    with context.sessions() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.entity_type == "admission_project",
                AuditEntry.entity_id == str(demo["admission_project"]),
            )
        ).all()
    assert "update" in actions


def test_a_draft_is_computed_from_its_inventory_and_bad_input_stores_nothing(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    who = _who(login_as, demo)
    chlorine = _chlorine(context)
    body = {
        "organisation_id": demo["chem"],
        "name": "液氯罐区改造",
        "key_processes": [],
        "holdings": [{"unit": "罐区", "chemical_id": chlorine, "design_max_t": "4.999"}],
    }
    made = client.post(f"{API}/projects", json=body, headers=who["chem"])
    assert made.status_code == 201, made.text
    assert made.json()["flags"]["major_hazard"] is False
    assert made.json()["flags"]["key_chemicals"] == ["氯"]
    project = made.json()["id"]
    # exactly Q: a major hazard (S ≥ 1 is inclusive)
    exact = client.put(
        f"{API}/projects/{project}/holdings",
        json={"holdings": [{"unit": "罐区", "chemical_id": chlorine, "design_max_t": "5"}]},
        headers=who["chem"],
    )
    assert exact.status_code == 200 and exact.json()["flags"]["major_hazard"] is True
    before = (_count(context, AdmissionProject), _count(context, PlannedHolding))
    cases: list[tuple[dict[str, Any], str]] = [
        ({**body, "key_processes": ["P99"]}, "key_processes"),
        ({**body, "lat": "95", "lon": "121"}, "lat"),
        ({**body, "lat": "29.9"}, "lon"),
        (
            {**body, "holdings": [{"unit": "x", "chemical_id": chlorine, "design_max_t": "-1"}]},
            "design_max_t",
        ),
        (
            {**body, "holdings": [{"unit": "x", "chemical_id": chlorine, "design_max_t": "NaN"}]},
            "design_max_t",
        ),
        ({**body, "name": " "}, "name"),
    ]
    for wrong, field in cases:
        refused = client.post(f"{API}/projects", json=wrong, headers=who["chem"])
        assert refused.status_code == 422, (wrong, refused.text)
        assert field in refused.json()["error"]["field"], (field, refused.text)
    twice = client.put(
        f"{API}/projects/{project}/holdings",
        json={"holdings": [body["holdings"][0], body["holdings"][0]]},
        headers=who["chem"],
    )
    assert twice.status_code == 422 and twice.json()["error"]["field"] == "holdings.1.chemical_id"
    assert (_count(context, AdmissionProject), _count(context, PlannedHolding)) == before
    # only a regulator opens the review; then the draft is frozen
    refused = client.post(
        f"{API}/projects/{project}/review",
        json={"lead_department_id": demo["ema"]},
        headers=who["chem"],
    )
    assert refused.status_code == 403
    opened = client.post(
        f"{API}/projects/{project}/review",
        json={"lead_department_id": demo["ema"], "department_ids": [demo["transport_bureau"]]},
        headers=who["ema"],
    )
    assert opened.status_code == 200 and len(opened.json()["opinions"]) == 2
    frozen = client.patch(f"{API}/projects/{project}", json={"name": "x"}, headers=who["chem"])
    assert frozen.status_code == 409 and frozen.json()["error"]["field"] == "state"
    not_a_department = client.post(
        f"{API}/projects",
        json=body,
        headers=who["chem"],
    ).json()["id"]
    wrong_lead = client.post(
        f"{API}/projects/{not_a_department}/review",
        json={"lead_department_id": demo["lab"]},
        headers=who["ema"],
    )
    assert wrong_lead.status_code == 422
    assert wrong_lead.json()["error"]["field"] == "lead_department_id"


def test_overdue_opinions_are_findings_dispatched_for_a_flagged_project(
    client: TestClient, login_as: Login, demo: DemoIds, clock: ManualClock
) -> None:
    who = _who(login_as, demo)
    # opened Friday 7 Feb (Shanghai); Saturday 8 Feb is a make-up working day (调休), so ten
    # working days run to the end of Thursday 20 Feb
    clock.set(datetime(2025, 2, 20, 15, 59, tzinfo=UTC))
    who = _who(login_as, demo)
    codes = {f["code"] for f in client.get("/api/registry/findings", headers=who["ema"]).json()}
    assert "admission_opinion_overdue" not in codes
    clock.set(datetime(2025, 2, 20, 16, 1, tzinfo=UTC))
    who = _who(login_as, demo)
    late = [
        f
        for f in client.get("/api/registry/findings", headers=who["ema"]).json()
        if f["code"] == "admission_opinion_overdue"
    ]
    assert {f["severity"] for f in late} == {"major"}
    assert sorted(f["params"]["department"] for f in late) == [
        "海港区经济和信息化局",
        "海港生态环境分局",
    ]
    assert all(f["organisation_id"] == demo["chem"] for f in late)
    scanned = client.post("/api/supervision/dispatches/scan", headers=who["ema"])
    assert scanned.status_code == 200
    orders = [o for o in scanned.json() if "admission_opinion_overdue" in o["source_key"]]
    assert len(orders) == 1 and orders[0]["organisation_id"] == demo["chem"]


def test_other_tenants_see_and_change_nothing(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    who = _who(login_as, demo)
    with context.unit_of_work(SYSTEM) as session:
        other = registry_service.create_object(
            session,
            SYSTEM,
            RESOURCES["jurisdictions"],
            {"name": "山城区", "kind": "district", "code": "330298"},
        )
        bureau = registry_service.create_object(
            session,
            SYSTEM,
            RESOURCES["organisations"],
            {
                "kind": "regulator",
                "name": "山城区应急管理局",
                "credit_code": credit_code("11330298MB1A00001"),
                "jurisdiction_id": other.id,
                "department_function": "emergency_management",
            },
        )
        other_id, bureau_id = other.id, bureau.id
    outsider = login_as(Role.REGULATOR, organisation_id=bureau_id, jurisdiction_id=other_id)
    path = f"{API}/projects/{demo['admission_project']}"
    for headers in (outsider, who["lab"]):
        assert client.get(f"{API}/projects", headers=headers).json() == []
        assert client.get(path, headers=headers).status_code == 404
        assert client.get(f"{API}/points", headers=headers).json() == []
    before = (_count(context, ReviewOpinion), _count(context, AuditEntry))
    for headers in (outsider, who["lab"]):
        opinion = client.post(
            f"{path}/opinions/{demo['ecology_bureau']}", json={"verdict": "agree"}, headers=headers
        )
        assert opinion.status_code == 404
        decision = client.post(
            f"{path}/decision", json={"decision": "rejected", "note": "x"}, headers=headers
        )
        assert decision.status_code == 404
    assert (_count(context, ReviewOpinion), _count(context, AuditEntry)) == before
    # the enterprise reads its own project but gives no department's opinion
    assert client.get(path, headers=who["chem"]).status_code == 200
    own = client.post(
        f"{path}/opinions/{demo['ecology_bureau']}", json={"verdict": "agree"}, headers=who["chem"]
    )
    assert own.status_code == 403
