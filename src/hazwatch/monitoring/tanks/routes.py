"""Tank statuses, leak settings and leak reset over HTTP (``/api/tanks``)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, EditorPrincipal, get_context
from hazwatch.monitoring.runtime import EngineRuntime
from hazwatch.monitoring.tanks import service
from hazwatch.monitoring.tanks.schemas import LeakSettingsIn, ResetIn, TankStatusOut

router = Router(prefix="/api/tanks", tags=["tanks"])


@router.get("")
def tank_statuses(
    request: Request, db: DbSession, principal: CurrentPrincipal
) -> list[TankStatusOut]:
    """The tanks the caller owns or operates, those with a leak alarm or unknown level first."""
    present = request.app.state.runtime.present
    return service.statuses(db, principal, get_context(request).clock.now(), present)


@router.get("/{tank_id}")
def tank_status(
    tank_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> TankStatusOut:
    present = request.app.state.runtime.present
    return service.status(db, principal, tank_id, get_context(request).clock.now(), present)


@router.put("/{tank_id}/leak-settings")
def update_settings(
    tank_id: Id, body: LeakSettingsIn, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    """The false-alarm budget per tank-year and the level noise; returns the tuned CUSUM."""
    setting = service.update_settings(db, principal, tank_id, body)
    return {
        "tank_id": setting.tank_id,
        "false_alarms_per_year": setting.false_alarms_per_year,
        "noise_mm": setting.noise_mm,
        "allowance_mm": setting.allowance_mm,
        "threshold_mm": setting.threshold_mm,
    }


@router.post("/{tank_id}/leak-reset")
def reset_leak(
    tank_id: Id, body: ResetIn, request: Request, db: DbSession, principal: EditorPrincipal
) -> dict[str, Any]:
    """Clear a latched leak alarm after the cause was found; the engine owns the alarms."""
    service.writable_tank(db, principal, tank_id)
    db.commit()  # the engine writes in its own transaction: do not hold the lock it waits for
    runtime: EngineRuntime = request.app.state.runtime
    now = get_context(request).clock.now()
    cleared = runtime.tanks.reset(tank_id, principal, body.reason, now)
    return {"tank_id": tank_id, "rooms_cleared": cleared}
