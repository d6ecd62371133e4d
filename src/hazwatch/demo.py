"""The whole demo: the registry district (:mod:`hazwatch.registry.demo`) plus what the other
domains add on top: detectors where a careful operator fitted them (not in the 2·7 dry
rooms, which get a modelled O2 point fed by the tank telemetry), the LN2 tank's level
telemetry, escalation ladders delivering to the console, the
landlord's two rescue SCBA sets with low cylinders, as on the day (each opening a hidden
danger), and the lab's prevention loops (:mod:`hazwatch.prevention.demo`)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.chemicals import demo as chemicals_demo
from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import local_date, utcnow
from hazwatch.core.settings import Settings
from hazwatch.district import demo as district_demo
from hazwatch.emergency import service as emergency
from hazwatch.emergency.readiness import demo as readiness_demo
from hazwatch.monitoring import service as monitoring
from hazwatch.monitoring.calibration import demo as calibration_demo
from hazwatch.monitoring.escalation.models import Contact, EscalationStep
from hazwatch.monitoring.kinds import PointKind
from hazwatch.monitoring.schemas import DeviceIn, PointIn
from hazwatch.prevention import demo as prevention_demo
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.prevention.risks import demo as risks_demo
from hazwatch.registry.demo import DemoIds, load_demo
from hazwatch.registry.landlord import demo as landlord_demo
from hazwatch.supervision import demo as supervision_demo

LADDER = (
    (0, "duty_officer"),
    (5, "safety_manager"),
    (10, "principal"),
    (15, "landlord"),
    (15, "regulator"),
)


def load(session: Session, moment: Moment | None = None) -> DemoIds:
    """``moment``: when the demo happens and the settings in force (default: now, and the
    default settings)."""
    moment = moment or Moment(utcnow(), Settings())
    demo = load_demo(session)
    plant, lab, sublessor, chem = demo["plant"], demo["lab"], demo["sublessor"], demo["chem"]
    gateway, _secret = monitoring.create_device(
        session, SYSTEM, DeviceIn(site_id=plant, organisation_id=sublessor, code="GW-PLANT")
    )
    monitoring.create_point(
        session,
        SYSTEM,
        PointIn(
            site_id=plant,
            organisation_id=sublessor,
            room_id=demo["tank_yard"],
            device_id=gateway.id,
            code="O2-TANKYARD",
            name="储罐区氧含量",
            kind=PointKind.O2,
            expected_interval_s=30,
        ),
    )
    monitoring.create_point(
        session,
        SYSTEM,
        PointIn(
            site_id=plant,
            organisation_id=sublessor,
            tank_id=demo["ln2_tank"],
            device_id=gateway.id,
            code="LT-LN2",
            name="液氮储罐液位",
            kind=PointKind.TANK_LEVEL,
            expected_interval_s=300,
            low=Decimal(300),
            settings_reason="补液下单液位（供气协议）",
        ),
    )
    monitoring.create_point(
        session,
        SYSTEM,
        PointIn(
            site_id=plant,
            organisation_id=lab,
            room_id=demo["dry_room_1"],
            code="O2M-DRY1",
            name="干燥房1氧含量（模型推算）",
            kind=PointKind.O2_MODELLED,
            expected_interval_s=120,
        ),
    )
    chem_gateway, _secret = monitoring.create_device(
        session, SYSTEM, DeviceIn(site_id=demo["chem_site"], organisation_id=chem, code="GW-CHEM")
    )
    monitoring.create_point(
        session,
        SYSTEM,
        PointIn(
            site_id=demo["chem_site"],
            organisation_id=chem,
            room_id=demo["ammonia_room"],
            device_id=chem_gateway.id,
            code="NH3-01",
            name="氨制冷机房氨浓度",
            kind=PointKind.GAS_PPM,
            expected_interval_s=30,
            high=Decimal(20),
            high_high=Decimal(40),
            settings_reason="GBZ 2.1: NH3 PC-TWA 20 mg/m³ ≈ 28 ppm; alarm below it",
        ),
    )
    for organisation in (lab, sublessor, demo["landlord"], demo["ema"], chem):
        for role in ("duty_officer", "safety_manager", "principal"):
            session.add(
                Contact(
                    organisation_id=organisation,
                    role=role,
                    name=role,
                    channel="console",
                    address="console",
                )
            )
    for organisation in (lab, sublessor, chem):
        for minutes, target in LADDER:
            session.add(
                EscalationStep(organisation_id=organisation, after_minutes=minutes, target=target)
            )
    checked = moment.now - timedelta(days=3)
    for code, pressure in (("SCBA-LANDLORD-1", "18"), ("SCBA-LANDLORD-2", "21")):
        emergency.create_set(
            session,
            SYSTEM,
            organisation_id=demo["landlord"],
            code=code,
            holder="landlord-rescue",
            site_id=demo["plant"],
        )
        emergency.record_check(
            session,
            SYSTEM,
            set_code=code,
            at=checked,
            cylinder_pressure_mpa=Decimal(pressure),
            moment=moment,
        )
    prevention_demo.load(session, demo, moment)
    chemicals_demo.load(session, demo, moment)
    risks_demo.load(session, demo, moment)
    supervision_demo.load(session, demo, moment.now)
    calibration_demo.load(session, moment)
    readiness_demo.load(session, demo, moment)
    landlord_demo.load(session, demo, moment)
    timezone = moment.settings.timezone
    supervision_demo.load_standing(
        session, demo, moment.now, local_date(moment.now, timezone), timezone
    )
    district_demo.load(session, demo, moment)
    session.flush()
    return demo
