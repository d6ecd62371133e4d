"""Enumerations of the 禁限控 catalogue (labels in ``locale/*/district.po`` under ``choice.*``)."""

from __future__ import annotations

from hazwatch.core.choices import Choice, with_colours
from hazwatch.registry.findings import Severity


@with_colours({"draft": "grey", "published": "green", "superseded": "blue"})
class VersionState(Choice):
    """draft (edited, its impact shown) → published (in force; one per district at a time)
    → superseded (by the next published version; kept as history)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class CatalogueSubject(Choice):
    PROCESS = "process"
    PRODUCT = "product"


@with_colours({"prohibited": "red", "restricted": "orange", "controlled": "yellow"})
class CatalogueCategory(Choice):
    """禁止 (prohibited), 限制 (restricted), 控制 (controlled)."""

    PROHIBITED = "prohibited"
    RESTRICTED = "restricted"
    CONTROLLED = "controlled"


#: How grave a registered process or product in conflict with an entry is: a prohibited one
#: is dispatched for verification like every major finding.
SEVERITY = {
    CatalogueCategory.PROHIBITED: Severity.MAJOR,
    CatalogueCategory.RESTRICTED: Severity.SERIOUS,
    CatalogueCategory.CONTROLLED: Severity.NOTICE,
}
