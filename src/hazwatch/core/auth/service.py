"""Password hashing (argon2), user management and token issue / check / revoke."""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.models import AccessToken, UserAccount
from hazwatch.core.auth.roles import (
    NON_INTERACTIVE,
    ORGANISATION_ROLES,
    RANK,
    USER_MANAGERS,
    Principal,
    Role,
)
from hazwatch.core.clock import utcnow
from hazwatch.core.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated


def _password_hasher() -> PasswordHasher:
    """Argon2id with RFC 9106's low-memory profile; ``HAZWATCH_PASSWORD_PROFILE=cheap`` (the
    test suite only) keeps argon2id but with argon2-cffi's minimal test parameters."""
    if os.environ.get("HAZWATCH_PASSWORD_PROFILE") == "cheap":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


_hasher = _password_hasher()
MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "hw_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def hash_secret(secret: str) -> str:
    """Digest for stored bearer secrets; high-entropy secrets need no slow hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def principal_of(user: UserAccount) -> Principal:
    return Principal(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        organisation_id=user.organisation_id,
        jurisdiction_id=user.jurisdiction_id,
        language=user.language,
    )


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    organisation_id: int | None = None,
    jurisdiction_id: int | None = None,
    display_name: str = "",
    language: str = "zh_CN",
    email: str | None = None,
    phone: str | None = None,
) -> UserAccount:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("auth.password_too_short", field="password", min=MIN_PASSWORD_LENGTH)
    if role in ORGANISATION_ROLES | NON_INTERACTIVE and organisation_id is None:
        raise InvalidInput("auth.role_needs_organisation", field="organisation_id")
    if role is Role.REGULATOR and jurisdiction_id is None:
        raise InvalidInput("auth.role_needs_jurisdiction", field="jurisdiction_id")
    if session.scalar(select(UserAccount.id).where(UserAccount.username == username)):
        raise Conflict("auth.username_taken", field="username", username=username)
    user = UserAccount(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        role=role,
        organisation_id=organisation_id,
        jurisdiction_id=jurisdiction_id,
        language=language,
        email=email,
        phone=phone,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return user


#: Organisation kinds a role fits (others: any kind). A landlord account reads the tenants
#: of its organisation's confirmed leases, so only a landlord organisation gets one.
ROLE_KINDS: dict[Role, frozenset[str]] = {
    Role.LANDLORD: frozenset({"landlord"}),
    Role.SUPPLIER: frozenset({"gas_supplier"}),
}


def ensure_may_give_role(
    session: Session, principal: Principal, role: Role, organisation_id: int | None
) -> None:
    """Only a role at or below the creator's, in the creator's organisation (the platform
    administrator gives any), and one that fits the organisation's kind."""
    if not principal.is_platform_admin:
        if principal.role not in USER_MANAGERS:
            raise Forbidden("auth.cannot_manage_user", field="role")
        if organisation_id is None or organisation_id != principal.organisation_id:
            raise Forbidden("auth.cannot_manage_user", field="organisation_id")
        if RANK[role] > RANK[principal.role] or role not in ORGANISATION_ROLES | NON_INTERACTIVE:
            raise Forbidden("tenancy.role_above_yours", field="role", role=role.value)
    kinds = ROLE_KINDS.get(role)
    if kinds is not None and organisation_id is not None:
        from hazwatch.registry.models import Organisation

        organisation = session.get(Organisation, organisation_id)
        if organisation is None or organisation.kind not in kinds:
            raise InvalidInput("auth.role_needs_organisation_kind", field="role", role=role.value)


def authenticate(
    session: Session, username: str, password: str, *, interactive: bool = True
) -> UserAccount:
    """The user whose password this is. ``interactive`` (a login, the console) refuses
    device accounts: they act through their API tokens only."""
    user = session.scalar(select(UserAccount).where(UserAccount.username == username))
    if user is None or not user.active or not verify_password(user.password_hash, password):
        raise Unauthenticated("auth.bad_credentials")
    if interactive and Role(user.role) in NON_INTERACTIVE:
        raise Unauthenticated("tenancy.device_cannot_log_in")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def issue_token(
    session: Session,
    user: UserAccount,
    *,
    kind: str,
    lifetime: timedelta,
    name: str = "",
    now: datetime | None = None,
) -> tuple[AccessToken, str]:
    """Create a token and return it with its secret (shown once, never stored)."""
    now = now or utcnow()
    secret = new_secret()
    token = AccessToken(
        user_id=user.id,
        kind=kind,
        name=name,
        token_hash=hash_secret(secret),
        created_at=now,
        expires_at=now + lifetime,
    )
    session.add(token)
    session.flush()
    return token, secret


#: How finely a token's last use is recorded. The console resolves its session on every live
#: refresh (several times a second); writing each one put the event loop in line for the
#: database's write lock (a console once waited ~20 s there behind other writers).
LAST_USE_RESOLUTION = timedelta(minutes=1)


def resolve_token(session: Session, secret: str, now: datetime | None = None) -> Principal:
    """The principal a bearer secret stands for; expired, revoked or malformed ones fail."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        raise Unauthenticated("auth.token_malformed")
    now = now or utcnow()
    token = session.scalar(select(AccessToken).where(AccessToken.token_hash == hash_secret(secret)))
    if token is None:
        raise Unauthenticated("auth.token_unknown")
    if token.revoked_at is not None:
        raise Unauthenticated("auth.token_revoked")
    if token.expires_at <= now:
        raise Unauthenticated("auth.token_expired")
    user = session.get(UserAccount, token.user_id)
    if user is None or not user.active:
        raise Unauthenticated("auth.user_inactive")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        token.last_used_at = now
    return principal_of(user)


def revoke_token(session: Session, token_id: int, user_id: int | None = None) -> AccessToken:
    token = session.get(AccessToken, token_id)
    if token is None or (user_id is not None and token.user_id != user_id):
        raise NotFound("auth.token_not_found", id=token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def revoke_secret(session: Session, secret: str) -> None:
    token = session.scalar(select(AccessToken).where(AccessToken.token_hash == hash_secret(secret)))
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()


def list_tokens(session: Session, user_id: int) -> list[AccessToken]:
    return list(
        session.scalars(
            select(AccessToken).where(AccessToken.user_id == user_id).order_by(AccessToken.id)
        )
    )
