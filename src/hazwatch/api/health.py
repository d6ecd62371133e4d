"""Liveness and readiness probes, and the Prometheus metrics.

Ready means the database answers *and* ingest moves: a process whose readings pile up
unstored is not ready, whatever its database says now (after an outage ingest once stayed
stopped while this probe said ready). In the partitioned mode it also means this process
can vouch for the present it shows: the workers' stored present is read, and their live
events are heard. Every reason is machine-readable.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from hazwatch import __version__
from hazwatch.api.inputs import Router
from hazwatch.core.auth.deps import get_context
from hazwatch.core.context import Context
from hazwatch.monitoring.runtime import EngineRuntime

router = Router(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get(
    "/readyz",
    responses={
        503: {
            "description": "Not ready: `reasons` says why (database_unavailable, "
            "ingest_stalled, ingest_lagging, writes_failing; partitioned: "
            "present_unavailable, live_unavailable)."
        }
    },
)
def readyz(request: Request, context: Annotated[Context, Depends(get_context)]) -> JSONResponse:
    runtime: EngineRuntime = request.app.state.runtime
    ingest = runtime.liveness.status()
    reasons = list(ingest.reasons) + runtime.present_problems()
    body: dict[str, object] = {"database": "ok", "ingest": ingest.as_dict()}
    try:
        with context.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # readiness must report, not raise
        body["database"] = "error"
        body["database_error"] = type(exc).__name__
        reasons.insert(0, "database_unavailable")
    if reasons:
        return JSONResponse(
            {"status": "unavailable", "reason": reasons[0], "reasons": reasons, **body},
            status_code=503,
        )
    return JSONResponse({"status": "ready", **body})


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text"}},
)
def metrics(request: Request) -> Response:
    """Prometheus metrics of this process (``hazwatch.monitoring.metrics``): ingest rate,
    lag, queue depth, alarm rate, notification failures, database write latency."""
    runtime: EngineRuntime = request.app.state.runtime
    return Response(generate_latest(runtime.metrics.registry), media_type=CONTENT_TYPE_LATEST)
