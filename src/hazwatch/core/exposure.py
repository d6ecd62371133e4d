"""What must not face a network: the development secret key and the demo users' password.

On a loopback address only this machine reaches the server, so both are fine for a trial;
bound to any other address they let anyone forge console sessions or log in as the demo
users. ``hazwatch serve`` warns then (it does not refuse: a closed lab network may be the
trial's place).
"""

from __future__ import annotations

import ipaddress

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.core.auth.models import UserAccount
from hazwatch.core.auth.service import verify_password
from hazwatch.core.settings import Settings

#: The development defaults (settings.py's secret key, the demo district's password).
DEFAULT_SECRET_KEY = Settings.model_fields["secret_key"].get_default().get_secret_value()
DEMO_PASSWORD = "hazwatch-demo"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: whatever it resolves to, others may reach it


def demo_password_users(session: Session) -> list[str]:
    """Active accounts that still log in with the demo password."""
    users = session.scalars(
        select(UserAccount).where(UserAccount.active.is_(True)).order_by(UserAccount.username)
    )
    return [u.username for u in users if verify_password(u.password_hash, DEMO_PASSWORD)]


def warnings(settings: Settings, host: str, session: Session) -> list[tuple[str, dict[str, str]]]:
    """Message keys (with their parameters) of what is exposed when serving on ``host``."""
    if is_loopback(host):
        return []
    found: list[tuple[str, dict[str, str]]] = []
    if settings.secret_key.get_secret_value() == DEFAULT_SECRET_KEY:
        found.append(("core.exposure.default_secret_key", {"host": host}))
    users = demo_password_users(session)
    if users:
        found.append(("core.exposure.demo_passwords", {"host": host, "users": ", ".join(users)}))
    return found
