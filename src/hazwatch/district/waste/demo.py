"""The demo district's waste transfer: the chemical plant sends its waste through a licensed
hazardous-goods carrier to a licensed disposal company. One trip does not reconcile: 2000 kg
of contaminated packaging (900-041-49) declared and picked up, 1850 kg received (7.5 % off,
beyond the 2 % tolerance); another is on the road."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import local_date
from hazwatch.district.waste import service
from hazwatch.district.waste.choices import HandoverStep, WasteLicenceKind
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds


def load(session: Session, demo: DemoIds, moment: Moment) -> None:
    today = local_date(moment.now, moment.settings.timezone)
    for organisation, kind, number, entries in (
        (
            demo["carrier"],
            WasteLicenceKind.CARRIER,
            "浙交运管许可甬字330299000123号",
            ["HW08", "HW49"],
        ),
        (demo["disposer"], WasteLicenceKind.RECEIVER, "浙危废经第3302000088号", ["HW08", "HW49"]),
    ):
        service.create_licence(
            session,
            SYSTEM,
            organisation_id=organisation,
            kind=kind,
            number=number,
            waste_codes=entries,
            valid_from=today - timedelta(days=400),
            valid_until=today + timedelta(days=700),
            issuer="宁波市生态环境局" if kind is WasteLicenceKind.RECEIVER else "海港区交通运输局",
        )
    started = Moment(moment.now - timedelta(hours=6), moment.settings)
    short = service.issue(
        session,
        SYSTEM,
        started,
        organisation_id=demo["chem"],
        carrier_id=demo["carrier"],
        receiver_id=demo["disposer"],
        vehicle_plate="浙B·D0123",
        waste_code="900-041-49",
        waste_name="沾染危险化学品的废包装桶",
        quantity_kg=Decimal("2000"),
    )
    service.handover(
        session, SYSTEM, started, short.id, step=HandoverStep.PICKUP, quantity_kg=Decimal("2000")
    )
    service.handover(
        session,
        SYSTEM,
        Moment(moment.now - timedelta(hours=2), moment.settings),
        short.id,
        step=HandoverStep.RECEIPT,
        quantity_kg=Decimal("1850"),
    )
    demo.ids["manifest_short"] = short.id
    on_road = service.issue(
        session,
        SYSTEM,
        Moment(moment.now - timedelta(hours=1), moment.settings),
        organisation_id=demo["chem"],
        carrier_id=demo["carrier"],
        receiver_id=demo["disposer"],
        vehicle_plate="浙B·D0456",
        waste_code="900-249-08",
        waste_name="废矿物油",
        quantity_kg=Decimal("1500"),
    )
    service.handover(
        session, SYSTEM, moment, on_road.id, step=HandoverStep.PICKUP, quantity_kg=Decimal("1500")
    )
    demo.ids["manifest_on_road"] = on_road.id
