"""The login page: the only page open without a session."""

from __future__ import annotations

from nicegui import ui

from hazwatch.core.errors import DomainError
from hazwatch.core.i18n import LANGUAGES
from hazwatch.web import session
from hazwatch.web.layout import switch_language
from hazwatch.web.text import _t, language


def _safe_next(target: str) -> str:
    """Only paths on this console (no open redirect to another site)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@ui.page("/login")
async def login_page(next: str = "/") -> None:
    ui.page_title(f"{_t('web.login.title')} · HazWatch")
    target = _safe_next(next)
    # The form appears once the page's socket is live: a browser holds events raised before
    # that and sends them afterwards in no fixed order, so a quick user's "log in" could
    # reach the server before the name typed into the form and read as a wrong password.
    await ui.context.client.connected()
    if ui.context.client.is_deleted:
        # Nobody connected (a plain GET: a probe, curl): NiceGUI drops the client after a
        # minute and wakes this wait; building the form for it then logged an error.
        return
    with ui.card().classes("absolute-center w-80 max-w-full"):
        with ui.row().classes("w-full items-center"):
            ui.label(_t("web.login.title")).classes("text-h6")
            ui.space()
            ui.toggle(
                {code: _t(f"web.language.{code}") for code in LANGUAGES},
                value=language(),
                on_change=lambda e: switch_language(str(e.value)),
            ).props("dense flat data-testid=language")
        username = ui.input(_t("web.login.username")).props("autofocus data-testid=username")
        username.classes("w-full")
        password = ui.input(_t("web.login.password"), password=True).props("data-testid=password")
        password.classes("w-full")
        error = ui.label("").classes("text-negative").props("data-testid=login-error")

        def submit() -> None:
            try:
                session.log_in(username.value or "", password.value or "")
            except DomainError as exc:
                error.text = _t(exc.code)
                return
            ui.navigate.to(target)

        password.on("keydown.enter", submit)
        ui.button(_t("web.login.submit"), on_click=submit).props("data-testid=submit")
