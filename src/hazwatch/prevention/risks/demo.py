"""The demo risk register: the lab's dry rooms graded from their ODH class (as on 2·7:
class 3, red), its changing room and office, and the chemical plant's ammonia tank farm and
refrigeration room (the plant's tests add more)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import SYSTEM
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.prevention.odh.choices import AssessmentTrigger
from hazwatch.prevention.odh.service import reassess
from hazwatch.prevention.risks import service
from hazwatch.prevention.risks.choices import ControlKind, ObjectKind
from hazwatch.prevention.risks.grading import RiskMethod
from hazwatch.prevention.risks.schemas import ControlIn, EventIn, ObjectIn
from hazwatch.registry.demo import DemoIds
from hazwatch.registry.models import Room

D = Decimal

DRY_ROOM_CONTROLS = (
    (ControlKind.ENGINEERING, "氮气软管改为卡箍固定；加装固定式氧含量检测报警并联锁排风（整改中）"),
    (ControlKind.MANAGEMENT, "进入干燥房前检测氧含量，双人作业"),
    (ControlKind.TRAINING, "缺氧危害及应急处置培训"),
    (ControlKind.PPE, "便携式氧含量检测报警仪"),
    (ControlKind.EMERGENCY, "正压式空气呼吸器两套，禁止盲目施救"),
)


def load(session: Session, demo: DemoIds, moment: Moment) -> None:
    now = moment.now
    lab, chem = demo["lab"], demo["chem"]

    def obj(organisation: int, site: int, name: str, kind: ObjectKind, **more: int) -> int:
        data = ObjectIn(organisation_id=organisation, site_id=site, name=name, kind=kind, **more)
        return service.create_object(session, SYSTEM, data).id

    def event(object_id: int, title: str, consequence: str, **more: object) -> int:
        data = EventIn.model_validate({"title": title, "consequence": consequence, **more})
        return service.create_event(session, SYSTEM, object_id, data, now).id

    for key, furnace in (("dry_room_1", "气氛箱式炉"),):
        room = session.get(Room, demo[key])
        assert room is not None
        reassess(session, room, AssessmentTrigger.ROOM, now)
        equipment = obj(
            lab, demo["plant"], f"{room.name}{furnace}", ObjectKind.EQUIPMENT, room_id=room.id
        )
        asphyxia = event(
            equipment, "氮气泄漏致缺氧窒息", "进入人员窒息死亡", method=RiskMethod.LS, odh=True
        )
        for kind, text in DRY_ROOM_CONTROLS:
            service.add_control(session, SYSTEM, asphyxia, ControlIn(kind=kind, description=text))
        demo.ids[f"risk_{key}"] = asphyxia
    changing = obj(lab, demo["plant"], "更衣室", ObjectKind.PLACE, room_id=demo["changing_room"])
    event(
        changing, "电气线路老化引发火灾", "人员烧伤、财产损失",
        method=RiskMethod.LEC, factors={"L": D(1), "E": D(6), "C": D(15)},
    )  # fmt: skip
    office = obj(lab, demo["plant"], "办公室", ObjectKind.PLACE, room_id=demo["lab_office"])
    event(
        office, "地面湿滑摔倒", "轻伤",
        method=RiskMethod.LS, factors={"L": D(2), "S": D(2)},
    )  # fmt: skip
    farm = obj(
        chem,
        demo["chem_site"],
        "液氨罐区",
        ObjectKind.FACILITY,
        chemical_unit_id=demo["ammonia_farm"],
    )
    leak = event(
        farm, "液氨储罐泄漏中毒", "多人中毒",
        method=RiskMethod.LEC, factors={"L": D(1), "E": D(6), "C": D(40)},
    )  # fmt: skip
    service.add_control(
        session,
        SYSTEM,
        leak,
        ControlIn(kind=ControlKind.ENGINEERING, description="氨气检测报警联锁紧急切断、喷淋"),
    )
    machine = obj(
        chem, demo["chem_site"], "氨压缩机", ObjectKind.EQUIPMENT, room_id=demo["ammonia_room"]
    )
    event(
        machine, "氨压缩机泄漏中毒", "作业人员中毒",
        method=RiskMethod.LS, factors={"L": D(2), "S": D(4)},
    )  # fmt: skip
