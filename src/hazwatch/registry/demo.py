"""A fictional district that reproduces the 2·7 accident's registry facts on first start.

Names are invented; the geometry and supply chain follow the investigation report (seed 000):
a landlord's plant leased to an R&D company that sub-let part of it, without consent or a
safety agreement, to a start-up lab; a licensed gas company's LN2 tank at the plant, piped on
to the lab by the unlicensed sub-lessor; no department assigned to the lab.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.core import exposure
from hazwatch.core.auth import service as auth
from hazwatch.core.auth.roles import SYSTEM, Role
from hazwatch.registry import service
from hazwatch.registry.credit_code import check_character
from hazwatch.registry.models import Organisation
from hazwatch.registry.resources import RESOURCES

DEMO_PASSWORD = exposure.DEMO_PASSWORD


@dataclass
class DemoIds:
    """Ids of what the demo created, for the steps other domains add on top."""

    ids: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str]] = field(default_factory=list)

    def __getitem__(self, key: str) -> int:
        return self.ids[key]


def credit_code(first17: str) -> str:
    return first17 + check_character(first17)


def is_loaded(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(Organisation)))


def load_demo(session: Session) -> DemoIds:
    demo = DemoIds()

    def add(resource: str, key: str, /, **data: Any) -> int:
        obj = service.create_object(session, SYSTEM, RESOURCES[resource], data)
        demo.ids[key] = obj.id
        return int(obj.id)

    district = add("jurisdictions", "district", name="海港区", kind="district", code="330299")
    street = add("jurisdictions", "street", name="龙山街道", kind="street", parent_id=district)
    park = add("jurisdictions", "park", name="滨海科创园", kind="park", parent_id=street)

    def org(key: str, kind: str, name: str, code17: str, jurisdiction: int, **extra: Any) -> int:
        return add(
            "organisations",
            key,
            kind=kind,
            name=name,
            credit_code=credit_code(code17),
            jurisdiction_id=jurisdiction,
            **extra,
        )

    ema = org(
        "ema",
        "regulator",
        "海港区应急管理局",
        "11330299MB1A00001",
        district,
        department_function="emergency_management",
        principal_name="周局长",
        contacts=[{"name": "应急值班室", "role": "duty desk", "phone": "0574-8000-0110"}],
    )
    amr = org(
        "amr",
        "regulator",
        "海港区市场监督管理局",
        "11330299MB1A00002",
        district,
        department_function="market_supervision",
    )
    street_office = org(
        "street_office",
        "regulator",
        "龙山街道办事处",
        "11330299MB1A00003",
        street,
        department_function="street_office",
    )
    landlord = org(
        "landlord",
        "landlord",
        "宁海精工工具有限公司",
        "91330299MA1A00001",
        street,
        principal_name="许明",
        principal_phone="138-0000-0001",
        industry="厂房出租",
    )
    sublessor = org(
        "sublessor",
        "enterprise",
        "银杉新材料科技有限公司",
        "91330299MA1A00002",
        street,
        principal_name="李涛",
        safety_manager_name="王安",
        industry="锂电池负极材料研发",
        employees=45,
    )
    lab = org(
        "lab",
        "laboratory",
        "晨光储能科技有限公司",
        "91330299MA1A00003",
        street,
        principal_name="陈晨",
        principal_phone="138-0000-0003",
        safety_manager_name="刘工",
        safety_manager_phone="138-0000-0004",
        industry="储能材料研发",
        employees=12,
    )
    gas = org(
        "gas_supplier",
        "gas_supplier",
        "东海工业气体有限公司",
        "91330299MA1A00004",
        district,
        industry="工业气体",
    )
    unlicensed = org(
        "unlicensed_supplier",
        "gas_supplier",
        "速达气体经营部",
        "92330299MA1A00005",
        street,
        industry="气体零售",
    )
    chem = org(
        "chem",
        "enterprise",
        "海港精细化工有限公司",
        "91330299MA1A00006",
        park,
        industry="精细化工",
        employees=220,
        safety_manager_name="赵强",
    )
    dye = org(
        "dyeworks",
        "enterprise",
        "龙山印染有限公司",
        "91330299MA1A00007",
        street,
        industry="印染",
        employees=150,
    )
    testing = org(
        "testing_lab",
        "laboratory",
        "蓝海检测技术有限公司",
        "91330299MA1A00008",
        park,
        industry="检测服务",
        employees=20,
    )

    plant = add(
        "sites",
        "plant",
        organisation_id=landlord,
        jurisdiction_id=street,
        name="龙山路88号厂区",
        address="海港区龙山路88号",
    )
    shed = add(
        "buildings", "shed", site_id=plant, organisation_id=landlord, name="1号钢棚", floors=1
    )
    changing = add(
        "rooms",
        "changing_room",
        building_id=shed,
        organisation_id=lab,
        name="更衣室",
        length_m="3",
        width_m="2.5",
        height_m="2.8",
    )
    dry2 = add(
        "rooms",
        "dry_room_2",
        building_id=shed,
        organisation_id=lab,
        name="干燥房2",
        length_m="6",
        width_m="4.05",
        height_m="2.8",
    )
    dry1 = add(
        "rooms",
        "dry_room_1",
        building_id=shed,
        organisation_id=lab,
        name="干燥房1",
        length_m="7.33",
        width_m="4.05",
        height_m="2.8",
        notes="气氛箱式炉，氮气经推入式软管接入（0.9 MPa），无固定式氧含量检测报警",
    )
    add(
        "rooms",
        "lab_office",
        building_id=shed,
        organisation_id=lab,
        name="办公室",
        free_volume_m3="250",
        ventilation_type="natural",
        air_changes_per_hour="2",
    )
    add(
        "rooms",
        "tank_yard",
        building_id=shed,
        organisation_id=sublessor,
        name="液氮储罐区",
        free_volume_m3="400",
        ventilation_type="natural",
        air_changes_per_hour="6",
    )
    add(
        "doors",
        "lab_entrance",
        site_id=plant,
        organisation_id=lab,
        code="LAB-ENTRANCE",
        name="实验室入口（人脸识别）",
        reader="face",
        guarded_room_ids=[changing, dry2, dry1],
    )
    add(
        "doors",
        "dry1_door",
        site_id=plant,
        organisation_id=lab,
        code="LAB-DRY1",
        name="干燥房1内门",
        reader="card",
        guarded_room_ids=[dry1],
    )

    head = add(
        "leases",
        "head_lease",
        lessor_id=landlord,
        lessee_id=sublessor,
        site_id=plant,
        premises="钢棚、办公楼、宿舍楼、门卫",
        area_m2="7257",
        start_date=date(2023, 10, 20),
        end_date=date(2026, 10, 19),
        sublet_allowed=False,
    )
    add(
        "leases",
        "sub_lease",
        parent_id=head,
        lessor_id=sublessor,
        lessee_id=lab,
        site_id=plant,
        premises="实验室及办公区",
        area_m2="276.43",
        start_date=date(2024, 8, 1),
        end_date=date(2025, 12, 31),
        lessor_consent=False,
    )

    tank = add(
        "tanks",
        "ln2_tank",
        site_id=plant,
        organisation_id=gas,
        operator_id=sublessor,
        name="液氮储罐 4.99 m³",
        fluid="N2",
        orientation="vertical",
        volume_m3="4.99",
        diameter_m="1.7",  # as physics.tank.TANK_2_7: the bore the reconstruction implies
        design_pressure_mpa="2.5",
        liquid_density_kg_m3="806",
    )
    add(
        "supplies",
        "ln2_supply",
        supplier_id=gas,
        customer_id=sublessor,
        substance="液氮",
        cas="7727-37-9",
        form="bulk_tank",
        tank_id=tank,
        monthly_quantity_kg="4000",
        agreement_document="供气协议及特种设备使用安全管理协议（2023-11-06）",
        start_date=date(2023, 11, 20),
        end_date=date(2028, 11, 19),
    )
    n2_to_lab = add(
        "supplies",
        "n2_to_lab",
        supplier_id=sublessor,
        customer_id=lab,
        substance="氮气",
        cas="7727-37-9",
        form="pipeline",
        tank_id=tank,
        room_id=dry1,
    )
    add(
        "supplies",
        "argon_cylinders",
        supplier_id=unlicensed,
        customer_id=testing,
        substance="氩气",
        cas="7440-37-1",
        form="cylinder",
    )
    add(
        "hazard-sources",
        "dry1_nitrogen",
        room_id=dry1,
        kind="inert_gas",
        substance="氮气",
        cas="7727-37-9",
        description="气氛炉进气推入式软管，无卡箍",
        pressure_mpa="0.9",
        max_release_m3_h="48.9",
        supply_id=n2_to_lab,
    )

    add(
        "licences",
        "gas_licence",
        organisation_id=gas,
        licence_type="hazchem_trading",
        number="浙海危化经字〔2023〕000123",
        issuer="海港区应急管理局",
        scope="氮、氧、氩（压缩的或液化的）",
        valid_from=date(2023, 1, 1),
        valid_until=date(2029, 12, 31),
    )
    add(
        "licences",
        "chem_licence",
        organisation_id=chem,
        licence_type="hazchem_production",
        number="（浙）WH安许证字〔2024〕-0456",
        issuer="浙江省应急管理厅",
        valid_from=date(2024, 3, 1),
        valid_until=date(2027, 2, 28),
    )

    chem_site = add(
        "sites", "chem_site", organisation_id=chem, jurisdiction_id=park, name="海港精细化工厂区"
    )
    chem_building = add(
        "buildings", "chem_building", site_id=chem_site, organisation_id=chem, name="合成车间"
    )
    ammonia_room = add(
        "rooms",
        "ammonia_room",
        building_id=chem_building,
        organisation_id=chem,
        name="氨制冷机房",
        free_volume_m3="600",
        ventilation_type="exhaust",
        air_changes_per_hour="12",
        ventilation_interlocked=True,
    )
    add(
        "hazard-sources",
        "ammonia",
        room_id=ammonia_room,
        kind="toxic_gas",
        substance="氨",
        cas="7664-41-7",
        description="制冷系统",
        pressure_mpa="1.6",
    )

    for key, department, organisation, stage in (
        ("chem_production", ema, chem, "production"),
        ("chem_storage", ema, chem, "storage"),
        ("gas_trade", ema, gas, "trade"),
        ("dye_use", street_office, dye, "use"),
        ("gas_market", amr, gas, "transport"),
    ):
        add(
            "supervision-assignments",
            key,
            department_id=department,
            organisation_id=organisation,
            stage=stage,
            basis="区危化品安全监管职责分工",
        )

    accounts: tuple[tuple[str, Role, int | None, int | None], ...] = (
        ("admin", Role.PLATFORM_ADMIN, None, None),
        ("regulator", Role.REGULATOR, ema, district),
        ("street", Role.REGULATOR, street_office, street),
        ("lab", Role.SAFETY_OFFICER, lab, None),
        ("labhead", Role.ENTERPRISE_ADMIN, lab, None),
        ("labworker", Role.WORKER, lab, None),
        ("sublessor", Role.ENTERPRISE_ADMIN, sublessor, None),
        ("landlord", Role.LANDLORD, landlord, None),
        ("supplier", Role.SUPPLIER, gas, None),
        ("chem", Role.ENTERPRISE_ADMIN, chem, None),
    )
    for username, role, member_of, jurisdiction in accounts:
        auth.create_user(
            session,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            organisation_id=member_of,
            jurisdiction_id=jurisdiction,
        )
        demo.users.append((username, role.value))
    return demo
