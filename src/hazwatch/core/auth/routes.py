"""Login, logout, personal API tokens and user administration."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request, Response
from sqlalchemy import select

from hazwatch.api.inputs import Id, Router
from hazwatch.core.auth import service
from hazwatch.core.auth.deps import (
    SESSION_COOKIE,
    CurrentPrincipal,
    DbSession,
    get_context,
)
from hazwatch.core.auth.models import TokenKind, UserAccount
from hazwatch.core.auth.schemas import (
    LoginRequest,
    TokenCreate,
    TokenInfo,
    TokenOut,
    UserCreate,
    UserOut,
)
from hazwatch.core.errors import Forbidden

router = Router(prefix="/api/auth", tags=["auth"])
users_router = Router(prefix="/api/users", tags=["auth"])


@router.post("/login", response_model=TokenOut)
def login(body: LoginRequest, request: Request, response: Response, db: DbSession) -> TokenOut:
    context = get_context(request)
    user = service.authenticate(db, body.username, body.password, interactive=True)
    db.info["principal"] = service.principal_of(user)
    token, secret = service.issue_token(
        db,
        user,
        kind=TokenKind.SESSION,
        lifetime=timedelta(hours=context.settings.session_hours),
        name="login",
        now=context.clock.now(),
    )
    response.set_cookie(SESSION_COOKIE, secret, httponly=True, samesite="lax")
    return TokenOut(token=secret, token_id=token.id, expires_at=token.expires_at)


@router.post("/logout", status_code=204)
def logout(
    request: Request, response: Response, db: DbSession, principal: CurrentPrincipal
) -> None:
    secret = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    service.revoke_secret(db, secret or request.cookies.get(SESSION_COOKIE, ""))
    response.delete_cookie(SESSION_COOKIE)


@router.get("/me", response_model=UserOut)
def me(db: DbSession, principal: CurrentPrincipal) -> UserAccount:
    user = db.get(UserAccount, principal.user_id)
    assert user is not None
    return user


@router.post("/tokens", response_model=TokenOut, status_code=201)
def create_token(
    body: TokenCreate, request: Request, db: DbSession, principal: CurrentPrincipal
) -> TokenOut:
    user = db.get(UserAccount, principal.user_id)
    assert user is not None
    token, secret = service.issue_token(
        db,
        user,
        kind=TokenKind.API,
        lifetime=timedelta(days=body.days),
        name=body.name,
        now=get_context(request).clock.now(),
    )
    return TokenOut(token=secret, token_id=token.id, expires_at=token.expires_at)


@router.get("/tokens", response_model=list[TokenInfo])
def list_tokens(db: DbSession, principal: CurrentPrincipal) -> list[object]:
    assert principal.user_id is not None
    return list(service.list_tokens(db, principal.user_id))


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: Id, db: DbSession, principal: CurrentPrincipal) -> None:
    service.revoke_token(db, token_id, user_id=principal.user_id)


@users_router.post("", response_model=UserOut, status_code=201)
def create_user(body: UserCreate, db: DbSession, principal: CurrentPrincipal) -> UserAccount:
    service.ensure_may_give_role(db, principal, body.role, body.organisation_id)
    if body.jurisdiction_id is not None and not principal.is_platform_admin:
        raise Forbidden("auth.cannot_manage_user", field="jurisdiction_id")
    return service.create_user(db, **body.model_dump())


@users_router.get("", response_model=list[UserOut])
def list_users(db: DbSession, principal: CurrentPrincipal) -> list[UserAccount]:
    query = select(UserAccount).order_by(UserAccount.id)
    if not principal.is_platform_admin:
        query = query.where(UserAccount.organisation_id == principal.organisation_id)
        if principal.organisation_id is None:
            query = query.where(UserAccount.id == principal.user_id)
    return list(db.scalars(query))
