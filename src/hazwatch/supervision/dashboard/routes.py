"""The regulator dashboard over HTTP (issue 15 item 9)."""

from __future__ import annotations

from fastapi import Request
from pydantic import BaseModel

from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.supervision.dashboard import service

router = Router(prefix="/api/supervision/dashboard", tags=["supervision"])


class ItemOut(BaseModel):
    label: str
    organisation_id: int | None
    organisation: str
    age_minutes: int | None
    flag: str
    link: str


class FigureOut(BaseModel):
    key: str
    count: int
    link: str
    by_level: dict[str, int]
    items: list[ItemOut]


class DashboardOut(BaseModel):
    jurisdiction_id: int
    jurisdiction: str
    figures: list[FigureOut]


def dashboard_out(found: service.Dashboard) -> DashboardOut:
    return DashboardOut(
        jurisdiction_id=found.jurisdiction_id,
        jurisdiction=found.jurisdiction,
        figures=[
            FigureOut(
                key=f.key,
                count=f.count,
                link=f.link,
                by_level=f.by_level,
                items=[ItemOut(**vars(i)) for i in f.items],
            )
            for f in found.figures
        ],
    )


@router.get("", response_model=DashboardOut)
def dashboard(
    request: Request, db: DbSession, principal: CurrentPrincipal, jurisdiction_id: Id | None = None
) -> DashboardOut:
    """Each figure of a jurisdiction of the caller's area (default: its own) with the items
    behind it, each naming its organisation, and the list it drills down to."""
    context = get_context(request)
    found = service.build(db, principal, context.clock.now(), context.settings, jurisdiction_id)
    return dashboard_out(found)
