"""The alarm list (issue 13 item 2) in Chromium: filter, sort, bulk acknowledge."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, fit_o2_detectors, log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab(server: Server) -> dict[str, Any]:
    """O2 detectors in both dry rooms: dry room 1 falls to 17 %vol (low and low-low), dry
    room 2 to 19 %vol (low)."""
    site_id = fit_o2_detectors(server, "GW-LIST", dry1="O2-L1", dry2="O2-L2")["site_id"]
    for code in ("O2-L1", "O2-L2"):
        server.publish(site_id, "GW-LIST", code, 20.9)
    server.publish(site_id, "GW-LIST", "O2-L1", 17.0)
    server.publish(site_id, "GW-LIST", "O2-L2", 19.0)
    return {"site_id": site_id}


def _rows(page: Any) -> Any:
    return page.get_by_test_id("alarm-table").locator("tbody tr")


def test_the_alarm_list_filters_sorts_and_acknowledges_in_bulk(
    page: Any, server: Server, lab: dict[str, Any]
) -> None:
    log_in(page, "lab", next_path="/alarms/list")
    rows = _rows(page)
    # low and low-low on dry room 1 are one row, at its worst level; the demo's modelled O2
    # point of dry room 1 has a fault alarm: its value is unknown, never a number
    expect(rows).to_have_count(3, timeout=30_000)
    fault = rows.filter(has_text="模型推算")
    expect(fault).to_contain_text("未知")
    expect(fault).not_to_contain_text("%vol")
    dry1 = rows.filter(has_text="O2-L1")
    expect(dry1.get_by_test_id("row-priority")).to_have_text("红色（重大）")
    expect(dry1).to_contain_text("17.0 %vol")
    expect(dry1.get_by_test_id("point-link")).to_have_attribute(
        "href", re.compile(r"^/points/\d+$")
    )
    screenshot(page, "alarm-list-desktop")

    # filter: text search, then priority
    page.get_by_test_id("alarm-search").fill("干燥房2")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("干燥房2氧含量")
    page.get_by_test_id("alarm-search").fill("")
    expect(rows).to_have_count(3)
    page.get_by_test_id("filter-priority").click()
    page.get_by_role("option", name="红色（重大）").click()
    page.keyboard.press("Escape")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("O2-L1")
    page.get_by_test_id("filter-priority").locator(".q-chip__icon--remove").first.click()
    expect(rows).to_have_count(3)

    # sort by priority, both ways
    header = page.get_by_test_id("alarm-table").locator("thead th", has_text="优先级")
    header.click()
    expect(rows.first.get_by_test_id("row-priority")).to_have_text("红色（重大）")
    header.click()
    expect(rows.first.get_by_test_id("row-priority")).to_have_text("橙色（较大）")

    # bulk acknowledge with a comment (required)
    page.get_by_test_id("alarm-table").locator("thead .q-checkbox").click()
    page.get_by_test_id("bulk-ack").click()
    page.get_by_test_id("bulk-confirm").click()
    expect(page.get_by_test_id("bulk-error")).to_contain_text("必填")
    page.get_by_test_id("bulk-comment").fill("已通知现场，开启排风")
    page.get_by_test_id("bulk-confirm").click()
    expect(rows.locator("[data-state=active_unack]")).to_have_count(0)
    expect(rows.first).to_contain_text("lab")
    with server.api("lab") as api:
        states = {a["condition"]: a["state"] for a in api.get("/api/monitoring/alarms").json()}
    assert states["low"] == states["low_low"] == "active_ack", states
    screenshot(page, "alarm-list-acknowledged")


def test_the_trend_shows_the_current_value_and_exports_the_shown_range(
    page: Any, server: Server, lab: dict[str, Any]
) -> None:
    with server.api("lab") as api:
        point = next(p for p in api.get("/api/monitoring/points").json() if p["code"] == "O2-L1")
    log_in(page, "lab", next_path=f"/points/{point['id']}")
    expect(page.get_by_test_id("current")).to_have_text("17.0 %vol")
    page.get_by_test_id("trend").locator("canvas").first.wait_for()
    with page.expect_download() as info:
        page.get_by_test_id("csv").click()
    lines = Path(info.value.path()).read_text().splitlines()
    assert lines[0] == "time (Asia/Shanghai),time (UTC),value (%vol)"
    assert lines[-1].endswith(",17.0"), lines
    screenshot(page, "trend-desktop")
