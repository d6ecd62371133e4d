"""A room's detail (issue 16 item 7): the 2·7 dry room 1 sketched to scale (7.33 m × 4.05
m) with the doors guarding it, red since the door check refuses entry, and nobody inside;
in Chinese and English."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.reads_only]


def test_the_dry_rooms_sketch(page: Any, server: Server) -> None:
    with server.api("lab") as api:
        room = next(r for r in api.get("/api/registry/rooms").json() if r["name"] == "干燥房1")
    log_in(page, "lab", next_path=f"/rooms/{room['id']}")
    sketch = page.get_by_test_id("room-sketch")
    expect(sketch).to_contain_text("7.33 m × 4.05 m")
    expect(sketch.locator("[data-testid^=room-door-]").first).to_be_attached()
    expect(page.get_by_test_id("room-inside")).to_have_text("当前在内人员：0")
    screenshot(page, "room_detail")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("room-inside")).to_have_text("Inside now: 0")
