"""Assemble the FastAPI application from every domain's router."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from hazwatch import __version__
from hazwatch.api.errors import install_error_handlers
from hazwatch.api.health import router as health_router
from hazwatch.core.audit.routes import router as audit_router
from hazwatch.core.auth.routes import router as auth_router
from hazwatch.core.auth.routes import users_router
from hazwatch.core.context import Context
from hazwatch.core.logging import configure_logging


def create_app(context: Context, *, console: bool = True) -> FastAPI:
    """The HTTP app; ``console`` mounts the NiceGUI web console on the same app."""
    configure_logging(context.settings)
    app = FastAPI(
        title="HazWatch",
        version=__version__,
        description="Hazardous-chemical and oxygen-deficiency risk monitoring API.",
    )
    app.state.context = context
    install_error_handlers(app)
    for router in (health_router, auth_router, users_router, audit_router):
        app.include_router(router)
    for router in domain_routers():
        app.include_router(router)
    if console:
        from hazwatch.web.console import mount_console

        mount_console(app, context)
    return app


def domain_routers() -> list[APIRouter]:
    """Routers of the domain packages, in the order their docs appear."""
    from hazwatch.registry.routes import router as registry_router

    return [registry_router]
