"""Hazardous-waste transfer manifests (issue 16 item 1): catalogue codes, working days on
the holiday calendar, the hand-over order and parties, reconciliation findings, tenancy,
bad input and retention."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.clock import ManualClock
from hazwatch.core.context import Context
from hazwatch.core.errors import Conflict, InvalidInput
from hazwatch.district.calendar import add_working_days
from hazwatch.district.holidays import HOLIDAYS_2025
from hazwatch.district.waste import codes
from hazwatch.district.waste.models import WasteManifest
from hazwatch.registry.demo import DemoIds
from tests.conftest import error_code
from tests.district.conftest import refused_naming, stored

Login = Callable[..., dict[str, str]]
#: Bearer headers by the part each person plays.
People = dict[str, dict[str, str]]
MANIFESTS = "/api/district/waste/manifests"


@pytest.mark.parametrize("code", ["900-041-49", "900-249-08", "261-084-45", "772-006-01"])
def test_catalogue_codes_are_accepted(code: str) -> None:
    assert codes.check_code(code) == code


@pytest.mark.parametrize(
    "code", ["90004149", "900-41-49", "900-041-4", "900-041-51", "900-041-00", "900-041-43", "x"]
)
def test_malformed_codes_and_unused_categories_are_refused(code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        codes.check_code(code)
    assert refused.value.field == "waste_code"


def test_a_licence_category_covers_its_codes() -> None:
    assert codes.covers(["HW49"], "900-041-49")
    assert not codes.covers(["HW08"], "900-041-49")
    assert codes.covers(["900-041-49"], "900-041-49")


def test_working_days_follow_the_holiday_calendar() -> None:
    """Friday 7 Feb 2025: Saturday 8 Feb is a make-up working day (国办发明电〔2024〕12号),
    so five working days end on Thursday 13 Feb, not Friday 14; from 27 Jan the Spring
    Festival holiday (28 Jan – 4 Feb) is skipped."""
    known = {day: working for day, working, _ in HOLIDAYS_2025}
    assert add_working_days(date(2025, 2, 7), 5, {}) == date(2025, 2, 14)
    assert add_working_days(date(2025, 2, 7), 5, known) == date(2025, 2, 13)
    assert add_working_days(date(2025, 1, 27), 1, known) == date(2025, 2, 5)


@pytest.fixture
def who(login_as: Login, demo: DemoIds) -> People:
    """Everyone's headers as the test starts (a token lives a day: after moving the clock
    further, :func:`_parties` again)."""
    return _parties(login_as, demo)


def _parties(login_as: Login, demo: DemoIds) -> People:
    return {
        "producer": login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"]),
        "carrier": login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["carrier"]),
        "receiver": login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["disposer"]),
        "regulator": login_as(
            Role.REGULATOR, organisation_id=demo["ema"], jurisdiction_id=demo["district"]
        ),
        "lab": login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"]),
    }


def _body(demo: DemoIds, **changes: Any) -> dict[str, Any]:
    return {
        "organisation_id": demo["chem"],
        "carrier_id": demo["carrier"],
        "receiver_id": demo["disposer"],
        "vehicle_plate": "浙B·D0999",
        "waste_code": "900-249-08",
        "waste_name": "废矿物油",
        "quantity_kg": "1000",
        **changes,
    }


def test_the_demo_manifest_fails_reconciliation(
    client: TestClient, who: People, demo: DemoIds
) -> None:
    shown = client.get(f"{MANIFESTS}/{demo['manifest_short']}", headers=who["regulator"])
    assert shown.status_code == 200, shown.text
    manifest = shown.json()
    assert manifest["state"] == "received" and manifest["fails_reconciliation"] is True
    assert Decimal(manifest["mismatches"]["receipt"]) == Decimal("1850")
    assert "pickup" not in manifest["mismatches"]
    findings = client.get(
        "/api/registry/findings",
        params={"code": "waste_quantity_mismatch"},
        headers=who["regulator"],
    ).json()
    assert [f["object_id"] for f in findings] == [demo["manifest_short"]]
    assert "1850" in findings[0]["message"]


def test_hand_overs_in_order_by_the_taking_party(
    client: TestClient, who: People, demo: DemoIds
) -> None:
    made = client.post(MANIFESTS, json=_body(demo), headers=who["producer"])
    assert made.status_code == 201, made.text
    manifest = made.json()
    path = f"{MANIFESTS}/{manifest['id']}/handovers"
    before = stored(client, WasteManifest)
    # out of order: the receiver cannot confirm before the carrier picked it up
    early = client.post(
        path, json={"step": "receipt", "quantity_kg": "1000"}, headers=who["receiver"]
    )
    assert early.status_code == 409 and early.json()["error"]["field"] == "step"
    assert error_code(early) == "district.waste.out_of_order"
    # the wrong party: the producer (or a regulator) cannot confirm the carrier's pick-up
    for wrong in ("producer", "regulator", "receiver"):
        refused = client.post(
            path, json={"step": "pickup", "quantity_kg": "1000"}, headers=who[wrong]
        )
        assert refused.status_code == 403, (wrong, refused.text)
        assert refused.json()["error"]["field"] == "carrier_id"
    # one trip per vehicle: the same plate cannot start another manifest meanwhile
    again = client.post(MANIFESTS, json=_body(demo), headers=who["producer"])
    assert again.status_code == 409 and again.json()["error"]["field"] == "vehicle_plate"
    assert stored(client, WasteManifest) == before
    picked = client.post(
        path, json={"step": "pickup", "quantity_kg": "1000"}, headers=who["carrier"]
    )
    assert picked.status_code == 200 and picked.json()["state"] == "in_transit"
    # the 2·7 morning is a Friday; Saturday 8 Feb 2025 is a make-up working day: due the 13th
    assert picked.json()["due_at"].startswith("2025-02-13T16:00:00")
    got = client.post(path, json={"step": "receipt", "quantity_kg": "995"}, headers=who["receiver"])
    assert got.status_code == 200, got.text
    assert got.json()["state"] == "received" and got.json()["fails_reconciliation"] is False
    done = client.post(
        path, json={"step": "receipt", "quantity_kg": "995"}, headers=who["receiver"]
    )
    assert done.status_code == 409


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"waste_code": "900-041-43"}, "waste_code"),
        ({"waste_code": "90004149"}, "waste_code"),
        ({"quantity_kg": "-5"}, "quantity_kg"),
        ({"quantity_kg": "0"}, "quantity_kg"),
        ({"quantity_kg": "NaN"}, "quantity_kg"),
        ({"quantity_kg": "Infinity"}, "quantity_kg"),
        ({"receiver_id": "own"}, "receiver_id"),
        ({"paper_number": "P-1"}, "completed_on"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    client: TestClient,
    who: People,
    demo: DemoIds,
    changes: dict[str, Any],
    field: str,
) -> None:
    if changes.get("receiver_id") == "own":
        changes = {"receiver_id": demo["chem"]}
    body = _body(demo, **changes)
    refused_naming(client, MANIFESTS, body, who["producer"], field, WasteManifest)


def test_bad_hand_over_quantities_are_refused(
    client: TestClient, who: People, demo: DemoIds
) -> None:
    path = f"{MANIFESTS}/{demo['manifest_on_road']}/handovers"
    before = stored(client, WasteManifest)
    for quantity in ("-1", "NaN", "1e12"):
        refused = client.post(
            path, json={"step": "receipt", "quantity_kg": quantity}, headers=who["receiver"]
        )
        assert refused.status_code == 422 and refused.json()["error"]["field"] == "quantity_kg"
    future = client.post(
        path,
        json={"step": "receipt", "quantity_kg": "1500", "at": "2030-01-01T00:00:00Z"},
        headers=who["receiver"],
    )
    assert future.status_code == 422 and future.json()["error"]["field"] == "at"
    assert stored(client, WasteManifest) == before


def test_manifests_are_seen_only_by_their_parties_and_regulators(
    client: TestClient, who: People, demo: DemoIds
) -> None:
    assert client.get(MANIFESTS, headers=who["lab"]).json() == []
    hidden = client.get(f"{MANIFESTS}/{demo['manifest_short']}", headers=who["lab"])
    assert hidden.status_code == 404
    pickup = client.post(
        f"{MANIFESTS}/{demo['manifest_on_road']}/handovers",
        json={"step": "receipt", "quantity_kg": "1500"},
        headers=who["lab"],
    )
    assert pickup.status_code == 404
    for party in ("producer", "carrier", "receiver", "regulator"):
        seen = {m["id"] for m in client.get(MANIFESTS, headers=who[party]).json()}
        assert {demo["manifest_short"], demo["manifest_on_road"]} <= seen, party


def test_overdue_late_and_unlicensed_are_findings(
    client: TestClient, login_as: Login, who: People, demo: DemoIds, clock: ManualClock
) -> None:
    # a receiver licensed for HW08 and HW49 only: HW45 has no licensed receiver
    made = client.post(
        MANIFESTS,
        json=_body(demo, waste_code="261-084-45", vehicle_plate="浙B·D0777"),
        headers=who["producer"],
    )
    assert made.status_code == 201, made.text
    findings = client.get("/api/registry/findings", headers=who["regulator"]).json()
    unlicensed = {(f["code"], f["object_id"]) for f in findings if f["severity"] == "major"}
    assert ("waste_receiver_unlicensed", made.json()["id"]) in unlicensed
    assert ("waste_carrier_unlicensed", made.json()["id"]) in unlicensed
    # the load on the road: picked up on Friday 7 Feb, due at the end of Thursday 13 Feb
    clock.set(datetime(2025, 2, 13, 15, 59, tzinfo=UTC))
    who = _parties(login_as, demo)  # (a token lives a day)
    codes_now = {
        f["code"] for f in client.get("/api/registry/findings", headers=who["regulator"]).json()
    }
    assert "waste_manifest_overdue" not in codes_now
    clock.set(datetime(2025, 2, 13, 16, 1, tzinfo=UTC))
    overdue = [
        f
        for f in client.get("/api/registry/findings", headers=who["regulator"]).json()
        if f["code"] == "waste_manifest_overdue"
    ]
    assert [f["object_id"] for f in overdue] == [demo["manifest_on_road"]]
    assert overdue[0]["organisation_id"] == demo["disposer"]
    late = client.post(
        f"{MANIFESTS}/{demo['manifest_on_road']}/handovers",
        json={"step": "receipt", "quantity_kg": "1500", "at": "2025-02-07T03:00:00Z"},
        headers=who["receiver"],
    )
    assert late.status_code == 200 and late.json()["late"] is True


def test_a_paper_manifest_is_back_filled_within_ten_working_days(
    client: TestClient, login_as: Login, demo: DemoIds, clock: ManualClock
) -> None:
    clock.set(datetime(2025, 2, 20, 2, 0, tzinfo=UTC))
    who = _parties(login_as, demo)
    paper = client.post(
        MANIFESTS,
        json=_body(demo, paper_number="ZJ-P-0001", completed_on="2025-02-06"),
        headers=who["producer"],
    )
    assert paper.status_code == 201, paper.text
    # 6 Feb + 10 working days (8 Feb a make-up day): 7, 8, 10 … 19 Feb; back-filled the 20th
    assert paper.json()["due_at"].startswith("2025-02-19T16:00:00")
    assert paper.json()["overdue"] is True
    path = f"{MANIFESTS}/{paper.json()['id']}/handovers"
    for step, party in (("pickup", "carrier"), ("receipt", "receiver")):
        done = client.post(
            path,
            json={"step": step, "quantity_kg": "1000", "at": "2025-02-06T02:00:00Z"},
            headers=who[party],
        )
        assert done.status_code == 200, done.text
    assert done.json()["late"] is True and done.json()["overdue"] is False


def test_manifests_are_never_deleted(client: TestClient, context: Context, demo: DemoIds) -> None:
    """Kept at least ten years: no route deletes one, and the model refuses it."""
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    assert not [p for p, ops in paths.items() if "/waste/" in p and "delete" in ops]
    with pytest.raises(Conflict), context.unit_of_work(SYSTEM) as session:
        session.delete(session.get(WasteManifest, demo["manifest_short"]))
        session.flush()


def test_each_change_is_audited(
    client: TestClient, who: People, demo: DemoIds, context: Context
) -> None:
    made = client.post(
        MANIFESTS, json=_body(demo, vehicle_plate="浙B·D0888"), headers=who["producer"]
    )
    assert made.status_code == 201
    with context.sessions() as session:
        entries = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity_type == "waste_manifest",
                AuditEntry.entity_id == str(made.json()["id"]),
            )
        ).all()
    assert [e.action for e in entries] == ["create"]
    assert entries[0].actor != "system"


def test_the_holiday_calendar_is_the_platform_administrators(
    client: TestClient, login_as: Login, who: People
) -> None:
    refused = client.put(
        "/api/district/calendar/2025-02-10", json={"working": False}, headers=who["regulator"]
    )
    assert refused.status_code == 403
    admin = login_as(Role.PLATFORM_ADMIN)
    made = client.put(
        "/api/district/calendar/2025-02-10", json={"working": False, "name": "test"}, headers=admin
    )
    assert made.status_code == 200
    days = client.get(
        "/api/district/calendar", params={"year": 2025}, headers=who["regulator"]
    ).json()
    assert {"day": "2025-02-10", "working": False, "name": "test"} in days
    assert client.delete("/api/district/calendar/2025-02-10", headers=admin).status_code == 204
