"""Findings of the 禁限控 catalogue (a registry finding rule): each registered process or
product in conflict with the version in force of its district."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from hazwatch.district.catalogue import service
from hazwatch.district.catalogue.choices import SEVERITY
from hazwatch.registry.findings import AsOf, Finding, Visible, register_rule


@register_rule
def catalogue_conflicts(session: Session, visible: Visible, as_of: AsOf) -> Iterable[Finding]:
    for hit in service.current_conflicts(session, visible):
        yield Finding(
            f"catalogue_{hit.category.value}",
            SEVERITY[hit.category],
            hit.item.organisation_id,
            hit.item.object_type,
            hit.item.object_id,
            {"item": hit.item.name, "entry": hit.entry_name},
        )
