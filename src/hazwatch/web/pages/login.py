"""Login page and the landing page."""

from __future__ import annotations

from datetime import timedelta

from nicegui import app, ui

from hazwatch.core.auth import service as auth
from hazwatch.core.auth.models import TokenKind
from hazwatch.core.errors import DomainError
from hazwatch.core.i18n import translate
from hazwatch.web import state


def _lang() -> str:
    return str(app.storage.user.get("language", "zh_CN"))


@ui.page("/login")
def login_page() -> None:
    language = _lang()
    with ui.card().classes("absolute-center w-80"):
        ui.label(translate("web.login.title", language)).classes("text-h6")
        username = ui.input(translate("web.login.username", language)).props("autofocus")
        password = ui.input(translate("web.login.password", language), password=True)
        error = ui.label("").classes("text-negative")

        def submit() -> None:
            context = state.context()
            try:
                with context.unit_of_work() as session:
                    user = auth.authenticate(session, username.value or "", password.value or "")
                    _token, secret = auth.issue_token(
                        session,
                        user,
                        kind=TokenKind.SESSION,
                        lifetime=timedelta(hours=context.settings.session_hours),
                        name="console",
                    )
                    app.storage.user.update(token=secret, username=user.username)
            except DomainError as exc:
                error.text = translate(exc.code, language)
                return
            ui.navigate.to("/")

        password.on("keydown.enter", submit)
        ui.button(translate("web.login.submit", language), on_click=submit)


@ui.page("/")
def home_page() -> None:
    if not app.storage.user.get("token"):
        ui.navigate.to("/login")
        return
    ui.label(translate("web.home.title", _lang())).classes("text-h5")
