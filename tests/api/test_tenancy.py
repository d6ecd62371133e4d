"""Tenancy over every write endpoint and every reference it takes (issue 11).

The write operations are enumerated from the app's OpenAPI schema, so a new endpoint without
a case here fails :func:`test_every_write_endpoint_has_a_tenancy_case`. For each case an
enterprise administrator of the chemical plant (``chem``) points each reference (a body field
or a path parameter) at an object of another organisation — the lab, its landlord, the gas
company — and must get a 4xx naming the field (or a 403/404), with nothing stored.

Fields that name the *other party* of a lease or supply (``lessee_id``, ``customer_id``) are
allowed: the link is stored pending, grants nothing until that party confirms it, and the
test checks exactly that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from hazwatch import demo as full_demo
from hazwatch.chemicals import service as chemicals
from hazwatch.chemicals.choices import PersonRole
from hazwatch.chemicals.models import ChemicalHolding
from hazwatch.chemicals.schemas import ChemicalIn, HoldingIn, PersonIn, UnitIn
from hazwatch.chemicals.seed import by_table1
from hazwatch.core.auth.models import AccessToken, UserAccount
from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.core.clock import local_date
from hazwatch.core.context import Context
from hazwatch.core.db import Base
from hazwatch.district.admission import service as admission
from hazwatch.district.catalogue import service as catalogue
from hazwatch.district.coverage.models import EnforcementOfficer
from hazwatch.district.resources import service as resources
from hazwatch.district.resources.choices import DispatchPurpose
from hazwatch.district.waste import service as waste
from hazwatch.district.waste.choices import WasteLicenceKind
from hazwatch.emergency import service as emergency
from hazwatch.emergency.readiness import service as readiness
from hazwatch.emergency.readiness.choices import EquipmentKind
from hazwatch.emergency.readiness.models import Drill, EmergencyPlan, Equipment
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.models import Alarm, Device, MeasurementPoint
from hazwatch.monitoring.schemas import DeviceIn
from hazwatch.prevention import service as permits
from hazwatch.prevention.hazard_findings.models import HazardFinding
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.prevention.inspections import service as inspections
from hazwatch.prevention.inspections.models import (
    ChecklistTemplate,
    InspectionPlan,
    InspectionPoint,
    InspectionRecord,
)
from hazwatch.prevention.inspections.schemas import ItemIn, TemplateIn
from hazwatch.prevention.inspections.schemas import PointIn as InspectionPointIn
from hazwatch.prevention.odh import service as odh
from hazwatch.prevention.odh.choices import SafeguardKind
from hazwatch.prevention.odh.schemas import SafeguardIn
from hazwatch.prevention.risks.models import RiskEvent, RiskObject
from hazwatch.registry import service as registry_service
from hazwatch.registry.demo import DemoIds, credit_code
from hazwatch.registry.landlord.models import TenantInspection
from hazwatch.registry.resources import RESOURCES
from hazwatch.supervision import codes, credit, dispatch, grading, incidents
from hazwatch.supervision.choices import CodeSubject, DispatchSource, IncidentKind
from hazwatch.supervision.models import FeedSubscription, SupervisionTask
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]

#: Write operations with no reference into an organisation's data, and why.
EXEMPT = {
    ("POST", "/api/auth/login"): "credentials only",
    ("POST", "/api/auth/logout"): "ends the caller's own session",
    ("POST", "/api/auth/tokens"): "a token of the caller's own account",
    ("POST", "/api/ingest/readings"): "device token; a device writes only its site's points",
    ("POST", "/api/access/check"): "tests/monitoring/test_access.py scopes it by caller",
    ("POST", "/api/supervision/dispatches/scan"): "no reference; regulators only "
    "(tests/supervision/test_dispatch.py)",
    ("POST", "/api/supervision/rules/preview"): "stores nothing; regulators only "
    "(tests/supervision/test_rating.py)",
    ("POST", "/api/supervision/codes/refresh"): "no reference; regulators only "
    "(tests/supervision/test_rating.py)",
    ("POST", "/api/supervision/points/scan"): "no reference; regulators only, answers only "
    "the points of organisations the caller sees (tests/supervision/test_point_triggers.py)",
    ("POST", "/api/supervision/import/organisations"): "a file; regulators only; its rows "
    "name jurisdictions by code, checked against the caller's area "
    "(tests/supervision/test_interconnect.py)",
    ("PUT", "/api/district/calendar/{day}"): "the national holiday calendar; platform "
    "administrator only (tests/district/test_waste.py)",
    ("DELETE", "/api/district/calendar/{day}"): "the national holiday calendar; platform "
    "administrator only (tests/district/test_waste.py)",
    ("POST", "/api/ingest/positions"): "device token; a device reports only its carrier's "
    "vehicles (tests/district/test_transport_ingest.py)",
    ("PUT", "/api/district/map/parks/{jurisdiction_id}/outline"): "a regulator of the area "
    "only (tests/district/test_map.py)",
    ("POST", "/api/district/waste/stores/{store_id}/points"): "the store and the point each "
    "writable and of one organisation and site (tests/district/test_waste_store.py)",
}


@dataclass
class World:
    """Ids of the attacker's own objects (``own``) and of other organisations' (``other``)."""

    own: dict[str, Any]
    other: dict[str, Any]
    demo: DemoIds


@dataclass
class Case:
    """One write operation: a body valid for the attacker's own objects, its own path
    parameters, and for each reference the change that points it elsewhere."""

    path: dict[str, str] = field(default_factory=dict)
    body: Callable[[World], dict[str, Any]] | None = None
    #: reference → (world → changes to the body); ``None`` in the changes drops a field.
    refs: dict[str, Callable[[World], dict[str, Any]]] = field(default_factory=dict)
    #: path parameter → key of ``World.other`` it is pointed at.
    path_refs: dict[str, str] = field(default_factory=dict)
    #: references that name the other party of a link: allowed, stored pending.
    counterparties: dict[str, str] = field(default_factory=dict)
    multipart: bool = False


def to(key: str, name: str | None = None) -> Callable[[World], dict[str, Any]]:
    """Point body field ``name`` (default: the reference itself) at ``other[key]``."""

    def change(world: World, _name: str | None = name) -> dict[str, Any]:
        return {"__field__": world.other[key]} if _name is None else {_name: world.other[key]}

    return change


def registry(
    body: Callable[[World], dict[str, Any]],
    refs: dict[str, Callable[[World], dict[str, Any]]],
    own_key: str,
    other_key: str,
    counterparties: dict[str, str] | None = None,
    links: bool = False,
    extra: Callable[[World], dict[str, Any]] | None = None,
) -> dict[tuple[str, str], Case]:
    """The generated endpoints of one registry resource."""
    kind = own_key
    if extra is not None:
        plain = body

        def body(world: World) -> dict[str, Any]:
            return {**plain(world), **extra(world)}

    cases = {
        ("POST", f"/api/registry/{kind}"): Case(
            body=body, refs=refs, counterparties=counterparties or {}
        ),
        ("PATCH", f"/api/registry/{kind}/{{ident}}"): Case(
            path={"ident": kind},
            body=lambda _w: {},
            refs=refs,
            path_refs={"ident": other_key},
        ),
        ("DELETE", f"/api/registry/{kind}/{{ident}}"): Case(
            path={"ident": kind}, path_refs={"ident": other_key}
        ),
    }
    if links:
        for action in ("confirm", "decline"):
            cases[("POST", f"/api/registry/{kind}/{{ident}}/{action}")] = Case(
                path={"ident": kind}, path_refs={"ident": other_key}
            )
    return cases


def _b(**values: Any) -> Callable[[World], dict[str, Any]]:
    """A body whose string values naming ``own.<key>`` are replaced by that id."""

    def build(world: World) -> dict[str, Any]:
        return {
            k: world.own[v[4:]] if isinstance(v, str) and v.startswith("own.") else v
            for k, v in values.items()
        }

    return build


CASES: dict[tuple[str, str], Case] = {
    **registry(
        _b(kind="city", name="x"),
        {"parent_id": to("jurisdiction")},
        "jurisdictions",
        "jurisdiction",
    ),
    **registry(
        _b(kind="enterprise", name="x", credit_code=credit_code("91330200MA2XXXXX0")),
        {"jurisdiction_id": to("jurisdiction")},
        "organisations",
        "organisation",
    ),
    **registry(
        _b(organisation_id="own.organisation", name="x"),
        {"organisation_id": to("organisation")},
        "sites",
        "site",
    ),
    **registry(
        _b(site_id="own.site", organisation_id="own.organisation", name="x"),
        {"site_id": to("site"), "organisation_id": to("organisation")},
        "buildings",
        "building",
    ),
    **registry(
        _b(
            building_id="own.building",
            organisation_id="own.organisation",
            name="x",
            free_volume_m3="10",
        ),
        {"building_id": to("building"), "organisation_id": to("organisation")},
        "rooms",
        "room",
    ),
    **registry(
        _b(room_id="own.room", kind="toxic_gas", substance="NH3"),
        {"room_id": to("room"), "supply_id": to("supply")},
        "hazard-sources",
        "hazard-source",
    ),
    **registry(
        _b(
            site_id="own.site",
            organisation_id="own.organisation",
            code="CHEM-GATE-2",
            name="x",
        ),
        {
            "site_id": to("site"),
            "organisation_id": to("organisation"),
            "guarded_room_ids": lambda w: {"guarded_room_ids": [w.other["room"]]},
            "reader_device_id": to("device"),
        },
        "doors",
        "door",
        extra=lambda w: {"guarded_room_ids": [w.own["room"]]},
    ),
    **registry(
        _b(
            lessor_id="own.organisation",
            lessee_id="own.partner",
            site_id="own.site",
            start_date="2025-01-01",
        ),
        {
            "lessor_id": to("organisation"),
            "site_id": to("site"),
            "parent_id": to("lease"),
        },
        "leases",
        "lease",
        counterparties={"lessee_id": "organisation"},
        links=True,
    ),
    **registry(
        _b(
            site_id="own.site",
            organisation_id="own.organisation",
            name="x",
            fluid="N2",
            orientation="vertical",
            volume_m3="2",
            diameter_m="1",
            liquid_density_kg_m3="806",
        ),
        {"site_id": to("site"), "organisation_id": to("organisation")},
        "tanks",
        "tank",
    ),
    **registry(
        _b(
            supplier_id="own.organisation",
            customer_id="own.partner",
            substance="N2",
            form="cylinder",
        ),
        {
            "supplier_id": to("organisation"),
            "tank_id": to("tank"),
            "room_id": to("room"),
        },
        "supplies",
        "supply",
        counterparties={"customer_id": "organisation"},
        links=True,
    ),
    **registry(
        _b(
            organisation_id="own.organisation",
            licence_type="hazchem_use",
            number="X-1",
            valid_from="2025-01-01",
            valid_until="2027-01-01",
        ),
        {"organisation_id": to("organisation")},
        "licences",
        "licence",
    ),
    **registry(
        _b(department_id="own.department", organisation_id="own.organisation", stage="use"),
        {"organisation_id": to("organisation"), "department_id": to("department")},
        "supervision-assignments",
        "assignment",
    ),
    ("POST", "/api/users"): Case(
        body=_b(
            username="new-worker",
            password="long-enough",
            role="worker",
            organisation_id="own.organisation",
        ),
        refs={
            "organisation_id": to("organisation"),
            "jurisdiction_id": lambda w: {
                "role": "regulator",
                "organisation_id": None,
                "jurisdiction_id": w.other["jurisdiction"],
            },
        },
    ),
    ("DELETE", "/api/auth/tokens/{token_id}"): Case(
        path={"token_id": "token"}, path_refs={"token_id": "token"}
    ),
    ("POST", "/api/monitoring/devices"): Case(
        body=_b(site_id="own.site", organisation_id="own.organisation", code="CHEM-NEW"),
        refs={"site_id": to("site"), "organisation_id": to("organisation")},
    ),
    ("POST", "/api/monitoring/devices/{device_id}/revoke"): Case(
        path={"device_id": "device"}, path_refs={"device_id": "device"}
    ),
    ("POST", "/api/monitoring/points"): Case(
        body=_b(
            site_id="own.site",
            organisation_id="own.organisation",
            room_id="own.room",
            device_id="own.device",
            code="CHEM-O2-9",
            kind="o2",
            expected_interval_s=30,
        ),
        refs={
            "site_id": to("site"),
            "organisation_id": to("organisation"),
            "room_id": to("room"),
            "tank_id": to("tank"),
            "device_id": to("device"),
        },
    ),
    ("PATCH", "/api/monitoring/points/{point_id}"): Case(
        path={"point_id": "point"},
        body=_b(reason="retune", high="1"),
        path_refs={"point_id": "point"},
    ),
    ("POST", "/api/monitoring/points/{point_id}/service"): Case(
        path={"point_id": "point"},
        body=_b(reason="calibration", out_of_service=True),
        path_refs={"point_id": "point"},
    ),
    **{
        ("POST", f"/api/monitoring/alarms/{{alarm_id}}/{action}"): Case(
            path={"alarm_id": "alarm"}, body=body, path_refs={"alarm_id": "alarm"}
        )
        for action, body in (
            ("ack", _b(comment="seen")),
            ("shelve", lambda _w: {"reason": "maintenance", "until": "2099-01-01T00:00:00Z"}),
            ("unshelve", None),
            ("comment", _b(comment="seen")),
        )
    },
    ("POST", "/api/escalation/contacts"): Case(
        body=_b(
            organisation_id="own.organisation",
            role="principal",
            channel="console",
            address="x",
        ),
        refs={"organisation_id": to("organisation")},
    ),
    ("POST", "/api/escalation/steps"): Case(
        body=_b(organisation_id="own.organisation", after_minutes=5, target="principal"),
        refs={
            "organisation_id": to("organisation"),
            "jurisdiction_id": lambda w: {
                "organisation_id": None,
                "jurisdiction_id": w.other["jurisdiction"],
            },
        },
    ),
    ("POST", "/api/interlocks/rules"): Case(
        body=_b(
            organisation_id="own.organisation",
            site_id="own.site",
            room_id="own.room",
            action="start_fan",
            device_code="own.fan",
        ),
        refs={
            "organisation_id": to("organisation"),
            "site_id": to("site"),
            "room_id": to("room"),
            "point_id": lambda w: {"room_id": None, "point_id": w.other["point"]},
            "device_code": to("fan"),
        },
    ),
    ("POST", "/api/occupancy/exits"): Case(
        body=_b(door="CHEM-GATE", person="x"),
        refs={"door": lambda _w: {"door": "LAB-ENTRANCE"}},
    ),
    ("POST", "/api/occupancy/check-outs"): Case(
        body=_b(site_id="own.site", person="x", reason="seen leaving"),
        refs={
            "site_id": to("site"),
            "room_ids": lambda w: {"room_ids": [w.other["room"]]},
        },
    ),
    ("POST", "/api/calibration/records"): Case(
        body=_b(point_id="own.point", passed=True, performed_by="x"),
        refs={"point_id": to("point")},
    ),
    ("POST", "/api/landlord/inspections"): Case(
        body=_b(
            landlord_id="own.organisation",
            tenant_id="own.partner",
            planned_for="2099-01-01T00:00:00Z",
        ),
        refs={"landlord_id": to("organisation"), "tenant_id": to("organisation")},
    ),
    ("POST", "/api/landlord/inspections/{inspection_id}/record"): Case(
        path={"inspection_id": "tenant_inspection"},
        body=_b(inspector="x"),
        path_refs={"inspection_id": "tenant_inspection"},
    ),
    ("POST", "/api/commitments"): Case(
        body=_b(
            organisation_id="own.organisation",
            units_running=1,
            units_stopped=0,
            major_hazards_controlled=True,
            signer="x",
        ),
        refs={"organisation_id": to("organisation")},
    ),
    ("POST", "/api/emergency/plans"): Case(
        body=_b(
            organisation_id="own.organisation",
            site_id="own.site",
            title="x",
            approved_on="2025-01-01",
            review_due="2099-01-01",
        ),
        refs={"organisation_id": to("organisation"), "site_id": to("site")},
    ),
    ("POST", "/api/emergency/drills"): Case(
        body=_b(
            organisation_id="own.organisation",
            site_id="own.site",
            title="x",
            planned_for="2099-01-01T00:00:00Z",
        ),
        refs={
            "organisation_id": to("organisation"),
            "site_id": to("site"),
            "plan_id": to("emergency_plan"),
        },
    ),
    ("POST", "/api/emergency/drills/{drill_id}/hold"): Case(
        path={"drill_id": "drill"},
        body=_b(participants=3, summary="x"),
        path_refs={"drill_id": "drill"},
    ),
    ("POST", "/api/emergency/drills/{drill_id}/findings"): Case(
        path={"drill_id": "drill"}, body=_b(text="x"), path_refs={"drill_id": "drill"}
    ),
    ("POST", "/api/emergency/qualifications"): Case(
        body=_b(
            organisation_id="own.organisation",
            person="x",
            kind="first_aid",
            issued_on="2025-01-01",
        ),
        refs={"organisation_id": to("organisation")},
    ),
    ("POST", "/api/emergency/training-records"): Case(
        body=_b(
            organisation_id="own.organisation",
            person="x",
            course="x",
            held_on="2025-01-01",
            hours="2",
        ),
        refs={"organisation_id": to("organisation")},
    ),
    ("POST", "/api/emergency/equipment"): Case(
        body=_b(organisation_id="own.organisation", kind="fan", code="CHEM-FAN-9"),
        refs={"organisation_id": to("organisation"), "site_id": to("site")},
    ),
    ("POST", "/api/emergency/equipment/{code}/checks"): Case(
        path={"code": "equipment"}, body=_b(passed=True), path_refs={"code": "equipment"}
    ),
    ("POST", "/api/emergency/scba"): Case(
        body=_b(organisation_id="own.organisation", code="SCBA-CHEM-9"),
        refs={"organisation_id": to("organisation")},
    ),
    ("POST", "/api/emergency/scba/checks"): Case(
        body=_b(set_code="own.scba", cylinder_pressure_mpa="28"),
        refs={"set_code": to("scba")},
    ),
    ("POST", "/api/permits"): Case(
        body=_b(
            room_id="own.room",
            number="P-9",
            valid_from="2025-02-06T00:00:00Z",
            valid_until="2025-02-07T00:00:00Z",
        ),
        refs={"room_id": to("room")},
    ),
    ("POST", "/api/permits/{permit_id}/approve"): Case(
        path={"permit_id": "permit"}, path_refs={"permit_id": "permit"}
    ),
    ("POST", "/api/permits/{permit_id}/guardian"): Case(
        path={"permit_id": "permit"}, body=_b(guardian="x"), path_refs={"permit_id": "permit"}
    ),
    ("POST", "/api/permits/{permit_id}/close"): Case(
        path={"permit_id": "permit"}, path_refs={"permit_id": "permit"}
    ),
    ("POST", "/api/permits/{permit_id}/gas-tests"): Case(
        path={"permit_id": "permit"},
        body=_b(o2_percent="20.9"),
        path_refs={"permit_id": "permit"},
    ),
    ("POST", "/api/odh/rooms/{room_id}/assess"): Case(
        path={"room_id": "room"}, path_refs={"room_id": "room"}
    ),
    ("POST", "/api/odh/rooms/{room_id}/safeguards"): Case(
        path={"room_id": "room"},
        body=_b(kind="detection_system"),
        path_refs={"room_id": "room"},
    ),
    ("PATCH", "/api/odh/safeguards/{safeguard_id}"): Case(
        path={"safeguard_id": "safeguard"},
        body=_b(note="x"),
        path_refs={"safeguard_id": "safeguard"},
    ),
    ("DELETE", "/api/odh/safeguards/{safeguard_id}"): Case(
        path={"safeguard_id": "safeguard"}, path_refs={"safeguard_id": "safeguard"}
    ),
    ("POST", "/api/chemicals/catalogue"): Case(
        body=_b(organisation_id="own.organisation", name="x"),
        refs={"organisation_id": to("organisation")},
    ),
    ("PUT", "/api/chemicals/catalogue/{chemical_id}"): Case(
        path={"chemical_id": "chemical"},
        body=_b(organisation_id="own.organisation", name="x"),
        refs={"organisation_id": to("organisation")},
        path_refs={"chemical_id": "chemical"},
    ),
    ("POST", "/api/chemicals/organisations/{organisation_id}/catalogue/import"): Case(
        path={"organisation_id": "organisation"},
        path_refs={"organisation_id": "organisation"},
        multipart=True,
    ),
    ("POST", "/api/chemicals/units"): Case(
        body=_b(organisation_id="own.organisation", site_id="own.site", name="x"),
        refs={"organisation_id": to("organisation"), "site_id": to("site")},
    ),
    ("PATCH", "/api/chemicals/units/{unit_id}"): Case(
        path={"unit_id": "unit"}, body=_b(name="x"), path_refs={"unit_id": "unit"}
    ),
    ("PUT", "/api/chemicals/units/{unit_id}/holdings"): Case(
        path={"unit_id": "unit"},
        body=_b(chemical_id="own.chemical", design_max_t="1"),
        refs={"chemical_id": to("chemical")},
        path_refs={"unit_id": "unit"},
    ),
    ("POST", "/api/chemicals/movements"): Case(
        body=_b(kind="in", chemical_id="own.held_chemical", quantity_t="1", to_unit_id="own.unit"),
        refs={
            "chemical_id": to("chemical"),
            "to_unit_id": to("unit"),
            "from_unit_id": lambda w: {"kind": "transfer", "from_unit_id": w.other["unit"]},
        },
    ),
    ("POST", "/api/chemicals/units/{unit_id}/rooms"): Case(
        path={"unit_id": "unit"},
        body=_b(room_id="own.room"),
        refs={"room_id": to("room")},
        path_refs={"unit_id": "unit"},
    ),
    ("DELETE", "/api/chemicals/units/{unit_id}/rooms/{room_id}"): Case(
        path={"unit_id": "unit", "room_id": "room"},
        path_refs={"unit_id": "unit", "room_id": "room"},
    ),
    ("POST", "/api/chemicals/units/{unit_id}/identify"): Case(
        path={"unit_id": "unit"}, path_refs={"unit_id": "unit"}
    ),
    ("POST", "/api/chemicals/units/{unit_id}/persons"): Case(
        path={"unit_id": "unit"},
        body=_b(role="principal", name="x"),
        path_refs={"unit_id": "unit"},
    ),
    ("PATCH", "/api/chemicals/holdings/{holding_id}"): Case(
        path={"holding_id": "holding"},
        body=_b(design_max_t="100"),
        path_refs={"holding_id": "holding"},
    ),
    ("DELETE", "/api/chemicals/holdings/{holding_id}"): Case(
        path={"holding_id": "holding"}, path_refs={"holding_id": "holding"}
    ),
    ("PATCH", "/api/chemicals/persons/{person_id}"): Case(
        path={"person_id": "person"}, body=_b(phone="1"), path_refs={"person_id": "person"}
    ),
    ("POST", "/api/chemicals/persons/{person_id}/retire"): Case(
        path={"person_id": "person"}, path_refs={"person_id": "person"}
    ),
    ("PATCH", "/api/emergency/plans/{plan_id}"): Case(
        path={"plan_id": "emergency_plan"},
        body=_b(version="x"),
        refs={"site_id": to("site")},
        path_refs={"plan_id": "emergency_plan"},
    ),
    ("POST", "/api/emergency/plans/{plan_id}/retire"): Case(
        path={"plan_id": "emergency_plan"}, path_refs={"plan_id": "emergency_plan"}
    ),
    ("PATCH", "/api/risks/objects/{object_id}"): Case(
        path={"object_id": "risk_object"},
        body=_b(name="x"),
        refs={"room_id": to("room"), "chemical_unit_id": to("unit")},
        path_refs={"object_id": "risk_object"},
    ),
    ("POST", "/api/risks/objects/{object_id}/retire"): Case(
        path={"object_id": "risk_object"}, path_refs={"object_id": "risk_object"}
    ),
    ("PATCH", "/api/risks/events/{event_id}"): Case(
        path={"event_id": "risk_event"},
        body=_b(title="x"),
        path_refs={"event_id": "risk_event"},
    ),
    ("POST", "/api/risks/events/{event_id}/retire"): Case(
        path={"event_id": "risk_event"}, path_refs={"event_id": "risk_event"}
    ),
    ("POST", "/api/chemicals/persons/{person_id}/checks"): Case(
        path={"person_id": "person"}, body=_b(note="x"), path_refs={"person_id": "person"}
    ),
    ("POST", "/api/risks/objects"): Case(
        body=_b(organisation_id="own.organisation", site_id="own.site", name="x"),
        refs={
            "organisation_id": to("organisation"),
            "site_id": to("site"),
            "room_id": to("room"),
            "chemical_unit_id": to("unit"),
        },
    ),
    ("POST", "/api/risks/objects/{object_id}/events"): Case(
        path={"object_id": "risk_object"},
        body=_b(title="x", method="ls", factors={"L": 1, "S": 1}),
        path_refs={"object_id": "risk_object"},
    ),
    ("POST", "/api/risks/events/{event_id}/assess"): Case(
        path={"event_id": "risk_event"},
        body=_b(factors={"L": 1, "S": 1}),
        path_refs={"event_id": "risk_event"},
    ),
    ("POST", "/api/risks/events/{event_id}/controls"): Case(
        path={"event_id": "risk_event"},
        body=_b(kind="engineering", description="x"),
        path_refs={"event_id": "risk_event"},
    ),
    ("POST", "/api/risks/band-tables"): Case(
        body=_b(
            organisation_id="own.organisation", method="ls", bands=[{"low": 0, "level": "blue"}]
        ),
        refs={"organisation_id": to("organisation")},
    ),
    ("PUT", "/api/registry/rooms/{room_id}/placement"): Case(
        path={"room_id": "room"}, body=_b(x=10, y=10), path_refs={"room_id": "room"}
    ),
    ("PUT", "/api/tanks/{tank_id}/leak-settings"): Case(
        path={"tank_id": "tank"},
        body=_b(false_alarms_per_year="1", noise_mm="2"),
        path_refs={"tank_id": "tank"},
    ),
    ("POST", "/api/tanks/{tank_id}/leak-reset"): Case(
        path={"tank_id": "tank"}, body=_b(reason="x"), path_refs={"tank_id": "tank"}
    ),
    ("POST", "/api/hidden-dangers"): Case(
        body=_b(organisation_id="own.organisation", title="x", room_id="own.room"),
        refs={
            "organisation_id": to("organisation"),
            "site_id": lambda w: {"room_id": None, "site_id": w.other["site"]},
            "room_id": to("room"),
        },
    ),
    **{
        ("POST", f"/api/hidden-dangers/{{finding_id}}/{action}"): Case(
            path={"finding_id": "finding"}, body=body, path_refs={"finding_id": "finding"}
        )
        for action, body in (
            ("grade", _b(grade="general")),
            (
                "order",
                _b(measures="x", responsible_person="x", funds_yuan="1", contingency_plan="x"),
            ),
            ("start", _b(comment="x")),
            ("self-check", _b(comment="x")),
            ("accept", _b(comment="x")),
            ("close", _b(comment="x")),
            ("reject", _b(comment="x")),
        )
    },
    ("POST", "/api/hidden-dangers/{finding_id}/attachments"): Case(
        path={"finding_id": "finding"}, path_refs={"finding_id": "finding"}, multipart=True
    ),
    ("POST", "/api/inspections/templates"): Case(
        body=_b(organisation_id="own.organisation", name="x", items=[{"text": "ok?"}]),
        refs={"organisation_id": to("organisation")},
    ),
    ("POST", "/api/inspections/points"): Case(
        body=_b(organisation_id="own.organisation", code="CHEM-P9", name="x", room_id="own.room"),
        refs={
            "organisation_id": to("organisation"),
            "site_id": lambda w: {"room_id": None, "site_id": w.other["site"]},
            "room_id": to("room"),
        },
    ),
    ("POST", "/api/inspections/plans"): Case(
        body=_b(
            organisation_id="own.organisation",
            name="x",
            template_id="own.template",
            point_id="own.inspection_point",
            frequency="daily",
            assignee="x",
        ),
        refs={
            "organisation_id": to("organisation"),
            "template_id": to("template"),
            "point_id": to("inspection_point"),
        },
    ),
    ("POST", "/api/inspections/records"): Case(
        body=lambda w: {
            "template_id": w.own["template"],
            "point_id": w.own["inspection_point"],
            "answers": [{"item_id": w.own["item"], "yes": True}],
        },
        refs={
            "plan_id": lambda w: {
                "template_id": None,
                "point_id": None,
                "plan_id": w.other["plan"],
            },
            "template_id": to("template"),
            "point_id": to("inspection_point"),
        },
    ),
    ("POST", "/api/supervision/matrices"): Case(
        body=_b(jurisdiction_id="own.jurisdictions", rules=[]),
        refs={"jurisdiction_id": to("jurisdiction")},
    ),
    ("PUT", "/api/supervision/sectors/{organisation_id}"): Case(
        path={"organisation_id": "organisation"},
        body=_b(sector="research"),
        path_refs={"organisation_id": "organisation"},
    ),
    ("POST", "/api/supervision/blind-spots/{organisation_id}/assign"): Case(
        path={"organisation_id": "organisation"},
        body=_b(department_id="own.department", stage="use"),
        path_refs={"organisation_id": "organisation"},
        refs={"department_id": to("department")},
    ),
    ("POST", "/api/supervision/incidents"): Case(
        body=_b(
            organisation_id="own.organisation",
            title="x",
            occurred_at="2025-02-06T10:00:00Z",
            room_id="own.room",
        ),
        refs={"organisation_id": to("organisation"), "room_id": to("room")},
    ),
    **{
        ("POST", f"/api/supervision/incidents/{{incident_id}}/{action}"): Case(
            path={"incident_id": "incident"}, body=body, path_refs={"incident_id": "incident"}
        )
        for action, body in (
            ("reports", _b(level="county", reported_at="2025-02-06T19:00:00Z")),
            ("casualties", _b(at="2025-02-06T19:00:00Z", deaths=0, serious_injuries=0)),
            ("extension", _b(days=1, approved_by="x")),
        )
    },
    **{
        ("POST", f"/api/supervision/dispatches/{{dispatch_id}}/{action}"): Case(
            path={"dispatch_id": "dispatch"}, body=body, path_refs={"dispatch_id": "dispatch"}
        )
        for action, body in (
            ("accept", None),
            ("verify", _b(outcome="false_alarm", notes="x")),
            ("close", None),
        )
    },
    ("POST", "/api/supervision/dispatches/{dispatch_id}/attachments"): Case(
        path={"dispatch_id": "dispatch"}, path_refs={"dispatch_id": "dispatch"}, multipart=True
    ),
    ("POST", "/api/supervision/duty/shifts"): Case(
        body=_b(
            department_id="own.department",
            officer="x",
            starts_at="2025-02-06T20:00:00Z",
            ends_at="2025-02-07T08:00:00Z",
        ),
        refs={"department_id": to("department")},
    ),
    ("POST", "/api/supervision/duty/log"): Case(
        body=_b(department_id="own.department", text="x"),
        refs={"department_id": to("department")},
    ),
    ("POST", "/api/supervision/credit"): Case(
        body=_b(
            organisation_id="own.organisation",
            kind="bad",
            title="x",
            source="x",
            occurred_on="2025-02-06",
        ),
        refs={"organisation_id": to("organisation")},
    ),
    ("POST", "/api/supervision/dishonesty"): Case(
        body=_b(organisation_id="own.organisation", reason="x", source="x", listed_on="2025-02-06"),
        refs={"organisation_id": to("organisation")},
    ),
    **{
        ("POST", f"/api/supervision/dishonesty/{{listing_id}}/{action}"): Case(
            path={"listing_id": "listing"}, body=body, path_refs={"listing_id": "listing"}
        )
        for action, body in (
            ("removal-request", _b(request="x")),
            ("decision", _b(grant=True)),
            ("reinstate", _b(reason="x")),
        )
    },
    ("POST", "/api/supervision/points"): Case(
        body=_b(
            organisation_id="own.organisation",
            event="missing_commitment",
            occurred_on="2025-02-06",
            source="x",
        ),
        refs={"organisation_id": to("organisation")},
    ),
    ("POST", "/api/supervision/points/{point_id}/cancel"): Case(
        path={"point_id": "point_event"},
        body=_b(via="rectification", hazard_finding_id="own.finding"),
        path_refs={"point_id": "point_event"},
        refs={"hazard_finding_id": to("finding")},
    ),
    **{
        ("POST", f"/api/supervision/points/{{point_id}}/{action}"): Case(
            path={"point_id": "point_event"}, body=body, path_refs={"point_id": "point_event"}
        )
        for action, body in (("appeal", _b(reason="x")), ("appeal-decision", _b(uphold=True)))
    },
    ("POST", "/api/supervision/rules"): Case(
        body=_b(jurisdiction_id="own.jurisdictions", kind="points", body={}),
        refs={"jurisdiction_id": to("jurisdiction")},
    ),
    ("PUT", "/api/supervision/profiles/{organisation_id}"): Case(
        path={"organisation_id": "organisation"},
        body=_b(standardisation_level=1),
        path_refs={"organisation_id": "organisation"},
    ),
    ("PUT", "/api/supervision/parks/{park_id}/score"): Case(
        path={"park_id": "park"},
        body=_b(score="80", assessed_on="2025-02-06"),
        path_refs={"park_id": "park"},
    ),
    ("POST", "/api/supervision/code-appeals"): Case(
        body=_b(subject="enterprise", ident="own.organisation", reason="x"),
        refs={"ident": to("organisation")},
    ),
    ("POST", "/api/supervision/code-appeals/{appeal_id}/decision"): Case(
        path={"appeal_id": "code_appeal"},
        body=_b(uphold=False, note="x"),
        path_refs={"appeal_id": "code_appeal"},
    ),
    ("POST", "/api/supervision/plans"): Case(
        body=_b(jurisdiction_id="own.jurisdictions", year=2025, inspectors=["a", "b"]),
        refs={"jurisdiction_id": to("jurisdiction")},
    ),
    ("POST", "/api/supervision/plans/{plan_id}/inspections/{inspection_id}/done"): Case(
        path={"plan_id": "year_plan", "inspection_id": "planned_inspection"},
        body=_b(note="x"),
        path_refs={"plan_id": "year_plan", "inspection_id": "planned_inspection"},
    ),
    ("POST", "/api/inspections/records/{record_id}/attachments"): Case(
        path={"record_id": "record"}, path_refs={"record_id": "record"}, multipart=True
    ),
    ("POST", "/api/supervision/tasks/load"): Case(
        body=_b(jurisdiction_id="own.jurisdictions"),
        refs={"jurisdiction_id": to("jurisdiction")},
    ),
    ("POST", "/api/supervision/tasks/{task_id}/progress"): Case(
        path={"task_id": "task"},
        body=_b(period="2025-02-01", status="in_progress", progress="x"),
        path_refs={"task_id": "task"},
    ),
    ("POST", "/api/supervision/feed/subscriptions"): Case(
        body=_b(jurisdiction_id="own.jurisdictions", name="x", url="http://x.test/h"),
        refs={"jurisdiction_id": to("jurisdiction")},
    ),
    ("POST", "/api/supervision/feed/subscriptions/{subscription_id}/deliver"): Case(
        path={"subscription_id": "feed_subscription"},
        path_refs={"subscription_id": "feed_subscription"},
    ),
    ("POST", "/api/district/waste/licences"): Case(
        body=_b(
            organisation_id="own.organisation",
            kind="receiver",
            number="x",
            waste_codes=["HW08"],
            valid_from="2025-01-01",
            valid_until="2026-01-01",
        ),
        refs={"organisation_id": to("organisation")},
    ),
    ("POST", "/api/district/waste/licences/{licence_id}/revoke"): Case(
        path={"licence_id": "waste_licence"}, path_refs={"licence_id": "waste_licence"}
    ),
    ("POST", "/api/district/waste/manifests"): Case(
        body=_b(
            organisation_id="own.organisation",
            carrier_id="own.carrier",
            receiver_id="own.disposer",
            vehicle_plate="X1",
            waste_code="900-249-08",
            waste_name="x",
            quantity_kg="1",
        ),
        refs={"organisation_id": to("organisation")},
        # the carrier and receiver are the other parties of a manifest by nature: named, they
        # see that manifest only (tests/district/test_waste.py)
        counterparties={"carrier_id": "carrier", "receiver_id": "disposer"},
    ),
    ("PUT", "/api/district/transport/carriers/{organisation_id}/staff"): Case(
        path={"organisation_id": "organisation"},
        body=_b(monitoring_staff=2),
        path_refs={"organisation_id": "organisation"},
    ),
    ("POST", "/api/district/transport/vehicles"): Case(
        body=_b(organisation_id="own.organisation", plate="X-1"),
        refs={"organisation_id": to("organisation")},
    ),
    ("PATCH", "/api/district/transport/vehicles/{vehicle_id}"): Case(
        path={"vehicle_id": "vehicle"},
        body=_b(connected=False),
        path_refs={"vehicle_id": "vehicle"},
    ),
    ("POST", "/api/district/transport/zones"): Case(
        body=_b(
            organisation_id="own.organisation",
            name="x",
            kind="restricted",
            geometry_wkt="POLYGON ((0 0, 1 0, 1 1, 0 0))",
        ),
        refs={"organisation_id": to("department")},
    ),
    ("PATCH", "/api/district/transport/zones/{zone_id}"): Case(
        path={"zone_id": "zone"}, body=_b(active=False), path_refs={"zone_id": "zone"}
    ),
    ("POST", "/api/district/transport/positions"): Case(
        body=_b(
            plate="own.plate",
            at="2025-02-06T20:00:00Z",
            lat="0",
            lon="0",
            speed_kmh="0",
            heading="0",
        ),
        refs={"plate": to("plate")},
    ),
    ("POST", "/api/district/waste/stores"): Case(
        body=_b(organisation_id="own.organisation", site_id="own.site", name="x"),
        refs={"organisation_id": to("organisation"), "site_id": to("site")},
    ),
    ("PUT", "/api/district/map/sites/{site_id}/location"): Case(
        path={"site_id": "site"},
        body=_b(lat="29.9", lon="121.8"),
        path_refs={"site_id": "site"},
    ),
    ("POST", "/api/district/admission/projects"): Case(
        body=_b(
            organisation_id="own.organisation",
            name="x",
            holdings=[{"unit": "u", "chemical_id": 1, "design_max_t": "1"}],
        ),
        refs={
            "organisation_id": to("organisation"),
            "holdings": lambda w: {
                "holdings": [{"unit": "u", "chemical_id": w.other["chemical"], "design_max_t": "1"}]
            },
        },
    ),
    ("PATCH", "/api/district/admission/projects/{project_id}"): Case(
        path={"project_id": "admission_draft"},
        body=_b(name="x"),
        path_refs={"project_id": "admission_project"},
    ),
    ("PUT", "/api/district/admission/projects/{project_id}/holdings"): Case(
        path={"project_id": "admission_draft"},
        body=_b(holdings=[]),
        path_refs={"project_id": "admission_project"},
        refs={
            "holdings": lambda w: {
                "holdings": [{"unit": "u", "chemical_id": w.other["chemical"], "design_max_t": "1"}]
            },
        },
    ),
    ("POST", "/api/district/admission/projects/{project_id}/review"): Case(
        path={"project_id": "admission_draft"},
        body=_b(lead_department_id="own.department"),
        path_refs={"project_id": "admission_project"},
    ),
    ("POST", "/api/district/admission/projects/{project_id}/opinions/{department_id}"): Case(
        path={"project_id": "admission_draft", "department_id": "department"},
        body=_b(verdict="agree"),
        path_refs={"project_id": "admission_project", "department_id": "department"},
    ),
    ("POST", "/api/district/admission/projects/{project_id}/decision"): Case(
        path={"project_id": "admission_draft"},
        body=_b(decision="rejected", note="x"),
        path_refs={"project_id": "admission_project"},
    ),
    ("POST", "/api/district/catalogue/versions"): Case(
        body=_b(jurisdiction_id="own.jurisdictions", title="x"),
        refs={"jurisdiction_id": to("jurisdiction")},
    ),
    ("POST", "/api/district/catalogue/versions/{version_id}/entries"): Case(
        path={"version_id": "catalogue_version"},
        body=_b(subject="process", category="restricted", name="x"),
        path_refs={"version_id": "catalogue_version"},
    ),
    ("DELETE", "/api/district/catalogue/versions/{version_id}/entries/{entry_id}"): Case(
        path={"version_id": "catalogue_version", "entry_id": "catalogue_entry"},
        path_refs={"version_id": "catalogue_version", "entry_id": "catalogue_entry"},
    ),
    ("POST", "/api/district/catalogue/versions/{version_id}/publish"): Case(
        path={"version_id": "catalogue_version"},
        path_refs={"version_id": "catalogue_version"},
    ),
    ("POST", "/api/district/catalogue/processes"): Case(
        body=_b(organisation_id="own.organisation", name="x"),
        refs={"organisation_id": to("organisation")},
    ),
    ("DELETE", "/api/district/catalogue/processes/{process_id}"): Case(
        path={"process_id": "registered_process"},
        path_refs={"process_id": "registered_process"},
    ),
    ("POST", "/api/district/coverage/contracts"): Case(
        body=_b(
            organisation_id="own.organisation",
            provider="x",
            valid_from="2025-01-01",
            valid_until="2025-12-31",
        ),
        refs={"organisation_id": to("organisation")},
    ),
    ("POST", "/api/district/coverage/officers"): Case(
        body=_b(organisation_id="own.organisation", name="x"),
        refs={"organisation_id": to("department")},
    ),
    ("PATCH", "/api/district/coverage/officers/{officer_id}"): Case(
        path={"officer_id": "officer"}, body=_b(active=False), path_refs={"officer_id": "officer"}
    ),
    ("POST", "/api/district/resources/items"): Case(
        body=_b(
            organisation_id="own.organisation",
            site_id="own.site",
            kind="absorbent",
            code="X-ITEM",
            lat="0",
            lon="0",
            quantity="1",
        ),
        refs={"organisation_id": to("organisation"), "site_id": to("site")},
    ),
    ("PATCH", "/api/district/resources/items/{equipment_id}"): Case(
        path={"equipment_id": "library_item"},
        body=_b(quantity="2"),
        path_refs={"equipment_id": "library_item"},
    ),
    ("POST", "/api/district/resources/teams"): Case(
        body=_b(
            organisation_id="own.organisation",
            site_id="own.site",
            name="x",
            kind="enterprise_brigade",
            lat="0",
            lon="0",
        ),
        refs={"organisation_id": to("organisation"), "site_id": to("site")},
    ),
    ("PATCH", "/api/district/resources/teams/{team_id}"): Case(
        path={"team_id": "team"}, body=_b(available=False), path_refs={"team_id": "team"}
    ),
    ("POST", "/api/district/resources/teams/{team_id}/members"): Case(
        path={"team_id": "team"}, body=_b(person="x"), path_refs={"team_id": "team"}
    ),
    # regulators only (403 for the plant); tests/district/test_resources.py
    ("PUT", "/api/district/resources/rules/{jurisdiction_id}"): Case(
        path={"jurisdiction_id": "jurisdictions"},
        body=_b(
            max_distance_km="10", reserve_percent="0", speed_kmh="40", teams=1, team_min_qualified=1
        ),
        path_refs={"jurisdiction_id": "jurisdiction"},
    ),
    ("PUT", "/api/district/resources/travel-times"): Case(
        body=_b(
            jurisdiction_id="own.jurisdictions",
            from_site_id="own.site",
            to_site_id="own.site",
            minutes=5,
        ),
        refs={
            "jurisdiction_id": to("jurisdiction"),
            "from_site_id": to("site"),
            "to_site_id": to("site"),
        },
    ),
    ("POST", "/api/district/resources/dispatches"): Case(
        body=_b(purpose="drill", drill_id="own.drill", lat="0", lon="0", teams=1),
        refs={"drill_id": to("drill"), "site_id": to("site")},
    ),
    **{
        ("POST", f"/api/district/resources/dispatches/lines/{{line_id}}/{action}"): Case(
            path={"line_id": "line"}, body=_b(), path_refs={"line_id": "line"}
        )
        for action in ("arrival", "return")
    },
    ("POST", "/api/district/waste/manifests/{manifest_id}/handovers"): Case(
        path={"manifest_id": "manifest"},
        body=_b(step="pickup", quantity_kg="1"),
        path_refs={"manifest_id": "manifest"},
    ),
}


def write_operations(client: TestClient) -> set[tuple[str, str]]:
    schema = client.app.openapi()  # type: ignore[attr-defined]
    return {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
    }


def _create(session: Any, kind: str, **data: Any) -> int:
    return int(registry_service.create_object(session, SYSTEM, RESOURCES[kind], data).id)


@pytest.fixture
def world(context: Context, login_as: Login) -> Iterator[World]:
    moment = Moment.of(context)
    with context.unit_of_work() as session:
        demo = full_demo.load(session, moment)
        chem, lab, chem_site = demo["chem"], demo["lab"], demo["chem_site"]
        monitoring.create_device(
            session,
            SYSTEM,
            DeviceIn(site_id=chem_site, organisation_id=chem, code="FAN-CHEM", kind="actuator"),
        )
        lab_fan, _ = monitoring.create_device(
            session,
            SYSTEM,
            DeviceIn(site_id=demo["plant"], organisation_id=lab, code="FAN-DRY1", kind="actuator"),
        )
        emergency.create_set(session, SYSTEM, organisation_id=chem, code="SCBA-CHEM-1")
        template = inspections.create_template(
            session,
            SYSTEM,
            TemplateIn(organisation_id=chem, name="chem round", items=[ItemIn(text="ok?")]),
        )
        chem_point = inspections.create_point(
            session,
            SYSTEM,
            InspectionPointIn(
                organisation_id=chem, code="CHEM-P1", name="x", room_id=demo["ammonia_room"]
            ),
        )
        permit = permits.open_permit(
            session,
            SYSTEM,
            room_id=demo["dry_room_1"],
            number="LAB-P1",
            valid_from=moment.now,
            valid_until=moment.now + timedelta(hours=8),
        )
        lab_chemical = chemicals.create_chemical(
            session, SYSTEM, ChemicalIn(organisation_id=lab, name="lab solvent")
        )
        chem_chemical = chemicals.create_chemical(
            session, SYSTEM, ChemicalIn(organisation_id=chem, name="chem solvent")
        )
        lab_unit = chemicals.create_unit(
            session,
            SYSTEM,
            UnitIn(organisation_id=lab, site_id=demo["plant"], name="lab cylinders"),
        )
        lab_person = chemicals.add_person(
            session, SYSTEM, lab_unit.id, PersonIn(role=PersonRole.PRINCIPAL, name="x")
        )
        farm_person = chemicals.persons(session, demo["ammonia_farm"])[0]
        lab_holding = chemicals.set_holding(
            session,
            SYSTEM,
            lab_unit.id,
            HoldingIn(chemical_id=lab_chemical.id, design_max_t=Decimal(1)),
        )
        chem_plan = readiness.create_plan(
            session,
            SYSTEM,
            moment,
            organisation_id=chem,
            site_id=chem_site,
            title="chem plan",
            approved_on=local_date(moment.now, context.settings.timezone),
            review_due=local_date(moment.now, context.settings.timezone) + timedelta(days=365),
        )
        safeguard = odh.add_safeguard(
            session, SYSTEM, demo["dry_room_1"], SafeguardIn(kind=SafeguardKind.ALARM)
        )
        session.add(
            Alarm(
                organisation_id=lab,
                site_id=demo["plant"],
                room_id=demo["dry_room_1"],
                source="test",
                condition="low",
                priority="urgent",
                active=True,
                acked=False,
                state="active_unack",
                changed_at=moment.now,
            )
        )
        other_incident = incidents.record(
            session,
            SYSTEM,
            moment.now,
            organisation_id=lab,
            title="x",
            kind=IncidentKind.PRODUCTION,
            occurred_at=moment.now - timedelta(hours=1),
        )
        other_dispatch = dispatch.dispatch(
            session,
            moment.now,
            moment.settings,
            organisation_id=lab,
            source_type=DispatchSource.ALARM,
            source_key="test",
            level="urgent",
            title_key="supervision.dispatch.alarm",
            params={},
        )
        assert other_dispatch is not None
        other_points = credit.record_points(
            session,
            SYSTEM,
            moment.now,
            organisation_id=lab,
            event="missing_commitment",
            occurred_on=moment.now.date(),
            source="x",
        )
        other_appeal = codes.file_appeal(
            session,
            SYSTEM,
            moment.now,
            moment.now.date(),
            subject=CodeSubject.ENTERPRISE,
            ident=lab,
            reason="x",
        )
        other_plan = grading.make_plan(
            session,
            SYSTEM,
            moment.now,
            moment.now.date(),
            jurisdiction_id=demo["district"],
            year=moment.now.year,
            inspectors=["a", "b"],
            seed=1,
        )
        lab_licence = waste.create_licence(
            session,
            SYSTEM,
            organisation_id=lab,
            kind=WasteLicenceKind.RECEIVER,
            number="LAB-W-1",
            waste_codes=["HW49"],
            valid_from=date(2025, 1, 1),
            valid_until=date(2026, 1, 1),
        )
        lab_manifest = waste.issue(
            session,
            SYSTEM,
            moment,
            organisation_id=lab,
            carrier_id=demo["carrier"],
            receiver_id=demo["disposer"],
            vehicle_plate="LAB-1",
            waste_code="900-041-49",
            waste_name="x",
            quantity_kg=Decimal(1),
        )
        lab_drill = session.scalar(select(Drill.id).where(Drill.organisation_id == lab).limit(1))
        lab_dispatch = resources.request_dispatch(
            session,
            SYSTEM,
            moment,
            resources.Request(
                purpose=DispatchPurpose.DRILL,
                drill_id=lab_drill,
                lat=Decimal("29.89"),  # at the district's reserve depot
                lon=Decimal("121.76"),
                needs=[resources.Need(EquipmentKind.GAS_DETECTOR, Decimal(1))],
                teams=0,
            ),
        )
        assignment = _create(
            session,
            "supervision-assignments",
            department_id=demo["ema"],
            organisation_id=lab,
            stage="use",
        )
        own_registry = {
            "jurisdictions": demo["park"],
            "organisations": chem,
            "sites": chem_site,
            "buildings": demo["chem_building"],
            "rooms": demo["ammonia_room"],
            "hazard-sources": demo["ammonia"],
            "licences": demo["chem_licence"],
            "supervision-assignments": assignment,
            "doors": _create(
                session,
                "doors",
                site_id=chem_site,
                organisation_id=chem,
                code="CHEM-GATE",
                name="gate",
                guarded_room_ids=[demo["ammonia_room"]],
            ),
            "leases": _create(
                session,
                "leases",
                lessor_id=chem,
                lessee_id=demo["dyeworks"],
                site_id=chem_site,
                start_date=date(2025, 1, 1),
            ),
            "tanks": _create(
                session,
                "tanks",
                site_id=chem_site,
                organisation_id=chem,
                name="N2",
                fluid="N2",
                orientation="vertical",
                volume_m3="2",
                diameter_m="1",
                liquid_density_kg_m3="806",
            ),
            "supplies": _create(
                session,
                "supplies",
                supplier_id=chem,
                customer_id=demo["dyeworks"],
                substance="N2",
                form="cylinder",
            ),
        }
        session.flush()

        def one(model: Any, **where: Any) -> int:
            return int(
                session.scalars(select(model.id).filter_by(**where).order_by(model.id)).first()
            )

        own: dict[str, Any] = {
            **own_registry,
            "organisation": chem,
            "partner": demo["dyeworks"],
            "department": demo["ema"],
            "site": chem_site,
            "building": demo["chem_building"],
            "room": demo["ammonia_room"],
            "device": one(Device, code="GW-CHEM"),
            "point": one(MeasurementPoint, code="NH3-01"),
            "fan": "FAN-CHEM",
            "scba": "SCBA-CHEM-1",
            "template": template.id,
            "item": template.items[0].id,
            "inspection_point": chem_point.id,
            "unit": demo["ammonia_farm"],
            "chemical": chem_chemical.id,
            "held_chemical": by_table1(session, 1).id,
            "person": farm_person.id,
            "holding": one(ChemicalHolding, unit_id=demo["ammonia_farm"]),
            "emergency_plan": chem_plan.id,
            "risk_object": one(RiskObject, organisation_id=chem),
            "risk_event": one(RiskEvent, organisation_id=chem),
            "library_item": one(Equipment, code="HG-ABS-1"),
            "team": demo["plant_brigade"],
        }
        other: dict[str, Any] = {
            "jurisdiction": demo["district"],
            "organisation": lab,
            "department": demo["ema"],
            "site": demo["plant"],
            "building": demo["shed"],
            "room": demo["dry_room_1"],
            "hazard-source": demo["dry1_nitrogen"],
            "door": demo["lab_entrance"],
            "lease": demo["head_lease"],
            "tank": demo["ln2_tank"],
            "supply": demo["n2_to_lab"],
            "licence": demo["gas_licence"],
            "assignment": assignment,
            "device": one(Device, code="GW-PLANT"),
            "fan": lab_fan.code,
            "point": one(MeasurementPoint, code="O2M-DRY1"),
            "alarm": one(Alarm, organisation_id=lab),
            "scba": "SCBA-LAB-1",
            "permit": permit.id,
            "safeguard": safeguard.id,
            "finding": one(HazardFinding, organisation_id=lab),
            "template": one(ChecklistTemplate, organisation_id=lab),
            "inspection_point": one(InspectionPoint, organisation_id=lab),
            "plan": one(InspectionPlan, organisation_id=lab),
            "record": one(InspectionRecord, organisation_id=lab),
            "unit": lab_unit.id,
            "chemical": lab_chemical.id,
            "person": lab_person.id,
            "holding": lab_holding.id,
            "risk_object": one(RiskObject, organisation_id=lab),
            "risk_event": one(RiskEvent, organisation_id=lab),
            "emergency_plan": one(EmergencyPlan, organisation_id=lab),
            "drill": one(Drill, organisation_id=lab),
            "equipment": "LAB-EEBD-1",
            "incident": other_incident.id,
            "tenant_inspection": one(TenantInspection, landlord_id=demo["landlord"]),
            "dispatch": other_dispatch.id,
            "listing": demo["listing"],
            "point_event": other_points.id,
            "code_appeal": other_appeal.id,
            "park": demo["park"],
            "year_plan": other_plan.id,
            "planned_inspection": other_plan.inspections[0].id,
            "waste_licence": lab_licence.id,
            "manifest": lab_manifest.id,
            "vehicle": demo["tanker"],
            "plate": "浙B·D0123",
            "zone": demo["zone_tunnel"],
            "library_item": one(Equipment, code="KU-ABS-1"),
            "team": demo["rescue_squad"],
            "line": resources.lines_of(session, lab_dispatch.id)[0].id,
            "officer": one(EnforcementOfficer),
        }
    login_as(Role.SAFETY_OFFICER, organisation_id=lab, username="lab-officer")
    with context.sessions() as session:
        user = session.scalar(select(UserAccount.id).where(UserAccount.username == "lab-officer"))
        other["token"] = session.scalar(select(AccessToken.id).where(AccessToken.user_id == user))
    own["token"] = other["token"]
    own["alarm"], own["permit"], own["safeguard"] = 10**6, 10**6, 10**6
    own["finding"], own["record"], own["incident"] = 10**6, 10**6, 10**6
    own["dispatch"] = 10**6
    own["listing"], own["point_event"], own["code_appeal"] = 10**6, 10**6, 10**6
    own["park"], own["year_plan"], own["planned_inspection"] = 10**6, 10**6, 10**6
    own["dispatch"], own["manifest"], own["waste_licence"] = 10**6, 10**6, 10**6
    own["carrier"], own["disposer"] = demo["carrier"], demo["disposer"]
    own["vehicle"], own["zone"] = 10**6, 10**6
    own["plate"] = "NO-SUCH-PLATE"
    own["drill"], own["equipment"] = 10**6, "NO-SUCH-EQUIPMENT"
    own["tenant_inspection"] = 10**6
    own["line"], own["officer"] = 10**6, 10**6
    own["task"], own["feed_subscription"] = 10**6, 10**6
    with context.unit_of_work() as session:
        other["task"] = session.scalar(select(SupervisionTask.id).limit(1))
        following = FeedSubscription(
            jurisdiction_id=demo["district"],
            name="市平台",
            url="http://x.test/h",
            signing_secret="k",
            created_at=context.clock.now(),
            created_by="x",
        )
        session.add(following)
        session.flush()
        other["feed_subscription"] = following.id
        moment = Moment.of(context)
        other["admission_project"] = admission.create_project(
            session, SYSTEM, moment, organisation_id=demo["lab"], name="实验室扩建"
        ).id
        other["catalogue_version"] = demo["catalogue_draft"]
        other["catalogue_entry"] = catalogue.entries(session, demo["catalogue_draft"])[0].id
        other["registered_process"] = next(
            p.id
            for p in catalogue.list_processes(session, SYSTEM)
            if p.organisation_id == demo["dyeworks"]
        )
        own["catalogue_version"], own["catalogue_entry"] = 10**6, 10**6
        own["registered_process"] = 10**6
        own["admission_draft"] = admission.create_project(
            session, SYSTEM, moment, organisation_id=demo["chem"], name="罐区改造"
        ).id
    own["tank"] = own["tanks"]
    yield World(own=own, other=other, demo=demo)


def fingerprint(context: Context) -> dict[str, int]:
    """Row counts of every table (the audit chain among them: it records every update)."""
    with context.sessions() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
            if table.name != "access_token"
        }


def own_path(case: Case, world: World, template: str) -> str:
    return template.format(**{name: world.own[key] for name, key in case.path.items()})


def send(
    client: TestClient,
    headers: dict[str, str],
    method: str,
    path: str,
    body: dict[str, Any] | None,
    multipart: bool,
) -> Any:
    if multipart:
        files = {"file": ("note.txt", b"hello", "text/plain")}
        return client.request(method, path, files=files, headers=headers)
    return client.request(method, path, json=body, headers=headers)


BAD_INPUT = frozenset(
    {
        "request.invalid",
        "request.out_of_range",
        "request.too_long",
        "request.nul_character",
        "request.not_a_time",
    }
)


def refused(response: Any, reference: str) -> bool:
    """A 4xx that is about the reference: 403/404, or a 422 naming it."""
    if response.status_code in (403, 404):
        return True
    if response.status_code in (409, 422):
        bad_input = error_code(response) in BAD_INPUT  # about the input's form, not the reference
        return not bad_input and response.json()["error"]["field"] in (
            reference,
            None,
        )
    return False


def test_every_write_endpoint_has_a_tenancy_case(client: TestClient) -> None:
    operations = write_operations(client)
    missing = sorted(operations - set(CASES) - set(EXEMPT))
    assert not missing, f"write endpoints without a tenancy case: {missing}"
    stale = sorted(set(CASES) - operations)
    assert not stale, f"cases for endpoints that no longer exist: {stale}"


def test_no_reference_reaches_into_another_organisation(
    client: TestClient, context: Context, login_as: Login, world: World
) -> None:
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=world.own["organisation"])
    failures: list[str] = []
    tried = 0
    for (method, template), case in sorted(CASES.items()):
        base = case.body(world) if case.body else None
        attempts: list[tuple[str, str, dict[str, Any] | None]] = []
        for name, key in case.path_refs.items():
            values = {n: world.own[k] for n, k in case.path.items()}
            values[name] = world.other[key]
            attempts.append((name, template.format(**values), base))
        for reference, change in case.refs.items():
            changes = change(world)
            if "__field__" in changes:
                changes = {reference: changes.pop("__field__")}
            body = {**(base or {}), **changes}
            body = {k: v for k, v in body.items() if v is not None}
            attempts.append((reference, own_path(case, world, template), body))
        for reference, path, body in attempts:
            tried += 1
            before = fingerprint(context)
            response = send(client, chem, method, path, body, case.multipart)
            after = fingerprint(context)
            label = f"{method} {template} [{reference}] -> {response.status_code}"
            if not refused(response, reference):
                failures.append(f"{label}: {response.text[:200]}")
            elif before != after:
                changed = {t for t in before if before[t] != after[t]}
                failures.append(f"{label}: stored something in {sorted(changed)}")
    assert tried > 100
    assert not failures, "\n".join(failures)


def test_naming_the_other_party_stores_a_pending_link_that_grants_nothing(
    client: TestClient, context: Context, login_as: Login, world: World
) -> None:
    """A lessor naming a lessee (or a supplier a customer) needs that party's consent:
    until then, a landlord account sees nothing of the named organisation."""
    demo = world.demo
    landlord = login_as(Role.LANDLORD, organisation_id=demo["landlord"])
    lab = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["lab"])
    chem_admin = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    claim = client.post(
        "/api/registry/leases",
        json={
            "lessor_id": demo["landlord"],
            "lessee_id": demo["chem"],
            "site_id": demo["plant"],
            "start_date": "2025-01-01",
        },
        headers=landlord,
    )
    assert claim.status_code == 201, claim.text
    lease = claim.json()
    assert lease["status"] == "pending" and lease["requested_by_id"] == demo["landlord"]
    seen = {o["id"] for o in client.get("/api/registry/organisations", headers=landlord).json()}
    assert demo["chem"] not in seen
    path = f"/api/registry/leases/{lease['id']}"
    # the asking party cannot confirm its own claim; an outsider cannot see it
    assert client.post(f"{path}/confirm", headers=landlord).status_code in (403, 404)
    assert client.post(f"{path}/confirm", headers=lab).status_code == 404
    declined = client.post(f"{path}/decline", headers=chem_admin)
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    seen = {o["id"] for o in client.get("/api/registry/organisations", headers=landlord).json()}
    assert demo["chem"] not in seen
    # asked again, then confirmed: now the landlord sees its tenant
    again = client.patch(path, json={"premises": "east yard"}, headers=landlord)
    assert again.status_code == 200 and again.json()["status"] == "pending"
    confirmed = client.post(f"{path}/confirm", headers=chem_admin)
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    seen = {o["id"] for o in client.get("/api/registry/organisations", headers=landlord).json()}
    assert demo["chem"] in seen
    # a supply naming the lab as customer, from a tank the lab does not read
    supply = client.post(
        "/api/registry/supplies",
        json={
            "supplier_id": demo["chem"],
            "customer_id": demo["lab"],
            "substance": "N2",
            "form": "cylinder",
        },
        headers=chem_admin,
    )
    assert supply.status_code == 201 and supply.json()["status"] == "pending"
