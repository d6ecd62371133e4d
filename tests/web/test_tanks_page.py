"""The tanks page as the site operator uses it: the supplier's telemetry unit uploads four
hours of 5-minute levels with the 2·7 leak in them, the card turns red and names the room,
a budget out of range is refused at its field, and the leak alarm is reset with a reason.
A module of its own: the leak alarms it raises would crowd the other console tests' boards."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import DESKTOP, PHONE, Server, log_in, screenshot

pytestmark = pytest.mark.browser

NORMAL_MM_H = 3.04  # the contracted draw: 4000 kg/month through 1.83 kg/mm
LEAK_MM_H = 30.9  # the level drop the 2·7 hose caused


def levels(end: datetime, hours: int, leak_after_h: int) -> list[dict[str, Any]]:
    """Every 5 minutes up to ``end``: the contracted draw, then the leak on top."""
    steps = hours * 12
    level, readings = 2000.0, []
    for step in range(1, steps + 1):
        leaking = step > leak_after_h * 12
        level -= (NORMAL_MM_H + (LEAK_MM_H if leaking else 0.0)) * 5 / 60
        at = end - timedelta(minutes=5 * (steps - step))
        readings.append(
            {"point": "LT-LN2", "ts": at.isoformat(), "value": round(level, 1), "unit": "mm"}
        )
    return readings


@pytest.fixture(scope="module")
def leaking_tank(server: Server) -> dict[str, Any]:
    with server.api("sublessor") as api:
        (tank,) = api.get("/api/tanks").json()
        site_id = api.get(f"/api/registry/tanks/{tank['id']}").json()["site_id"]
    uploaded = levels(datetime.now(UTC) - timedelta(minutes=5), 4, leak_after_h=1)
    server.publish_batch(site_id, "GW-PLANT", uploaded)
    return {"id": tank["id"], "site_id": site_id, "last": uploaded[-1]}


def next_level(tank: dict[str, Any]) -> dict[str, Any]:
    """The gauge's next report: 5 minutes on, the leak still draining the tank."""
    last = tank["last"]
    at = datetime.fromisoformat(last["ts"]) + timedelta(minutes=5)
    return last | {"ts": at.isoformat(), "value": round(last["value"] - 2.8, 1)}


def test_the_operator_sees_the_leak_tunes_the_budget_and_resets(
    page: Any, server: Server, leaking_tank: dict[str, Any]
) -> None:
    log_in(page, "sublessor", next_path="/tanks")
    card = page.get_by_test_id(f"tank-{leaking_tank['id']}")
    expect(card.get_by_test_id("leak-badge")).to_have_text("泄漏报警", timeout=20_000)
    expect(card.get_by_test_id("level")).to_contain_text("充装率")
    expect(card.get_by_test_id("leak")).to_contain_text("干燥房1")
    expect(card.get_by_test_id("detector")).to_contain_text("误报预算 1 次/罐·年")
    # the detector in plain words (issue 13 item 7): an extra draw, and for how long
    expect(card.get_by_test_id("plain")).to_contain_text(re.compile(r"快 \d+ mm/h 并持续 \d+ 分钟"))
    screenshot(page, "tanks-desktop")

    card.get_by_test_id("leak-settings").click()
    budget = card.get_by_test_id("field-false_alarms_per_year")
    budget.fill("100")
    level = card.get_by_test_id("level")
    before = level.text_content()
    server.publish_batch(leaking_tank["site_id"], "GW-PLANT", [next_level(leaking_tank)])
    expect(level).not_to_have_text(before or "")  # the card followed the gauge live …
    expect(budget).to_have_value("100")  # … and kept what the operator was typing
    card.get_by_test_id("save-leak-settings").click()
    expect(card.get_by_role("alert")).to_contain_text("误报预算须为 0.2 至 52")  # at its field
    budget.fill("0.5")
    card.get_by_test_id("save-leak-settings").click()
    expect(card.get_by_test_id("detector")).to_contain_text("误报预算 0.5 次/罐·年")

    card.get_by_test_id("reset").click()
    page.get_by_test_id("reset-confirm").click()
    expect(page.get_by_text("必填")).to_be_visible()  # no reset without the cause
    page.get_by_test_id("reset-reason").fill("软管脱落，已重新紧固并检漏")
    page.get_by_test_id("reset-confirm").click()
    expect(card.get_by_test_id("leak-badge")).to_have_count(0)
    expect(card.get_by_test_id("leak")).to_contain_text("无泄漏报警")
    with server.api("sublessor") as api:
        status = api.get(f"/api/tanks/{leaking_tank['id']}").json()
        alarms = api.get("/api/monitoring/alarms").json()
    assert status["detector"]["leak_alarm_active"] is False
    assert status["detector"]["false_alarms_per_year"] == "0.5"
    assert not [a for a in alarms if a["condition"] == "leak" and a["state"] != "normal"]


def test_the_fed_lab_reads_the_tank_and_others_see_none_in_both_languages(
    page: Any, server: Server, leaking_tank: dict[str, Any]
) -> None:
    log_in(page, "lab", next_path="/tanks")  # its dry room is fed by the tank: it reads it
    card = page.get_by_test_id(f"tank-{leaking_tank['id']}")
    expect(card.get_by_test_id("level")).to_contain_text("液位")
    expect(card.get_by_test_id("leak-settings")).to_have_count(0)  # not the lab's tank to tune
    expect(card.get_by_text("液位趋势")).to_have_count(0)  # nor its gauge to open
    page.set_viewport_size(PHONE)
    page.reload()  # as a phone opens it: the navigation folded away
    expect(card.get_by_test_id("detector")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "tanks-phone")
    page.set_viewport_size(DESKTOP)
    log_in(page, "chem", next_path="/tanks")
    page.get_by_text("没有可见的储罐").wait_for()
    page.get_by_test_id("language").get_by_text("EN").click()
    page.get_by_text("No tank visible").wait_for()
    page.get_by_test_id("language").get_by_text("中文").click()
    page.get_by_text("没有可见的储罐").wait_for()
