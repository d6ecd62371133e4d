"""Readiness enumerations: qualification kinds, equipment kinds, drill states."""

from __future__ import annotations

from hazwatch.core.choices import Choice, with_colours


class QualificationKind(Choice):
    """What a person is qualified for (the training matrix's columns)."""

    SAFETY_MANAGER = "safety_manager"  # 安全生产管理人员 (Safety Law Art. 27)
    HAZCHEM_OPERATOR = "hazchem_operator"  # 危化品作业特种作业操作证
    CONFINED_SPACE = "confined_space"  # 有限空间作业 (GB 30871-2022)
    CONFINED_SPACE_GUARDIAN = "confined_space_guardian"  # 监护人
    HOT_WORK = "hot_work"  # 动火作业 (特种作业 焊接与热切割)
    SCBA_USER = "scba_user"  # 正压式空气呼吸器佩戴
    FIRST_AID = "first_aid"  # 急救
    RESCUE = "rescue"  # 应急救援员 (a rescue team member's certificate, seed 001 measure 15)


class EquipmentKind(Choice):
    """The emergency equipment registry (SCBA sets live in ``scba_set`` with their checks).
    The kinds after ``fan`` are what a district's shared equipment library lends to a
    hazardous-chemical incident (seed 001 measure 15: 应急救援共享装备库)."""

    SCBA = "scba"
    ESCAPE_PACK = "escape_pack"
    PORTABLE_O2_METER = "portable_o2_meter"
    FAN = "fan"
    CHEMICAL_SUIT = "chemical_suit"
    LEAK_KIT = "leak_kit"
    ABSORBENT = "absorbent"
    FOAM = "foam"
    GAS_DETECTOR = "gas_detector"
    TRANSFER_PUMP = "transfer_pump"


@with_colours({"planned": "blue", "held": "green"})
class DrillState(Choice):
    PLANNED = "planned"
    HELD = "held"
