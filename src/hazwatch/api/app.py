"""Assemble the FastAPI application from every domain's router."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.routing import BaseRoute

from hazwatch import __version__
from hazwatch.api.docs import install_docs
from hazwatch.api.errors import install_error_handlers
from hazwatch.api.health import router as health_router
from hazwatch.api.watchdog import LoopWatchdog
from hazwatch.core.audit.routes import router as audit_router
from hazwatch.core.auth.routes import router as auth_router
from hazwatch.core.auth.routes import users_router
from hazwatch.core.context import Context
from hazwatch.core.logging import configure_logging
from hazwatch.monitoring.runtime import EngineRuntime


def create_app(context: Context, *, console: bool = True) -> FastAPI:
    """The HTTP app; ``console`` mounts the NiceGUI web console on the same app."""
    configure_logging(context.settings)
    runtime = EngineRuntime(context)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        build_request_handlers(app.router.routes)
        runtime.start()
        watchdog = LoopWatchdog(asyncio.get_running_loop())
        watchdog.start()
        try:
            yield
        finally:
            watchdog.stop()
            runtime.stop()

    app = FastAPI(
        title="HazWatch",
        version=__version__,
        description="Hazardous-chemical and oxygen-deficiency risk monitoring API.",
        lifespan=lifespan,
        docs_url=None,  # served offline by install_docs
        redoc_url=None,
    )
    install_docs(app)
    app.state.context = context
    app.state.runtime = runtime
    app.state.engine = runtime.engine
    app.state.access = runtime.access
    install_error_handlers(app)
    routers: tuple[APIRouter, ...] = (health_router, auth_router, users_router, audit_router)
    for router in routers:
        app.include_router(router)
    for router in domain_routers():
        app.include_router(router)
    if console:
        from hazwatch.web.console import mount_console

        mount_console(app, context)
    return app


def build_request_handlers(routes: Iterable[BaseRoute]) -> None:
    """Build every included router's request handlers before the server takes requests.

    FastAPI builds them on the first request that reaches each router (parameter models,
    pydantic validators: about 2 s of CPU for HazWatch's 371 routes, far more on a busy
    machine). That ran on the event loop the console shares, so the first uses of the API
    after a start froze every open page for seconds (the loop watchdog logged stalls over
    5 s). Routers are found by what they can do rather than by FastAPI's private class, so
    a FastAPI that builds eagerly simply finds nothing to do here."""
    for route in routes:
        for build in ("effective_candidates", "effective_low_priority_routes"):
            built = getattr(route, build, None)
            if callable(built):
                build_request_handlers(built())


def domain_routers() -> list[APIRouter]:
    """Routers of the domain packages, in the order their docs appear."""
    from hazwatch.attachments.routes import router as attachments_router
    from hazwatch.chemicals.routes import router as chemicals_router
    from hazwatch.district.admission.routes import router as admission_router
    from hazwatch.district.catalogue.routes import router as catalogue_router
    from hazwatch.district.coverage.routes import router as coverage_router
    from hazwatch.district.map.routes import router as map_router
    from hazwatch.district.resources.routes import router as resources_router
    from hazwatch.district.routes import router as calendar_router
    from hazwatch.district.transport.routes import ingest_router as positions_router
    from hazwatch.district.transport.routes import router as transport_router
    from hazwatch.district.waste.routes import router as waste_router
    from hazwatch.emergency.readiness.routes import router as readiness_router
    from hazwatch.emergency.routes import router as emergency_router
    from hazwatch.monitoring.access.routes import router as access_router
    from hazwatch.monitoring.calibration.routes import router as calibration_router
    from hazwatch.monitoring.escalation.routes import live_router
    from hazwatch.monitoring.escalation.routes import router as escalation_router
    from hazwatch.monitoring.interlocks.routes import router as interlock_router
    from hazwatch.monitoring.occupancy.routes import router as occupancy_router
    from hazwatch.monitoring.routes import ingest_router
    from hazwatch.monitoring.routes import router as monitoring_router
    from hazwatch.monitoring.tanks.routes import router as tanks_router
    from hazwatch.monitoring.workers.routes import router as workers_router
    from hazwatch.prevention.commitments.routes import router as commitments_router
    from hazwatch.prevention.hazard_findings.routes import router as hazard_router
    from hazwatch.prevention.inspections.routes import router as inspections_router
    from hazwatch.prevention.odh.routes import router as odh_router
    from hazwatch.prevention.risks.routes import router as risks_router
    from hazwatch.prevention.routes import router as permits_router
    from hazwatch.registry.landlord.routes import router as landlord_router
    from hazwatch.registry.routes import router as registry_router
    from hazwatch.supervision.dashboard.routes import router as dashboard_router
    from hazwatch.supervision.interconnect.routes import router as interconnect_router
    from hazwatch.supervision.rating_routes import router as rating_router
    from hazwatch.supervision.routes import router as supervision_router
    from hazwatch.supervision.tasks.routes import router as supervision_tasks_router

    return [
        registry_router,
        landlord_router,
        monitoring_router,
        ingest_router,
        positions_router,
        workers_router,
        access_router,
        occupancy_router,
        calibration_router,
        escalation_router,
        interlock_router,
        live_router,
        emergency_router,
        readiness_router,
        permits_router,
        odh_router,
        chemicals_router,
        risks_router,
        tanks_router,
        hazard_router,
        commitments_router,
        inspections_router,
        attachments_router,
        supervision_router,
        supervision_tasks_router,
        interconnect_router,
        dashboard_router,
        rating_router,
        waste_router,
        transport_router,
        map_router,
        admission_router,
        catalogue_router,
        resources_router,
        coverage_router,
        calendar_router,
    ]
