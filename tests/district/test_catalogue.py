"""The 禁限控 catalogue (issue 16 item 5): the demo draft shows the two enterprises it newly
affects before it is published; publishing supersedes the version in force (one in force);
conflicts are findings; only a draft changes; bad input names the field and stores nothing;
another district (or an enterprise) neither reads the draft nor changes anything."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.context import Context
from hazwatch.district.catalogue.models import CatalogueEntry, CatalogueVersion, RegisteredProcess
from hazwatch.registry import service as registry_service
from hazwatch.registry.demo import DemoIds, credit_code
from hazwatch.registry.resources import RESOURCES
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]
API = "/api/district/catalogue"


def _who(login_as: Login, demo: DemoIds) -> dict[str, dict[str, str]]:
    return {
        "regulator": login_as(
            Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
        ),
        "street": login_as(
            Role.REGULATOR, organisation_id=demo["street_office"], jurisdiction_id=demo["street"]
        ),
        "chem": login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"]),
        "lab": login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"]),
    }


def _count(context: Context, model: Any) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_draft_shows_who_it_newly_affects_before_it_is_published(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    who = _who(login_as, demo)
    draft = demo["catalogue_draft"]
    impact = client.get(f"{API}/versions/{draft}/impact", headers=who["regulator"]).json()
    assert impact["in_force_id"] == demo["catalogue_in_force"]
    newly = {(h["organisation"], h["item"], h["category"]) for h in impact["newly_affected"]}
    assert newly == {
        ("龙山印染有限公司", "活性染料重氮化偶合生产线", "restricted"),
        ("海港精细化工有限公司", "氨", "controlled"),
    }
    # chlorination is controlled by both versions: in force already, not new
    assert impact["conflicts"] == 3
    conflicts = client.get(f"{API}/conflicts", headers=who["regulator"]).json()
    assert [(h["item"], h["category"]) for h in conflicts] == [("氯代芳烃氯化生产线", "controlled")]
    findings = client.get("/api/registry/findings", headers=who["regulator"]).json()
    codes = {(f["code"], f["organisation_id"]) for f in findings}
    assert ("catalogue_controlled", demo["chem"]) in codes
    assert ("catalogue_restricted", demo["dyeworks"]) not in codes
    published = client.post(f"{API}/versions/{draft}/publish", headers=who["regulator"])
    assert published.status_code == 200 and published.json()["state"] == "published"
    states = {
        v["id"]: v["state"] for v in client.get(f"{API}/versions", headers=who["regulator"]).json()
    }
    assert states == {demo["catalogue_in_force"]: "superseded", draft: "published"}
    findings = client.get("/api/registry/findings", headers=who["regulator"]).json()
    codes = {(f["code"], f["organisation_id"]) for f in findings}
    assert ("catalogue_restricted", demo["dyeworks"]) in codes
    # only a draft changes
    again = client.post(f"{API}/versions/{draft}/publish", headers=who["regulator"])
    assert again.status_code == 409
    late = client.post(
        f"{API}/versions/{draft}/entries",
        json={"subject": "process", "category": "prohibited", "name": "硝化工艺"},
        headers=who["regulator"],
    )
    assert late.status_code == 409 and late.json()["error"]["field"] == "version_id"
    with context.sessions() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.entity_type == "catalogue_version", AuditEntry.entity_id == str(draft)
            )
        ).all()
    assert actions.count("update") >= 1


def test_a_new_draft_copies_the_version_in_force_and_bad_input_stores_nothing(
    client: TestClient, login_as: Login, demo: DemoIds, context: Context
) -> None:
    who = _who(login_as, demo)
    made = client.post(
        f"{API}/versions",
        json={"jurisdiction_id": demo["district"], "title": "2026年版"},
        headers=who["regulator"],
    )
    assert made.status_code == 201, made.text
    version = made.json()
    assert version["number"] == 3 and version["state"] == "draft"
    assert {e["name"] for e in version["entries"]} == {"氯化工艺", "光气"}
    before = _count(context, CatalogueEntry)
    for body, field in (
        ({"subject": "product", "category": "restricted", "name": "x", "cas": "7664-41-8"}, "cas"),
        ({"subject": "process", "category": "restricted", "name": "x", "cas": "7664-41-7"}, "cas"),
        (
            {"subject": "process", "category": "restricted", "name": "x", "process_code": "P19"},
            "process_code",
        ),
        ({"subject": "process", "category": "banned", "name": "x"}, "category"),
        ({"subject": "process", "category": "restricted", "name": " "}, "name"),
    ):
        refused = client.post(
            f"{API}/versions/{version['id']}/entries", json=body, headers=who["regulator"]
        )
        assert refused.status_code == 422, (body, refused.text)
        assert field in refused.json()["error"]["field"], (field, refused.text)
    assert _count(context, CatalogueEntry) == before
    park = client.post(
        f"{API}/versions",
        json={"jurisdiction_id": demo["park"], "title": "x"},
        headers=who["regulator"],
    )
    assert park.status_code == 422 and error_code(park) == "district.catalogue.district_only"
    wrong = client.post(
        f"{API}/processes",
        json={"organisation_id": demo["chem"], "name": "x", "process_code": "X1"},
        headers=who["chem"],
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "process_code"


def test_another_district_and_enterprises_read_no_draft_and_change_nothing(
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
    draft = demo["catalogue_draft"]
    before = (_count(context, CatalogueVersion), _count(context, CatalogueEntry))
    for headers in (outsider, who["street"], who["chem"]):
        assert client.get(f"{API}/versions/{draft}", headers=headers).status_code == 404
        assert client.get(f"{API}/versions/{draft}/impact", headers=headers).status_code == 404
        ids = {v["id"] for v in client.get(f"{API}/versions", headers=headers).json()}
        assert ids == {demo["catalogue_in_force"]}  # the version in force is public
        for method, path, body in (
            ("POST", f"{API}/versions/{draft}/publish", None),
            (
                "POST",
                f"{API}/versions/{draft}/entries",
                {"subject": "process", "category": "prohibited", "name": "x"},
            ),
            (
                "POST",
                f"{API}/versions",
                {"jurisdiction_id": demo["district"], "title": "x"},
            ),
        ):
            refused = client.request(method, path, json=body, headers=headers)
            assert refused.status_code in (403, 404), (method, path, refused.text)
    assert (_count(context, CatalogueVersion), _count(context, CatalogueEntry)) == before
    # the outsider manages its own district
    own = client.post(
        f"{API}/versions", json={"jurisdiction_id": other_id, "title": "x"}, headers=outsider
    )
    assert own.status_code == 201
    # an enterprise sees only its own conflicts and processes, and cannot remove another's
    assert client.get(f"{API}/conflicts", headers=who["lab"]).json() == []
    processes = client.get(f"{API}/processes", headers=who["chem"]).json()
    assert [p["name"] for p in processes] == ["氯代芳烃氯化生产线"]
    before_processes = _count(context, RegisteredProcess)
    gone = client.delete(f"{API}/processes/{processes[0]['id']}", headers=who["lab"])
    assert gone.status_code == 404
    assert _count(context, RegisteredProcess) == before_processes
