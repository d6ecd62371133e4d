"""The demo district's emergency resources: the district's shared equipment library (the
reserve depot and the park's micro fire station, run by the emergency-management bureau)
and 海港精细化工's own store; the fire service's hazchem rescue squad (professional) and the
plant's full-time fire brigade (two of its three members lack a rescue certificate, so the
rules keep it out of dispatch); the district's dispatch rules. Three days ago the plant
held an ammonia-leak drill: the command centre asked for absorbent, chemical suits and a
team; the nearest were sent (the plant's own first), arrived, and came back, part of the
absorbent used up."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.core.clock import local_date
from hazwatch.district.resources import service
from hazwatch.district.resources.choices import DispatchPurpose, ItemCondition, TeamKind
from hazwatch.emergency.readiness import service as readiness
from hazwatch.emergency.readiness.choices import EquipmentKind, QualificationKind
from hazwatch.emergency.readiness.models import Equipment
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry import service as registry
from hazwatch.registry.demo import DemoIds, credit_code
from hazwatch.registry.resources import RESOURCES

D = Decimal
#: 海港精细化工's plant (the drill's scene), the reserve depot, the park's micro fire station.
PLANT = (D("29.9300"), D("121.8050"))
DEPOT = (D("29.8900"), D("121.7600"))
STATION = (D("29.9150"), D("121.8200"))
RULES = service.Rules(
    max_distance_km=D(30),
    reserve_percent=D(20),
    speed_kmh=D(40),
    teams=1,
    team_min_qualified=2,
    professional_first=True,
    basis="海港区应急救援共享装备库调度办法（2021），海政办发〔2021〕实施意见第15条",
)
#: (owner key, code, kind, name, where, quantity, unit, condition)
ITEMS = (
    (
        "ema",
        "KU-LEAK-1",
        EquipmentKind.LEAK_KIT,
        "堵漏工具组",
        DEPOT,
        D(10),
        "套",
        ItemCondition.GOOD,
    ),
    (
        "ema",
        "KU-ABS-1",
        EquipmentKind.ABSORBENT,
        "化学品吸附棉",
        DEPOT,
        D(2000),
        "kg",
        ItemCondition.GOOD,
    ),
    (
        "ema",
        "KU-SUIT-1",
        EquipmentKind.CHEMICAL_SUIT,
        "重型防化服",
        DEPOT,
        D(20),
        "套",
        ItemCondition.GOOD,
    ),
    (
        "ema",
        "KU-GAS-1",
        EquipmentKind.GAS_DETECTOR,
        "四合一气体检测仪",
        DEPOT,
        D(8),
        "台",
        ItemCondition.GOOD,
    ),
    (
        "ema",
        "ZX-ABS-1",
        EquipmentKind.ABSORBENT,
        "化学品吸附棉",
        STATION,
        D(300),
        "kg",
        ItemCondition.GOOD,
    ),
    (
        "ema",
        "ZX-SUIT-1",
        EquipmentKind.CHEMICAL_SUIT,
        "重型防化服",
        STATION,
        D(4),
        "套",
        ItemCondition.GOOD,
    ),
    (
        "ema",
        "ZX-PUMP-1",
        EquipmentKind.TRANSFER_PUMP,
        "防爆输转泵",
        STATION,
        D(1),
        "台",
        ItemCondition.NEEDS_REPAIR,
    ),
    (
        "chem",
        "HG-FOAM-1",
        EquipmentKind.FOAM,
        "抗溶性泡沫液",
        PLANT,
        D(5000),
        "L",
        ItemCondition.GOOD,
    ),
    (
        "chem",
        "HG-SUIT-1",
        EquipmentKind.CHEMICAL_SUIT,
        "重型防化服",
        PLANT,
        D(6),
        "套",
        ItemCondition.GOOD,
    ),
    (
        "chem",
        "HG-ABS-1",
        EquipmentKind.ABSORBENT,
        "化学品吸附棉",
        PLANT,
        D(500),
        "kg",
        ItemCondition.GOOD,
    ),
)
#: (team key, owner key, name, kind, where, members: (person, role, rescue certificate))
TEAMS = (
    (
        "rescue_squad",
        "fire_brigade",
        "海港区消防救援大队化工救援中队",
        TeamKind.PROFESSIONAL,
        (D("29.9000"), D("121.7900")),
        (("陈刚", "中队长", True), ("吴磊", "战斗员", True), ("孙杰", "战斗员", True)),
    ),
    (
        "plant_brigade",
        "chem",
        "海港精细化工专职消防队",
        TeamKind.ENTERPRISE_BRIGADE,
        PLANT,
        (("赵强", "队长", True), ("钱伟", "队员", False), ("周凯", "队员", False)),
    ),
)


def load(session: Session, demo: DemoIds, moment: Moment) -> None:
    brigade = registry.create_object(
        session,
        SYSTEM,
        RESOURCES["organisations"],
        {
            "kind": "regulator",
            "name": "海港区消防救援大队",
            "credit_code": credit_code("11330299MB1A00008"),
            "jurisdiction_id": demo["district"],
            "department_function": "fire_rescue",
        },
    )
    demo.ids["fire_brigade"] = brigade.id
    service.set_rules(session, SYSTEM, demo["district"], RULES)
    earlier = Moment(moment.now - timedelta(days=3), moment.settings)
    checked = earlier.now - timedelta(days=5)
    for owner, code, kind, name, (lat, lon), quantity, unit, condition in ITEMS:
        service.add_item(
            session,
            SYSTEM,
            organisation_id=demo[owner],
            kind=kind,
            code=code,
            name=name,
            site_id=demo["chem_site"] if owner == "chem" else None,
            lat=lat,
            lon=lon,
            quantity=quantity,
            unit=unit,
            condition=condition,
        )
        readiness.check_equipment(session, SYSTEM, earlier, code, passed=True, at=checked)
    issued = local_date(earlier.now, moment.settings.timezone) - timedelta(days=400)
    for key, owner, name, team_kind, (lat, lon), people in TEAMS:
        team = service.add_team(
            session,
            SYSTEM,
            organisation_id=demo[owner],
            name=name,
            kind=team_kind,
            lat=lat,
            lon=lon,
        )
        demo.ids[key] = team.id
        for person, role, certified in people:
            service.add_member(session, SYSTEM, team.id, person=person, role=role)
            if certified:
                readiness.add_qualification(
                    session,
                    SYSTEM,
                    earlier,
                    organisation_id=demo[owner],
                    person=person,
                    kind=QualificationKind.RESCUE,
                    issued_on=issued,
                    expires_on=issued + timedelta(days=5 * 365),
                    issued_by="浙江省应急管理厅",
                )
    load_drill(session, demo, earlier)


def load_drill(session: Session, demo: DemoIds, earlier: Moment) -> None:
    """The plant's ammonia-leak drill and the equipment dispatched to it."""
    drill = readiness.plan_drill(
        session,
        SYSTEM,
        earlier,
        organisation_id=demo["chem"],
        site_id=demo["chem_site"],
        title="液氨泄漏事故综合应急演练",
        scenario="氨制冷机房液氨管线法兰泄漏，区指挥中心调派共享装备库物资和专业救援队伍",
        planned_for=earlier.now + timedelta(hours=1),
    )
    demo.ids["resource_drill"] = drill.id
    start = Moment(drill.planned_for + timedelta(minutes=10), earlier.settings)
    lat, lon = PLANT
    dispatch = service.request_dispatch(
        session,
        SYSTEM,
        start,
        service.Request(
            purpose=DispatchPurpose.DRILL,
            drill_id=drill.id,
            site_id=demo["chem_site"],
            lat=lat,
            lon=lon,
            needs=[
                service.Need(EquipmentKind.ABSORBENT, D(800)),
                service.Need(EquipmentKind.CHEMICAL_SUIT, D(8)),
            ],
            note="演练：液氨泄漏，需吸附和防护物资",
        ),
    )
    demo.ids["resource_dispatch"] = dispatch.id
    lines = service.lines_of(session, dispatch.id)
    arrived = Moment(start.now + timedelta(minutes=25), earlier.settings)
    for line in lines:
        service.record_arrival(session, SYSTEM, arrived, line.id, arrived.now)
    back = Moment(start.now + timedelta(hours=4), earlier.settings)
    for line in lines:
        equipment = session.get(Equipment, line.equipment_id) if line.equipment_id else None
        returned = None
        if equipment is not None:
            used = line.quantity * D("0.4") if equipment.kind == EquipmentKind.ABSORBENT else D(0)
            returned = (line.quantity - used).quantize(D(1))
        service.record_return(
            session, SYSTEM, back, line.id, at=back.now, returned_quantity=returned
        )
    readiness.hold_drill(
        session,
        SYSTEM,
        back,
        drill.id,
        held_at=drill.planned_for,
        participants=36,
        summary="共享装备库物资 25 分钟到场；吸附棉消耗约四成，已按实际归还量入库",
    )
