"""Console sessions: a session token in ``app.storage.user`` resolved to a Principal on every
page and before every action, by the same auth service the API uses.

Nothing here decides what a person may see: pages pass the Principal to the domain
services, which apply the tenancy rules. An expired or revoked session sends the person to
the login page with the page to come back to; forms park what was typed as a draft first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from nicegui import app, ui

from hazwatch.core.auth import service as auth
from hazwatch.core.auth.models import TokenKind
from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import Unauthenticated
from hazwatch.web import state


def principal() -> Principal | None:
    """Who holds this browser session now; None when logged out, expired or revoked."""
    token = app.storage.user.get("token")
    if not token:
        return None
    context = state.context()
    try:
        with context.unit_of_work() as session:
            return auth.resolve_token(session, str(token), now=context.clock.now())
    except Unauthenticated:
        app.storage.user.pop("token", None)
        return None


def to_login(path: str) -> None:
    """Send the person to log in, coming back to ``path`` afterwards."""
    ui.navigate.to(f"/login?next={quote(path, safe='/')}")


def require(path: str) -> Principal | None:
    """The page's Principal, or None after redirecting to the login page."""
    who = principal()
    if who is None:
        to_login(path)
    return who


def log_in(username: str, password: str) -> Principal:
    """Check the credentials and start a console session (raises ``Unauthenticated``)."""
    context = state.context()
    with context.unit_of_work() as session:
        user = auth.authenticate(session, username, password)
        _token, secret = auth.issue_token(
            session,
            user,
            kind=TokenKind.SESSION,
            lifetime=timedelta(hours=context.settings.session_hours),
            name="console",
            now=context.clock.now(),
        )
        who = auth.principal_of(user)
    app.storage.user.update(token=secret, username=who.username)
    return who


def log_out() -> None:
    token = app.storage.user.pop("token", None)
    if token:
        with state.context().unit_of_work() as session:
            auth.revoke_secret(session, str(token))


def park_draft(key: str, values: dict[str, Any]) -> None:
    """Keep what was typed into a form across a forced login."""
    drafts = dict(app.storage.user.get("drafts", {}))
    drafts[key] = values
    app.storage.user["drafts"] = drafts


def take_draft(key: str) -> dict[str, Any] | None:
    drafts = dict(app.storage.user.get("drafts", {}))
    draft = drafts.pop(key, None)
    app.storage.user["drafts"] = drafts
    return dict(draft) if isinstance(draft, dict) else None
