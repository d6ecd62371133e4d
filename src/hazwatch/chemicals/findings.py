"""Registry findings from GB 18218-2018 identifications: a unit that is a major hazard (for
the enterprise and, through its visibility, the regulator), a major hazard without one of its
three accountable persons, and an accountable person whose periodic check is overdue."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from hazwatch.chemicals.choices import PersonRole
from hazwatch.chemicals.service import duty_status, major_hazards
from hazwatch.core.clock import local_text
from hazwatch.registry.findings import AsOf, Finding, Severity, Visible, register_rule


@register_rule
def major_hazard_findings(session: Session, visible: Visible, as_of: AsOf) -> Iterable[Finding]:
    for unit, identification in major_hazards(session, visible):
        level = identification.level
        yield Finding(
            "major_hazard",
            Severity.MAJOR if level in (1, 2) else Severity.SERIOUS,
            unit.organisation_id,
            "chemical_unit",
            unit.id,
            {
                "unit": unit.name,
                "level": "-" if level is None else level,
                "s": identification.s,
                "r": identification.r or "-",
            },
        )
        for duty in duty_status(session, unit.id, as_of.now):
            if duty["person"] is None:
                yield Finding(
                    "major_hazard_person_missing",
                    Severity.SERIOUS,
                    unit.organisation_id,
                    "chemical_unit",
                    unit.id,
                    {"unit": unit.name, "role": PersonRole(duty["role"])},
                )
            elif duty["overdue"]:
                due = duty["due"]
                yield Finding(
                    "major_hazard_duty_overdue",
                    Severity.GENERAL,
                    unit.organisation_id,
                    "chemical_unit",
                    unit.id,
                    {
                        "unit": unit.name,
                        "role": PersonRole(duty["role"]),
                        "person": duty["person"],
                        "due": "-" if due is None else local_text(due, "Asia/Shanghai"),
                    },
                )
