"""FastAPI dependencies: the request's unit of work and the authenticated principal.

Routes declare ``db: DbSession`` and ``principal: CurrentPrincipal``; the session commits
when the endpoint returns (``scope="function"``, before the response is sent), so a client
that reads right after a write sees it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from hazwatch.core.auth import service
from hazwatch.core.auth.roles import Principal
from hazwatch.core.context import Context
from hazwatch.core.db import session_scope
from hazwatch.core.errors import Forbidden, Unauthenticated

SESSION_COOKIE = "hazwatch_session"
_bearer = HTTPBearer(auto_error=False)


def get_context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


def get_db(context: Annotated[Context, Depends(get_context)]) -> Iterator[Session]:
    with session_scope(context.sessions) as session:
        yield session


DbSession = Annotated[Session, Depends(get_db, scope="function")]


def get_principal(
    request: Request,
    db: DbSession,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    secret = credentials.credentials if credentials else request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise Unauthenticated("auth.missing_credentials")
    context = get_context(request)
    principal = service.resolve_token(db, secret, now=context.clock.now())
    db.info["principal"] = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_editor(principal: CurrentPrincipal) -> Principal:
    if not principal.can_edit:
        raise Forbidden("auth.read_only_role", role=principal.role.value)
    return principal


EditorPrincipal = Annotated[Principal, Depends(require_editor)]


def require_platform_admin(principal: CurrentPrincipal) -> Principal:
    if not principal.is_platform_admin:
        raise Forbidden("auth.admin_only")
    return principal


AdminPrincipal = Annotated[Principal, Depends(require_platform_admin)]
