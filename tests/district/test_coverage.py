"""Coverage indicators (issue 16 item 6): the demo district's four indicators with their
numerators, denominators, targets and gaps, per district and department (the bureau's 3 of 4
qualified officers meet 75 % exactly: inclusive); the monthly report carries them; bad input;
tenancy."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.roles import Role
from hazwatch.core.context import Context
from hazwatch.district.coverage.models import EnforcementOfficer, SafetyServiceContract
from hazwatch.registry.demo import DemoIds
from hazwatch.supervision.models import SupervisionTask

Login = Callable[..., dict[str, str]]
API = "/api/district/coverage"


def _regulator(login_as: Login, demo: DemoIds) -> dict[str, str]:
    return login_as(Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"])


def _district(figures: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return next(f for f in figures if f["key"] == key and f["department_id"] is None)


def test_each_indicator_with_its_gaps(client: TestClient, login_as: Login, demo: DemoIds) -> None:
    figures = client.get(API, headers=_regulator(login_as, demo)).json()
    managers = _district(figures, "safety_manager")
    assert (managers["numerator"], managers["denominator"]) == (2, 6)
    assert managers["target_percent"] == "100" and managers["met"] is False
    assert "第11条" in managers["source"]
    assert {g["name"] for g in managers["gaps"]} >= {"银杉新材料科技有限公司", "速达气体经营部"}
    service = _district(figures, "social_service")
    assert (service["numerator"], service["denominator"]) == (2, 6)
    assert "晨光储能科技有限公司" in {g["name"] for g in service["gaps"]}
    training = _district(figures, "vocational_training")
    assert (training["numerator"], training["target_percent"]) == (17, "60")
    assert training["rate_percent"] == str(
        (Decimal(17 * 100) / training["denominator"]).quantize(Decimal("0.1"))
    )
    reasons = {g["name"]: g["reason_label"] for g in training["gaps"]}
    assert reasons["海港精细化工有限公司"] == "已培训 0/220 人"
    assert reasons["东海工业气体有限公司"] == "未登记从业人数"
    assert reasons["晨光储能科技有限公司"] == "已培训 0/12 人"
    assert "蓝海检测技术有限公司" not in reasons  # 12 of 20 trained: 60 % is met
    staff = _district(figures, "enforcement_staff")
    assert (staff["numerator"], staff["denominator"], staff["met"]) == (4, 6, False)
    assert {g["name"] for g in staff["gaps"]} == {"郑洁", "何平"}
    bureau = next(
        f for f in figures if f["key"] == "enforcement_staff" and f["department_id"] == demo["ema"]
    )
    # 3 of 4 is exactly the target: "不低于75%" is met
    assert (bureau["numerator"], bureau["denominator"], bureau["rate_percent"]) == (3, 4, "75.0")
    assert bureau["met"] is True


def test_the_monthly_report_carries_the_indicators(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    with context.sessions() as session:
        task = session.scalar(
            select(SupervisionTask).where(
                SupervisionTask.jurisdiction_id == demo["district"], SupervisionTask.number == 19
            )
        )
        assert task is not None and "coverage_enforcement_staff" in task.indicators
        task_id = task.id
    lead = login_as(
        Role.REGULATOR,
        organisation_id=demo["ema"],
        jurisdiction_id=demo["district"],
        language="en",
    )
    report = client.post(
        f"/api/supervision/tasks/{task_id}/progress",
        json={"period": "2025-02-01", "status": "in_progress", "progress": "officers trained"},
        headers=lead,
    )
    assert report.status_code == 201, report.text
    figure = report.json()["indicators"]["coverage_enforcement_staff"]
    assert (figure["numerator"], figure["denominator"], figure["missing"]) == (4, 6, 2)
    assert figure["value"] == "66.7" and figure["target"] == "75"
    annex = client.get(
        "/api/supervision/tasks/annex2.xlsx", params={"month": "2025-02-01"}, headers=lead
    )
    assert annex.status_code == 200


def _count(context: Context) -> tuple[int, int, int]:
    with context.sessions() as session:
        return tuple(  # type: ignore[return-value]
            int(session.scalar(select(func.count()).select_from(m)) or 0)
            for m in (EnforcementOfficer, SafetyServiceContract, AuditEntry)
        )


@pytest.mark.parametrize(
    ("path", "changes", "field"),
    [
        ("officers", {"experience_years": "-1"}, "experience_years"),
        ("officers", {"experience_years": "NaN"}, "experience_years"),
        ("officers", {"experience_years": "Infinity"}, "experience_years"),
        ("contracts", {"valid_until": "2024-01-01"}, "valid_until"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    client: TestClient,
    login_as: Login,
    demo: DemoIds,
    context: Context,
    path: str,
    changes: dict[str, Any],
    field: str,
) -> None:
    bodies = {
        "officers": {"organisation_id": demo["ema"], "name": "x", "safety_related": True},
        "contracts": {
            "organisation_id": demo["ema"],
            "provider": "x",
            "valid_from": "2025-01-01",
            "valid_until": "2025-12-31",
        },
    }
    regulator = _regulator(login_as, demo)
    before = _count(context)
    refused = client.post(f"{API}/{path}", json={**bodies[path], **changes}, headers=regulator)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["field"] == field
    assert _count(context) == before


def test_tenancy(client: TestClient, login_as: Login, demo: DemoIds, context: Context) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    assert client.get(API, headers=chem).status_code == 403
    before = _count(context)
    officer = {"organisation_id": demo["ema"], "name": "x"}
    assert client.post(f"{API}/officers", json=officer, headers=chem).status_code in (403, 404)
    contract = {
        "organisation_id": demo["lab"],
        "provider": "x",
        "valid_from": "2025-01-01",
        "valid_until": "2025-12-31",
    }
    assert client.post(f"{API}/contracts", json=contract, headers=chem).status_code == 404
    assert _count(context) == before
    own = client.post(
        f"{API}/contracts", json={**contract, "organisation_id": demo["chem"]}, headers=chem
    )
    assert own.status_code == 201
    seen = {c["organisation"] for c in client.get(f"{API}/contracts", headers=chem).json()}
    assert seen == {"海港精细化工有限公司"}  # not the gas company's
    # a new officer of the transport bureau, qualified: the district reaches 5 of 7
    regulator = _regulator(login_as, demo)
    added = client.post(
        f"{API}/officers",
        json={
            "organisation_id": demo["transport_bureau"],
            "name": "王新",
            "safety_related": True,
            "experience_years": "2",
        },
        headers=regulator,
    )
    assert added.status_code == 201, added.text
    staff = _district(client.get(API, headers=regulator).json(), "enforcement_staff")
    assert (staff["numerator"], staff["denominator"]) == (5, 7)
    with context.sessions() as session:
        assert session.scalar(
            select(func.count()).where(AuditEntry.entity_type == "enforcement_officer")
        )
