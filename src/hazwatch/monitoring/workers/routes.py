"""``GET /api/monitoring/workers``: the partitioned mode's health view (platform
administrators: workers serve every organisation, so the view belongs to none)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from hazwatch.api.inputs import Router
from hazwatch.core.auth.deps import AdminPrincipal, DbSession, get_context
from hazwatch.core.context import Context
from hazwatch.monitoring.workers import service
from hazwatch.monitoring.workers.schemas import WorkersView

router = Router(prefix="/api/monitoring", tags=["monitoring"])


def health(context: Context, session: Session) -> WorkersView:
    settings = context.settings
    return service.view(
        session,
        context.clock.now(),
        timedelta(seconds=settings.worker_lease_seconds),
        settings.stream_partitions,
    )


@router.get("/workers")
def workers(
    db: DbSession,
    _admin: AdminPrincipal,
    context: Annotated[Context, Depends(get_context)],
) -> WorkersView:
    """Every worker (alive: renewing its leases) and every partition with its owner and
    backlog; ``unowned`` lists partitions whose readings wait in the stream."""
    return health(context, db)
