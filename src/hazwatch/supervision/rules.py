"""Configurable, versioned rules for grades, safety codes and points (issue 15 items 2, 4, 5).

DOMAIN §9: "None of the thresholds for A/B/C/D, safety codes or points are published: they
are settings with sensible defaults, explained to the user when applied." So a rule set is
data, never code: a small declarative JSON body, validated by pydantic against the named
inputs of its kind before it is stored (nothing is ever evaluated as an expression):

* grades and codes: ``levels``, each a level and the conditions (``input`` ``op`` ``value``,
  with the ``source`` of the boundary) of which any one puts a subject at that level; a
  subject takes the worst level any of its conditions reaches, ``default`` (the best) when
  none does, and every condition that decided it is a reason shown with the level;
* enterprise grades also set the yearly inspection frequency per grade;
* points: the points of each event, the cycle, the interview and re-examination thresholds.

Boundaries are ``Decimal`` and inclusive as written (``lt 60`` is "below 60"). Versions are
kept per jurisdiction like responsibility matrices (the nearest jurisdiction up the tree with
a version wins), every version is audited, and a body can be previewed against today's data
before it is stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import InvalidInput, NotFound
from hazwatch.supervision.choices import (
    CodeColour,
    ParkRiskClass,
    RuleKind,
    SupervisionGrade,
)
from hazwatch.supervision.models import RuleSet
from hazwatch.supervision.responsibility import (
    ancestors,
    visible_jurisdictions,
    writable_jurisdiction,
)

#: A stored body is at most this long (JSON text): a rule set is a page, not a database.
MAX_BODY_CHARS = 20_000

# -- the named inputs -------------------------------------------------------------------------

NUMBER, FLAG = "number", "flag"

#: Inputs of an enterprise (also user enterprises: labs, hospitals, schools, institutes).
ENTERPRISE_INPUTS: dict[str, str] = {
    "diagnostic_assessed": FLAG,
    "diagnostic_score": NUMBER,
    "diagnostic_direct_red": FLAG,
    "standardisation_level": NUMBER,
    "serious_dishonesty": FLAG,
    "bad_credit_12m": NUMBER,
    "good_credit_12m": NUMBER,
    "points": NUMBER,
    "principal_points": NUMBER,
    "accidents_3y": NUMBER,
    "deaths_3y": NUMBER,
    "open_major_hidden_dangers": NUMBER,
    "overdue_major_hidden_dangers": NUMBER,
    "overdue_hidden_dangers": NUMBER,
    "critical_alarms_30d": NUMBER,
    "unacked_critical_alarms": NUMBER,
    "missing_commitments_7d": NUMBER,
    "lapsed_qualifications": NUMBER,
}
#: Inputs of a person (a principal or a safety officer of an organisation).
PERSON_INPUTS: dict[str, str] = {
    "points": NUMBER,
    "serious_dishonesty": FLAG,
    "bad_credit_12m": NUMBER,
    "lapsed_qualifications": NUMBER,
}
#: Inputs of a park (a jurisdiction of kind park) and of the enterprises in it.
PARK_INPUTS: dict[str, str] = {
    "park_assessed": FLAG,
    "park_score": NUMBER,
    "enterprises": NUMBER,
    "red_enterprises": NUMBER,
    "yellow_enterprises": NUMBER,
    "overdue_major_hidden_dangers": NUMBER,
    "unacked_critical_alarms": NUMBER,
}
INPUTS: dict[RuleKind, dict[str, str]] = {
    RuleKind.ENTERPRISE_GRADE: ENTERPRISE_INPUTS,
    RuleKind.ENTERPRISE_CODE: ENTERPRISE_INPUTS,
    RuleKind.PERSON_CODE: PERSON_INPUTS,
    RuleKind.PARK_GRADE: PARK_INPUTS,
    RuleKind.PARK_CODE: PARK_INPUTS,
}
#: Levels of each kind, worst first.
LEVELS: dict[RuleKind, tuple[str, ...]] = {
    RuleKind.ENTERPRISE_GRADE: ("D", "C", "B", "A"),
    RuleKind.PARK_GRADE: ("A", "B", "C", "D"),
    RuleKind.ENTERPRISE_CODE: ("red", "yellow", "green"),
    RuleKind.PERSON_CODE: ("red", "yellow", "green"),
    RuleKind.PARK_CODE: ("red", "yellow", "green"),
}

# -- the bodies -------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


Threshold = Decimal


class Condition(_Strict):
    input: str = Field(min_length=1, max_length=48)
    op: Literal["lt", "le", "gt", "ge", "eq", "ne"]
    value: StrictBool | Decimal = Field(union_mode="left_to_right")
    source: str = Field(default="", max_length=300)


class Level(_Strict):
    level: str = Field(min_length=1, max_length=8)
    any: list[Condition] = Field(min_length=1, max_length=50)


class LevelRules(_Strict):
    """Grades and codes."""

    levels: list[Level] = Field(min_length=1, max_length=10)
    default: str = Field(min_length=1, max_length=8)
    #: Enterprise grades only: inspections a year per grade (at most).
    frequency: dict[str, int] | None = None
    frequency_source: str = Field(default="", max_length=300)
    #: Enterprise grades only: the share (per cent) of each grade's enterprises the yearly
    #: plan draws at random (双随机); absent: every enterprise.
    sample: dict[str, int] | None = None
    sample_source: str = Field(default="", max_length=300)


#: Platform events that record points themselves (:mod:`.point_triggers`).
Trigger = Literal[
    "accident_death",
    "major_hidden_danger",
    "major_hidden_danger_overdue",
    "general_hidden_danger_overdue",
    "late_alarm_response",
    "missed_commitment",
]


class PointEventRule(_Strict):
    points: int = Field(ge=1, le=12)
    source: str = Field(default="", max_length=300)
    #: The platform event that records these points without anyone typing them; None: a
    #: regulator records them (an inspection's finding, a document).
    trigger: Trigger | None = None


class PointsRules(_Strict):
    """记销分制: points per event, a yearly cycle, the thresholds that call the enterprise (or
    principal) to an interview and to a re-examination."""

    cycle: Literal["calendar_year"] = "calendar_year"
    interview_at: int = Field(ge=1, le=100)
    reexamine_at: int = Field(ge=1, le=100)
    events: dict[str, PointEventRule] = Field(min_length=1, max_length=60)
    source: str = Field(default="", max_length=300)
    #: An urgent alarm not acknowledged within this many minutes is a late response.
    late_alarm_minutes: int = Field(default=15, ge=1, le=1440)
    late_alarm_source: str = Field(default="", max_length=300)

    def triggered(self, trigger: str) -> tuple[str, PointEventRule] | None:
        """The event (name, rule) a platform event records, if the table counts it."""
        for name, rule in self.events.items():
            if rule.trigger == trigger:
                return name, rule
        return None


# -- the defaults, with their sources ---------------------------------------------------------

MEM_2018 = "应急〔2018〕19号《危险化学品生产储存企业安全风险评估诊断分级指南（试行）》"
PARK_GUIDE = "应急〔2019〕78号《化工园区安全风险排查治理导则（试行）》"
ORDER_11 = "应急管理部令第11号（2023）《安全生产严重失信主体名单管理办法》"
ORDER_493 = "国务院令第493号 第3条"
DISTRICT = "区默认设置（DOMAIN §9：阈值未公布，可配置）"
#: Seed 001: the district's implementation opinions (items 9 记销分制, 12 信用监管).
OPINIONS = "区委办综〔2021〕28号《关于全面加强危险化学品安全生产工作的实施意见》"
POINTS_SOURCE = (
    f"{OPINIONS}第9条（记销分制）；区默认设置，参照外省记分制 12/6/3/2 分、年度周期、"
    "9分约谈、12分复审"
)
#: 双随机一公开: lower shares and frequencies for good credit and low risk, higher for bad.
RANDOM_CHECKS = "国发〔2019〕5号《关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见》"
CREDIT = f"{OPINIONS}第12条（失信惩戒）；{DISTRICT}"
HIDDEN_DANGER = "《安全生产法》第41条（事故隐患排查治理）；" + POINTS_SOURCE
LATE_ALARM = "区工作规则：红色（紧急）预警一刻钟内响应，同派单核查受理时限；" + POINTS_SOURCE


def _c(name: str, op: str, value: Decimal | bool, source: str) -> dict[str, Any]:
    return {"input": name, "op": op, "value": value, "source": source}


DEFAULTS: dict[RuleKind, dict[str, Any]] = {
    RuleKind.ENTERPRISE_GRADE: {
        "levels": [
            {
                "level": "D",
                "any": [
                    _c("diagnostic_direct_red", "eq", True, f"{MEM_2018}：直接判定为红色"),
                    _c("diagnostic_score", "lt", Decimal(60), f"{MEM_2018}：红色 <60 分"),
                    _c("serious_dishonesty", "eq", True, ORDER_11),
                    _c("points", "ge", Decimal(12), f"{POINTS_SOURCE}（复审）"),
                    _c("deaths_3y", "ge", Decimal(1), f"{ORDER_493}；{DISTRICT}"),
                    _c("standardisation_level", "eq", Decimal(0), f"{DISTRICT}：未达标"),
                ],
            },
            {
                "level": "C",
                "any": [
                    _c("diagnostic_score", "lt", Decimal(75), f"{MEM_2018}：橙色 60–<75 分"),
                    _c("points", "ge", Decimal(9), f"{POINTS_SOURCE}（约谈）"),
                    _c("open_major_hidden_dangers", "ge", Decimal(1), DISTRICT),
                    _c("accidents_3y", "ge", Decimal(1), DISTRICT),
                    _c(
                        "bad_credit_12m",
                        "ge",
                        Decimal(1),
                        f"{OPINIONS}第12条（失信惩戒）；{DISTRICT}",
                    ),
                    _c("critical_alarms_30d", "ge", Decimal(3), DISTRICT),
                    _c("standardisation_level", "eq", Decimal(3), f"{DISTRICT}：三级"),
                ],
            },
            {
                "level": "B",
                "any": [
                    _c("diagnostic_score", "lt", Decimal(90), f"{MEM_2018}：黄色 75–<90 分"),
                    _c("diagnostic_assessed", "eq", False, f"{DISTRICT}：未诊断"),
                    _c("standardisation_level", "eq", Decimal(2), f"{DISTRICT}：二级"),
                ],
            },
        ],
        "default": "A",
        "frequency": {"A": 2, "B": 4, "C": 8, "D": 12},
        "frequency_source": (
            f"{DISTRICT}：每年至多 2/4/8/12 次（按标准化一/二/三级/未达标）；"
            f"{OPINIONS}第12条：信用优良企业减少检查频次"
        ),
        "sample": {"A": 20, "B": 40, "C": 70, "D": 100},
        "sample_source": f"{RANDOM_CHECKS}；{DISTRICT}：抽查比例 A 20%、B 40%、C 70%、D 100%",
    },
    RuleKind.PARK_GRADE: {
        "levels": [
            {"level": "A", "any": [_c("park_score", "lt", Decimal(60), f"{PARK_GUIDE}：A <60")]},
            {"level": "B", "any": [_c("park_score", "lt", Decimal(70), f"{PARK_GUIDE}：B <70")]},
            {
                "level": "C",
                "any": [
                    _c("park_score", "lt", Decimal(85), f"{PARK_GUIDE}：C <85"),
                    _c("park_assessed", "eq", False, f"{DISTRICT}：未评估"),
                ],
            },
        ],
        "default": "D",
    },
    RuleKind.ENTERPRISE_CODE: {
        "levels": [
            {
                "level": "red",
                "any": [
                    _c("overdue_major_hidden_dangers", "ge", Decimal(1), DISTRICT),
                    _c("unacked_critical_alarms", "ge", Decimal(1), DISTRICT),
                    _c("serious_dishonesty", "eq", True, ORDER_11),
                    _c("points", "ge", Decimal(12), f"{POINTS_SOURCE}（复审）"),
                ],
            },
            {
                "level": "yellow",
                "any": [
                    _c("open_major_hidden_dangers", "ge", Decimal(1), DISTRICT),
                    _c("overdue_hidden_dangers", "ge", Decimal(1), DISTRICT),
                    _c("missing_commitments_7d", "ge", Decimal(2), DISTRICT),
                    _c("lapsed_qualifications", "ge", Decimal(1), DISTRICT),
                    _c("points", "ge", Decimal(9), f"{POINTS_SOURCE}（约谈）"),
                    _c("principal_points", "ge", Decimal(9), f"{POINTS_SOURCE}（约谈）"),
                ],
            },
        ],
        "default": "green",
    },
    RuleKind.PERSON_CODE: {
        "levels": [
            {
                "level": "red",
                "any": [
                    _c("serious_dishonesty", "eq", True, ORDER_11),
                    _c("points", "ge", Decimal(12), f"{POINTS_SOURCE}（复审）"),
                ],
            },
            {
                "level": "yellow",
                "any": [
                    _c("points", "ge", Decimal(9), f"{POINTS_SOURCE}（约谈）"),
                    _c("lapsed_qualifications", "ge", Decimal(1), DISTRICT),
                    _c("bad_credit_12m", "ge", Decimal(1), DISTRICT),
                ],
            },
        ],
        "default": "green",
    },
    RuleKind.PARK_CODE: {
        "levels": [
            {
                "level": "red",
                "any": [
                    _c("park_score", "lt", Decimal(60), f"{PARK_GUIDE}：A 类（高风险）"),
                    _c("red_enterprises", "ge", Decimal(3), DISTRICT),
                ],
            },
            {
                "level": "yellow",
                "any": [
                    _c("red_enterprises", "ge", Decimal(1), DISTRICT),
                    _c("yellow_enterprises", "ge", Decimal(3), DISTRICT),
                    _c("park_score", "lt", Decimal(70), f"{PARK_GUIDE}：B 类（较高风险）"),
                ],
            },
        ],
        "default": "green",
    },
    RuleKind.POINTS: {
        "cycle": "calendar_year",
        "interview_at": 9,
        "reexamine_at": 12,
        "source": POINTS_SOURCE,
        "late_alarm_minutes": 15,
        "late_alarm_source": LATE_ALARM,
        "events": {
            "fatal_accident": {
                "points": 12,
                "source": f"{ORDER_493}：造成人员死亡的事故",
                "trigger": "accident_death",
            },
            "major_hidden_danger_overdue": {
                "points": 12,
                "source": HIDDEN_DANGER,
                "trigger": "major_hidden_danger_overdue",
            },
            "major_hidden_danger": {
                "points": 6,
                "source": HIDDEN_DANGER,
                "trigger": "major_hidden_danger",
            },
            "unlicensed_supply": {
                "points": 6,
                "source": "《危险化学品安全管理条例》第33条；" + POINTS_SOURCE,
            },
            "no_safety_agreement": {
                "points": 3,
                "source": "《安全生产法》第49条；" + POINTS_SOURCE,
            },
            "general_hidden_danger_overdue": {
                "points": 3,
                "source": HIDDEN_DANGER,
                "trigger": "general_hidden_danger_overdue",
            },
            "no_emergency_drill": {"points": 3, "source": POINTS_SOURCE},
            # Recorded by a regulator, not per missed day: the enterprise code already
            # counts missed commitments (yellow at 2 in 7 days); a jurisdiction may set the
            # trigger "missed_commitment" in its own version.
            "missing_commitment": {"points": 2, "source": POINTS_SOURCE},
            "late_alarm_response": {
                "points": 2,
                "source": LATE_ALARM,
                "trigger": "late_alarm_response",
            },
        },
    },
}

# -- validation -------------------------------------------------------------------------------


def _path(loc: Sequence[int | str]) -> str:
    return ".".join(["body", *(str(p) for p in loc)])


def parse(kind: RuleKind, body: Mapping[str, Any]) -> LevelRules | PointsRules:
    """The body as rules of ``kind``, or :class:`InvalidInput` naming the first fault (the
    field is the path into the body, e.g. ``body.levels.0.any.1.input``)."""
    if len(json.dumps(body, default=str)) > MAX_BODY_CHARS:
        raise InvalidInput("supervision.rules.too_large", field="body", limit=MAX_BODY_CHARS)
    model: type[LevelRules] | type[PointsRules] = (
        PointsRules if kind is RuleKind.POINTS else LevelRules
    )
    try:
        parsed = model.model_validate(body)
    except ValidationError as error:
        first = error.errors()[0]
        raise InvalidInput(
            "supervision.rules.does_not_parse", field=_path(first["loc"]), detail=first["msg"]
        ) from None
    if isinstance(parsed, PointsRules):
        if parsed.reexamine_at < parsed.interview_at:
            raise InvalidInput("supervision.rules.thresholds_order", field="body.reexamine_at")
        triggers: set[str] = set()
        for name, rule in parsed.events.items():
            if not name.isidentifier() or len(name) > 48:
                raise InvalidInput("supervision.rules.bad_event", field=f"body.events.{name}")
            if rule.trigger is not None and rule.trigger in triggers:
                raise InvalidInput(
                    "supervision.rules.trigger_twice",
                    field=f"body.events.{name}.trigger",
                    trigger=rule.trigger,
                )
            if rule.trigger is not None:
                triggers.add(rule.trigger)
        return parsed
    _check_levels(kind, parsed)
    return parsed


def _check_levels(kind: RuleKind, rules: LevelRules) -> None:
    inputs, levels = INPUTS[kind], LEVELS[kind]
    if rules.default != levels[-1]:
        raise InvalidInput("supervision.rules.bad_default", field="body.default", level=levels[-1])
    seen: set[str] = set()
    for i, level in enumerate(rules.levels):
        if level.level not in levels[:-1] or level.level in seen:
            raise InvalidInput(
                "supervision.rules.unknown_level",
                field=f"body.levels.{i}.level",
                level=level.level,
                levels=", ".join(levels[:-1]),
            )
        seen.add(level.level)
        for j, condition in enumerate(level.any):
            where = f"body.levels.{i}.any.{j}"
            kind_of = inputs.get(condition.input)
            if kind_of is None:
                raise InvalidInput(
                    "supervision.rules.unknown_input", field=f"{where}.input", input=condition.input
                )
            is_flag = isinstance(condition.value, bool)
            if (kind_of == FLAG) != is_flag or (is_flag and condition.op not in ("eq", "ne")):
                raise InvalidInput(
                    "supervision.rules.value_type", field=f"{where}.value", input=condition.input
                )
            if not is_flag and not Decimal(condition.value).is_finite():
                raise InvalidInput(
                    "supervision.rules.value_type", field=f"{where}.value", input=condition.input
                )
    if kind is RuleKind.ENTERPRISE_GRADE:
        frequency = rules.frequency or {}
        if set(frequency) != set(levels) or any(not 0 <= n <= 52 for n in frequency.values()):
            raise InvalidInput("supervision.rules.frequency", field="body.frequency")
        sample = rules.sample
        if sample is not None and (
            set(sample) != set(levels) or any(not 0 <= n <= 100 for n in sample.values())
        ):
            raise InvalidInput("supervision.rules.sample", field="body.sample")
    elif rules.frequency is not None or rules.sample is not None:
        field = "body.frequency" if rules.frequency is not None else "body.sample"
        raise InvalidInput("supervision.rules.frequency_not_here", field=field)


# -- evaluation -------------------------------------------------------------------------------

Value = Decimal | bool | None


@dataclass(frozen=True)
class Reason:
    """One condition that holds: the input, its value, the boundary and its source."""

    input: str
    op: str
    threshold: str
    actual: str
    level: str
    source: str

    def as_dict(self) -> dict[str, str]:
        return {
            "input": self.input,
            "op": self.op,
            "threshold": self.threshold,
            "actual": self.actual,
            "level": self.level,
            "source": self.source,
        }


@dataclass(frozen=True)
class Verdict:
    level: str
    reasons: tuple[Reason, ...]


def _holds(actual: Value, op: str, threshold: Decimal | bool) -> bool:
    if actual is None:
        return False  # an input not known (no diagnostic score) meets no condition
    if isinstance(threshold, bool) or isinstance(actual, bool):
        return (actual == threshold) if op == "eq" else (actual != threshold)
    comparisons = {
        "lt": actual < threshold,
        "le": actual <= threshold,
        "gt": actual > threshold,
        "ge": actual >= threshold,
        "eq": actual == threshold,
        "ne": actual != threshold,
    }
    return comparisons[op]


def _text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "-" if value is None else format(value, "f")


def evaluate(kind: RuleKind, rules: LevelRules, inputs: Mapping[str, Value]) -> Verdict:
    """The worst level any condition reaches, with the conditions that put it there; the
    default level (and no reasons) when none holds."""
    order = LEVELS[kind]
    found: dict[str, list[Reason]] = {}
    for level in rules.levels:
        for condition in level.any:
            actual = inputs.get(condition.input)
            if _holds(actual, condition.op, condition.value):
                found.setdefault(level.level, []).append(
                    Reason(
                        condition.input,
                        condition.op,
                        _text(condition.value),
                        _text(actual),
                        level.level,
                        condition.source,
                    )
                )
    for level_name in order:
        if level_name in found:
            return Verdict(level_name, tuple(found[level_name]))
    return Verdict(rules.default, ())


# -- versions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InForce:
    """The rules that apply somewhere: a stored version, or the defaults (``id`` None)."""

    kind: RuleKind
    rules: LevelRules | PointsRules
    id: int | None
    version: int
    jurisdiction_id: int | None

    @property
    def levels(self) -> LevelRules:
        assert isinstance(self.rules, LevelRules)
        return self.rules

    @property
    def points(self) -> PointsRules:
        assert isinstance(self.rules, PointsRules)
        return self.rules


def defaults(kind: RuleKind) -> InForce:
    return InForce(kind, parse(kind, DEFAULTS[kind]), None, 0, None)


def in_force(session: Session, kind: RuleKind, jurisdiction_id: int | None) -> InForce:
    """The newest version of the nearest jurisdiction up the tree, else the defaults."""
    for node in ancestors(session, jurisdiction_id):
        found = session.scalar(
            select(RuleSet)
            .where(RuleSet.kind == kind.value, RuleSet.jurisdiction_id == node.id)
            .order_by(RuleSet.version.desc())
            .limit(1)
        )
        if found is not None:
            return InForce(kind, parse(kind, found.body), found.id, found.version, node.id)
    return defaults(kind)


def list_versions(
    session: Session, principal: Principal, kind: RuleKind | None = None
) -> list[RuleSet]:
    visible = visible_jurisdictions(session, principal)
    query = select(RuleSet).order_by(RuleSet.kind, RuleSet.jurisdiction_id, RuleSet.version.desc())
    if kind is not None:
        query = query.where(RuleSet.kind == kind.value)
    if visible is not None:
        query = query.where(RuleSet.jurisdiction_id.in_(visible))
    return list(session.scalars(query))


def get_version(session: Session, principal: Principal, ident: int) -> RuleSet:
    found = session.get(RuleSet, ident)
    visible = visible_jurisdictions(session, principal)
    if found is None or (visible is not None and found.jurisdiction_id not in visible):
        raise NotFound("scope.not_found", field="rule_set_id", id=ident)
    return found


def create_version(
    session: Session,
    principal: Principal,
    now: datetime,
    kind: RuleKind,
    jurisdiction_id: int,
    body: Mapping[str, Any],
    *,
    basis: str = "",
    note: str = "",
) -> RuleSet:
    """The next version of a jurisdiction's rules of ``kind``: refused (nothing stored) when
    the body does not parse or names an unknown input or level."""
    writable_jurisdiction(session, principal, jurisdiction_id)
    parsed = parse(kind, body)
    version = (
        session.scalar(
            select(func.max(RuleSet.version)).where(
                RuleSet.kind == kind.value, RuleSet.jurisdiction_id == jurisdiction_id
            )
        )
        or 0
    ) + 1
    row = RuleSet(
        kind=kind,
        jurisdiction_id=jurisdiction_id,
        version=version,
        body=parsed.model_dump(mode="json", exclude_none=True),
        basis=basis,
        note=note,
        created_at=now,
        created_by=principal.username,
    )
    session.add(row)
    session.flush()
    return row


def level_choice(kind: RuleKind, level: str) -> SupervisionGrade | ParkRiskClass | CodeColour:
    """The enumeration member of a level (for its label and colour)."""
    if kind is RuleKind.ENTERPRISE_GRADE:
        return SupervisionGrade(level)
    if kind is RuleKind.PARK_GRADE:
        return ParkRiskClass(level)
    return CodeColour(level)
