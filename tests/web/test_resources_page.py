"""The emergency-resources page (issue 16 item 3): the demo drill's dispatch line by line
(returned, with what came back), the library's item that needs repair, the teams' certified
members; a new dispatch's line marked arrived from the page; in English too."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser

API = "/api/district/resources"


def test_the_drill_dispatch_and_an_arrival_recorded_from_the_page(
    page: Any, server: Server
) -> None:
    with server.api("regulator") as api:
        drill = next(
            d
            for d in api.get(f"{API}/dispatches").json()
            if d["subject"] == "液氨泄漏事故综合应急演练" and d["closed_at"]
        )
        fresh = api.post(
            f"{API}/dispatches",
            json={
                "purpose": "drill",
                "drill_id": drill["drill_id"],
                "lat": "29.93",
                "lon": "121.805",
                "needs": [],
                "teams": 1,
            },
        )
        assert fresh.status_code == 201, fresh.text
        team_line = fresh.json()["lines"][0]["id"]
    log_in(page, "regulator", next_path="/district/resources")
    card = page.get_by_test_id(f"dispatch-{drill['id']}")
    expect(card).to_contain_text("液氨泄漏事故综合应急演练")
    expect(card.get_by_test_id("dispatch-closed")).to_have_text("已结束")
    first = card.get_by_test_id(f"line-{drill['lines'][0]['id']}")
    expect(first.get_by_test_id("line-state")).to_have_text("已归还")
    expect(first.get_by_test_id("line-returned")).to_have_text("归还 300kg")
    expect(page.get_by_test_id("item-ZX-PUMP-1").get_by_test_id("item-not-lendable")).to_have_text(
        "不可调用"
    )
    line = page.get_by_test_id(f"line-{team_line}")
    expect(line.get_by_test_id("line-state")).to_have_text("已调出")
    line.get_by_test_id(f"arrive-{team_line}").click()
    expect(page.get_by_test_id(f"line-{team_line}").get_by_test_id("line-state")).to_have_text(
        "已到场"
    )
    screenshot(page, "district_resources")
    page.get_by_test_id("language").get_by_text("EN").click()
    card = page.get_by_test_id(f"dispatch-{drill['id']}")
    expect(card.get_by_test_id("dispatch-closed")).to_have_text("Closed")
    expect(
        card.get_by_test_id(f"line-{drill['lines'][0]['id']}").get_by_test_id("line-state")
    ).to_have_text("Returned")
    expect(page.get_by_test_id("resource-rules")).to_contain_text("Dispatch rules: within 30 km")
