"""Roles and the identity of a caller.

Scope is part of identity: enterprise roles are bound to an organisation, regulators to a
jurisdiction. Which organisations a principal may see is computed by the registry
(``hazwatch.registry.scope``), since it depends on leases and the jurisdiction tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from hazwatch.core.choices import Choice


class Role(Choice):
    PLATFORM_ADMIN = "platform_admin"
    REGULATOR = "regulator"
    ENTERPRISE_ADMIN = "enterprise_admin"
    SAFETY_OFFICER = "safety_officer"
    WORKER = "worker"
    LANDLORD = "landlord"
    SUPPLIER = "supplier"
    DEVICE = "device"


ORGANISATION_ROLES = frozenset(
    {Role.ENTERPRISE_ADMIN, Role.SAFETY_OFFICER, Role.WORKER, Role.LANDLORD, Role.SUPPLIER}
)
#: The role hierarchy: a user is given only a role at or below its creator's rank, in the
#: creator's organisation. Landlord and supplier rank with the safety officer (they read
#: wider but write only their own records); a device account ranks lowest.
RANK: dict[Role, int] = {
    Role.PLATFORM_ADMIN: 100,
    Role.REGULATOR: 80,
    Role.ENTERPRISE_ADMIN: 60,
    Role.SAFETY_OFFICER: 40,
    Role.LANDLORD: 40,
    Role.SUPPLIER: 40,
    Role.WORKER: 20,
    Role.DEVICE: 10,
}
#: Roles that may create users (besides the platform administrator).
USER_MANAGERS = frozenset({Role.ENTERPRISE_ADMIN, Role.SAFETY_OFFICER})
#: Accounts that use API tokens only (no password login, no console).
NON_INTERACTIVE = frozenset({Role.DEVICE})
#: Roles allowed to change safety data of the organisations in their scope.
EDITOR_ROLES = frozenset(
    {Role.PLATFORM_ADMIN, Role.ENTERPRISE_ADMIN, Role.SAFETY_OFFICER, Role.REGULATOR}
)


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int | None
    username: str
    role: Role
    organisation_id: int | None = None
    jurisdiction_id: int | None = None
    language: str = "zh_CN"

    @property
    def is_platform_admin(self) -> bool:
        return self.role is Role.PLATFORM_ADMIN

    @property
    def can_edit(self) -> bool:
        return self.role in EDITOR_ROLES


#: The identity used by internal jobs (engine ticks, demo loading, migrations).
SYSTEM = Principal(user_id=None, username="system", role=Role.PLATFORM_ADMIN)
