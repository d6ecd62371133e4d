"""Monitoring API: devices, points and their history, alarms and operator actions, ingest."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hazwatch.api.errors import language_of
from hazwatch.api.inputs import Id, Instant, Router, Text16, up_to
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context
from hazwatch.core.errors import Conflict, TooLarge, Unauthenticated
from hazwatch.core.i18n import translate
from hazwatch.monitoring import service
from hazwatch.monitoring.config import DeviceConfig
from hazwatch.monitoring.engine import MonitoringEngine
from hazwatch.monitoring.ingest import decode
from hazwatch.monitoring.models import Alarm, AlarmEvent, Device, MeasurementPoint
from hazwatch.monitoring.runtime import EngineRuntime
from hazwatch.monitoring.schemas import (
    AckIn,
    AlarmEventOut,
    AlarmOut,
    CommentIn,
    DeviceCreated,
    DeviceIn,
    DeviceOut,
    History,
    IngestBody,
    IngestResult,
    OutOfService,
    PointIn,
    PointOut,
    PointPatch,
    PointStatus,
    ShelveIn,
    SiteStatistics,
)
from hazwatch.monitoring.sharding import partition_of
from hazwatch.monitoring.workers.control import OperatorActions

router = Router(prefix="/api/monitoring", tags=["monitoring"])
ingest_router = Router(prefix="/api/ingest", tags=["ingest"])
_device_bearer = HTTPBearer(auto_error=False)


def get_engine(request: Request) -> MonitoringEngine:
    engine: MonitoringEngine = request.app.state.engine
    return engine


Engine = Annotated[MonitoringEngine, Depends(get_engine)]


def get_actions(request: Request) -> OperatorActions:
    """This process's engine, or in the partitioned mode the owners of the sites."""
    runtime: EngineRuntime = request.app.state.runtime
    return runtime.actions


Actions = Annotated[OperatorActions, Depends(get_actions)]


@router.post("/devices", response_model=DeviceCreated, status_code=201)
def create_device(
    body: DeviceIn, db: DbSession, principal: CurrentPrincipal, engine: Engine
) -> DeviceCreated:
    device, secret = service.create_device(db, principal, body)
    db.commit()
    engine.follow_config()
    return DeviceCreated(**DeviceOut.model_validate(device).model_dump(), token=secret)


@router.get("/devices", response_model=list[DeviceOut])
def list_devices(db: DbSession, principal: CurrentPrincipal) -> list[Device]:
    return service.list_devices(db, principal)


@router.post("/devices/{device_id}/revoke", response_model=DeviceOut)
def revoke_device(
    device_id: Id, db: DbSession, principal: CurrentPrincipal, engine: Engine
) -> Device:
    device = service.revoke_device(db, principal, device_id)
    db.commit()
    engine.follow_config()
    return device


@router.post("/points", response_model=PointOut, status_code=201)
def create_point(
    body: PointIn, db: DbSession, principal: CurrentPrincipal, engine: Engine
) -> MeasurementPoint:
    point = service.create_point(db, principal, body)
    db.commit()
    engine.follow_config()
    return point


@router.get("/points", response_model=list[PointOut])
def list_points(
    db: DbSession,
    principal: CurrentPrincipal,
    room_id: Id | None = None,
    site_id: Id | None = None,
) -> list[MeasurementPoint]:
    return service.list_points(db, principal, room_id=room_id, site_id=site_id)


@router.get("/points/status", response_model=list[PointStatus])
def point_status(
    request: Request, db: DbSession, principal: CurrentPrincipal, room_id: Id | None = None
) -> list[dict[str, Any]]:
    runtime: EngineRuntime = request.app.state.runtime
    return service.point_statuses(
        db,
        principal,
        room_id=room_id,
        present=runtime.present,
        at=get_context(request).clock.now(),
    )


@router.get("/points/{point_id}", response_model=PointOut)
def get_point(point_id: Id, db: DbSession, principal: CurrentPrincipal) -> MeasurementPoint:
    return service.get_point(db, principal, point_id)


@router.patch("/points/{point_id}", response_model=PointOut)
def update_point(
    point_id: Id, body: PointPatch, db: DbSession, principal: CurrentPrincipal, engine: Engine
) -> MeasurementPoint:
    point = service.update_point(db, principal, point_id, body)
    db.commit()
    engine.follow_config()
    return point


@router.post("/points/{point_id}/service", status_code=204)
def set_out_of_service(
    point_id: Id, body: OutOfService, db: DbSession, principal: CurrentPrincipal, actions: Actions
) -> None:
    point = service.get_point(db, principal, point_id)
    service.ensure_writable(db, principal, point.organisation_id)
    db.commit()  # the engine writes in its own transaction (see _operable)
    actions.set_out_of_service(point_id, principal, body.reason, body.out_of_service)


@router.get("/points/{point_id}/history", response_model=History)
def point_history(
    point_id: Id,
    db: DbSession,
    principal: CurrentPrincipal,
    start: Instant,
    end: Instant,
    max_points: Annotated[int, Query(ge=10, le=5000)] = 500,
) -> History:
    resolution, rows = service.history(db, principal, point_id, start, end, max_points)
    return History.model_validate({"point_id": point_id, "resolution": resolution, "points": rows})


def _alarm_out(alarm: Alarm, language: str) -> AlarmOut:
    out = AlarmOut.model_validate(alarm)
    out.message = translate(alarm.message_key, language, **alarm.params)
    return out


@router.get("/alarms", response_model=list[AlarmOut])
def list_alarms(
    request: Request,
    db: DbSession,
    principal: CurrentPrincipal,
    active_only: bool = True,
    site_id: Id | None = None,
    room_id: Id | None = None,
    state: Text16 | None = None,
) -> list[AlarmOut]:
    alarms = service.list_alarms(
        db, principal, active_only=active_only, site_id=site_id, room_id=room_id, state=state
    )
    return [_alarm_out(alarm, language_of(request)) for alarm in alarms]


@router.get("/alarms/history", response_model=list[AlarmEventOut])
def alarm_history(
    db: DbSession,
    principal: CurrentPrincipal,
    alarm_id: Id | None = None,
    site_id: Id | None = None,
    since: Instant | None = None,
    limit: Annotated[int, up_to(5000)] = 500,
) -> list[AlarmEvent]:
    return service.alarm_events(
        db, principal, alarm_id=alarm_id, site_id=site_id, since=since, limit=limit
    )


@router.get("/sites/{site_id}/statistics", response_model=SiteStatistics)
def statistics(
    site_id: Id,
    db: DbSession,
    principal: CurrentPrincipal,
    engine: Engine,
    minutes: Annotated[int, Query(ge=10, le=43_200)] = 1440,
) -> dict[str, Any]:
    return service.site_statistics(db, principal, site_id, engine.context.clock.now(), minutes)


def _operable(
    request: Request, db: DbSession, principal: CurrentPrincipal, alarm_id: Id, action: str
) -> Alarm:
    """Check the caller may act — here, before anything is sent to a partition's owner —
    then end the request's transaction: the engine writes in its own, which on SQLite would
    otherwise wait for this one's lock (a 30 s hang once the token's last use had been
    written)."""
    alarm = service.get_alarm(db, principal, alarm_id)
    service.ensure_may_operate(db, principal, alarm, action, get_context(request).settings)
    db.commit()
    return alarm


@router.post("/alarms/{alarm_id}/ack", status_code=204)
def acknowledge(
    request: Request,
    alarm_id: Id,
    body: AckIn,
    db: DbSession,
    principal: CurrentPrincipal,
    actions: Actions,
) -> None:
    _operable(request, db, principal, alarm_id, "ack")
    actions.acknowledge(alarm_id, principal, body.comment)


@router.post("/alarms/{alarm_id}/shelve", status_code=204)
def shelve(
    request: Request,
    alarm_id: Id,
    body: ShelveIn,
    db: DbSession,
    principal: CurrentPrincipal,
    actions: Actions,
) -> None:
    _operable(request, db, principal, alarm_id, "shelve")
    actions.shelve(alarm_id, principal, body.reason, body.until)


@router.post("/alarms/{alarm_id}/unshelve", status_code=204)
def unshelve(
    request: Request, alarm_id: Id, db: DbSession, principal: CurrentPrincipal, actions: Actions
) -> None:
    _operable(request, db, principal, alarm_id, "unshelve")
    actions.unshelve(alarm_id, principal)


@router.post("/alarms/{alarm_id}/comment", status_code=204)
def comment(
    request: Request,
    alarm_id: Id,
    body: CommentIn,
    db: DbSession,
    principal: CurrentPrincipal,
    actions: Actions,
) -> None:
    _operable(request, db, principal, alarm_id, "comment")
    actions.comment(alarm_id, principal, body.comment)


@router.get("/rejections")
def rejections(db: DbSession, principal: CurrentPrincipal) -> list[dict[str, Any]]:
    return [
        {
            "at": r.at,
            "source": r.source,
            "device": r.device_code,
            "point": r.point_code,
            "reason": r.reason,
            "excerpt": r.excerpt,
        }
        for r in service.list_rejections(db, principal)
    ]


def authenticate_device(
    engine: Engine,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_device_bearer)],
) -> DeviceConfig:
    if credentials is None:
        raise Unauthenticated("monitoring.device_token_missing")
    device = engine.device_for_secret(credentials.credentials)
    if device is None:
        raise Unauthenticated("monitoring.device_token_invalid")
    return device


@ingest_router.post(
    "/readings",
    response_model=IngestResult,
    responses={202: {"model": IngestResult, "description": "Partitioned: stored in the stream"}},
)
def ingest_readings(
    request: Request,
    response: Response,
    body: IngestBody,
    engine: Engine,
    device: Annotated[DeviceConfig, Depends(authenticate_device)],
) -> IngestResult:
    """HTTP batch ingest for gateways that cannot speak MQTT (device bearer token). In the
    partitioned mode the batch is stored in its site's stream and answered 202 (``queued``):
    the owning worker takes it like any bridged message, deciding duplicates and lateness."""
    max_batch = engine.context.settings.ingest_max_batch
    if len(body.readings) > max_batch:
        engine.reject_payload("batch_too_large", device, "http")
        raise TooLarge("monitoring.batch_too_large", max=max_batch)
    runtime: EngineRuntime = request.app.state.runtime
    if runtime.owners is not None:
        runtime.owners.store_batch(device, body.readings)
        response.status_code = 202
        return IngestResult(
            accepted=0, duplicates=0, late=0, rejected=[], queued=len(body.readings)
        )
    if not engine.partition.owns(device.site_id):
        raise Conflict(
            "monitoring.site_served_elsewhere",
            site=device.site_id,
            partition=partition_of(device.site_id, engine.partition.count),
        )
    decoded = decode({"readings": body.readings}, max_batch=max_batch)
    report = engine.submit_decoded(decoded, device=device, source="http")
    return IngestResult(
        accepted=report.accepted,
        duplicates=report.duplicates,
        late=report.late,
        rejected=[{"point": r.point, "reason": r.reason} for r in report.rejected],
    )
