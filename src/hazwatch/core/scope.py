"""Which organisations a principal may see: the tenancy rule every query applies.

The rule needs the registry (jurisdiction tree, leases, supplies), which sits above core, so
the registry installs its resolver here when its models are imported
(:func:`hazwatch.core.db.import_all_models`). ``None`` means "every organisation".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import NotFound

Q = TypeVar("Q", bound=Select[Any])
ScopeResolver = Callable[[Session, Principal], frozenset[int] | None]
_resolver: ScopeResolver | None = None


def install_resolver(resolver: ScopeResolver) -> None:
    global _resolver
    _resolver = resolver


def visible_organisations(session: Session, principal: Principal) -> frozenset[int] | None:
    if principal.is_platform_admin:
        return None
    if _resolver is None:
        own = principal.organisation_id
        return frozenset({own}) if own is not None else frozenset()
    return _resolver(session, principal)


def ensure_visible(session: Session, principal: Principal, organisation_id: int | None) -> None:
    """Raise ``NotFound`` (not Forbidden: existence is not disclosed) when out of scope."""
    visible = visible_organisations(session, principal)
    if visible is not None and organisation_id not in visible:
        raise NotFound("scope.not_found")


def restrict(query: Q, column: Any, session: Session, principal: Principal) -> Q:
    """``query`` limited to rows whose ``column`` (an organisation id) the principal sees."""
    visible = visible_organisations(session, principal)
    return query if visible is None else query.where(column.in_(visible))
