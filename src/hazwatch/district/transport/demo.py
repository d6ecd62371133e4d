"""The demo district's hazardous-goods transport: the carrier's three vehicles (one without
liability insurance) watched by one monitoring person (the rule wants two); the district
transport bureau's zones: the 海港隧道 (an extra-long tunnel barred to hazardous goods
around the clock), the 甬江大桥 bridge (barred at rush hours), the 姚江 drinking-water
source area, and the 沿海高速 expressway (80 km/h). A tanker enters the tunnel: the warning
is dispatched to the transport bureau."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.district.transport import service
from hazwatch.district.transport.choices import ZoneKind
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds

BASIS = "海港区危险货物运输车辆禁限行线路（动态调整），海政办发〔2021〕实施意见第6条"
RUSH_HOURS = [
    {"days": [1, 2, 3, 4, 5], "start": "07:00", "end": "09:00"},
    {"days": [1, 2, 3, 4, 5], "start": "17:00", "end": "19:00"},
]
#: The tunnel's axis (lon lat): a car inside it is at its middle.
TUNNEL = "LINESTRING (121.8400 29.9000, 121.8600 29.9050)"
IN_TUNNEL = (Decimal("29.9025"), Decimal("121.8500"))


def load(session: Session, demo: DemoIds, moment: Moment) -> None:
    carrier, bureau = demo["carrier"], demo["transport_bureau"]
    insured_until = service.today(moment) + timedelta(days=200)
    for key, plate, insured in (
        ("tanker", "浙B·D0123", True),
        ("van", "浙B·D0456", True),
        ("uninsured_vehicle", "浙B·D0789", False),
    ):
        vehicle = service.add_vehicle(
            session,
            SYSTEM,
            organisation_id=carrier,
            plate=plate,
            insurer="人保财险宁波分公司" if insured else "",
            insured_until=insured_until if insured else None,
        )
        demo.ids[key] = vehicle.id
    service.set_staff(session, SYSTEM, carrier, 1)
    for key, name, kind, wkt, buffer_m, limit, windows in (
        ("tunnel", "海港隧道", ZoneKind.RESTRICTED, TUNNEL, Decimal(20), None, []),
        (
            "bridge",
            "甬江大桥",
            ZoneKind.RESTRICTED,
            "LINESTRING (121.7000 29.9500, 121.7100 29.9520)",
            Decimal(25),
            None,
            RUSH_HOURS,
        ),
        (
            "water_source",
            "姚江饮用水源保护区",
            ZoneKind.RESTRICTED,
            "POLYGON ((121.50 29.95, 121.56 29.95, 121.56 29.99, 121.50 29.99, 121.50 29.95))",
            Decimal(0),
            None,
            [],
        ),
        (
            "expressway",
            "沿海高速海港段",
            ZoneKind.SPEED,
            "LINESTRING (121.6000 29.8000, 121.8000 29.8500)",
            Decimal(40),
            80,
            [],
        ),
    ):
        zone = service.create_zone(
            session,
            SYSTEM,
            organisation_id=bureau,
            name=name,
            kind=kind,
            geometry_wkt=wkt,
            buffer_m=buffer_m,
            speed_limit_kmh=limit,
            windows=windows,
            basis=BASIS,
        )
        demo.ids[f"zone_{key}"] = zone.id
    lat, lon = IN_TUNNEL
    _, warnings = service.report(
        session,
        SYSTEM,
        moment,
        service.PositionIn(
            plate="浙B·D0123",
            at=moment.now,
            lat=lat,
            lon=lon,
            speed_kmh=Decimal(45),
            heading=Decimal(78),
        ),
    )
    demo.ids["tunnel_warning"] = warnings[0].id
