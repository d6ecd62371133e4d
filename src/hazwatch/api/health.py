"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text

from hazwatch import __version__
from hazwatch.api.inputs import Router
from hazwatch.core.auth.deps import get_context
from hazwatch.core.context import Context

router = Router(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get("/readyz")
def readyz(context: Annotated[Context, Depends(get_context)]) -> JSONResponse:
    try:
        with context.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # readiness must report, not raise
        return JSONResponse(
            {"status": "unavailable", "database": "error", "reason": type(exc).__name__},
            status_code=503,
        )
    return JSONResponse({"status": "ready", "database": "ok"})
