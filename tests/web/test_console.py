"""The console end to end in Chromium: login, live room cards, alarms, language, tenancy."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser


def test_login_shows_the_lab_rooms_to_the_lab(page: Any, server: Server) -> None:
    page.goto("/")
    page.wait_for_url("**/login?next=/")
    log_in(page, "lab")
    page.get_by_text("干燥房1", exact=True).first.wait_for()
    screenshot(page, "monitoring-desktop")
