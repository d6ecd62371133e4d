"""Danger first on the monitoring page (issue 13 item 1), in Chromium."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import (
    PHONE,
    Server,
    fit_o2_detectors,
    log_in,
    screenshot,
    wait_until_live,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def lab(server: Server) -> dict[str, Any]:
    """Two O2 detectors in the lab's dry rooms; dry room 1's never reports (unknown)."""
    return fit_o2_detectors(server, "GW-DANGER", dry1="O2-D1", dry2="O2-D2")


def _card_order(page: Any) -> list[str]:
    return list(
        page.locator("[data-testid=room-cards] > [data-testid^=room-]").evaluate_all(
            "cards => cards.filter(c => c.offsetParent !== null).map(c => c.dataset.testid)"
        )
    )


def test_an_urgent_unknown_room_is_shown_above_a_medium_alarm(
    page: Any, server: Server, lab: dict[str, Any]
) -> None:
    log_in(page, "lab")
    server.publish(lab["site_id"], "GW-DANGER", "O2-D2", 20.9)
    page.wait_for_selector(f"[data-testid=room-{lab['dry2']}][data-severity=normal]")
    server.publish(lab["site_id"], "GW-DANGER", "O2-D2", 24.0)  # high O2: a medium alarm
    medium = page.locator(f"[data-testid=room-{lab['dry2']}][data-severity=medium]")
    medium.wait_for()
    unknown = page.locator(f"[data-testid=room-{lab['dry1']}]")
    expect(unknown).to_have_attribute("data-severity", "unknown")
    expect(unknown.get_by_test_id("room-advice")).to_contain_text("禁止进入")
    order = _card_order(page)
    assert order.index(f"room-{lab['dry1']}") < order.index(f"room-{lab['dry2']}"), order
    assert order[0] == f"room-{lab['dry1']}", order  # nothing else in the lab is worse
    # The medium alarm is unacknowledged: marked, but yellow, below the unknown room.
    expect(medium.get_by_test_id("unacked")).to_have_count(1)
    expect(medium.get_by_test_id("room-severity")).to_have_text("中")
    # The lab sees its rooms under the lessor's site: one bar for it.
    summary = page.get_by_test_id("site-summaries").locator("[data-testid^=site-summary-]")
    expect(summary).to_have_count(1)
    expect(summary).to_have_attribute("data-severity", "unknown")
    expect(summary.get_by_test_id("in_alarm")).to_contain_text("2 间报警")  # stale + high
    expect(summary.get_by_test_id("unknown")).to_contain_text("1 间未知")
    expect(summary.get_by_test_id("people_inside")).to_contain_text("室内 0 人")
    screenshot(page, "danger-first-desktop")

    # Dry room 2 falls to an urgent low-low: it moves to the top, above the unknown room
    # (both are tier one; urgent before unknown).
    server.publish(lab["site_id"], "GW-DANGER", "O2-D2", 15.0)
    page.wait_for_selector(f"[data-testid=room-{lab['dry2']}][data-severity=urgent]")
    page.wait_for_function(
        "id => document.querySelector('[data-testid=room-cards] > [data-testid^=room-]')"
        ".dataset.testid === id",
        arg=f"room-{lab['dry2']}",
    )
    page.set_viewport_size(PHONE)
    names = page.locator("[data-testid^=room-] .text-subtitle1")
    for index in range(names.count()):
        box = names.nth(index).bounding_box()
        if box is not None and box["height"] > 0:
            assert box["width"] > 60, (names.nth(index).text_content(), box)
    screenshot(page, "danger-first-phone")
    # on a phone the site tree opens folded above the cards; picking a room shows it alone
    page.reload()
    wait_until_live(page)
    tree = page.get_by_test_id("site-tree")
    room = tree.get_by_text("干燥房2", exact=True)
    expect(room).to_be_hidden()
    tree.locator(".q-item").first.click()
    room.click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=room-cards] > [data-testid^=room-]')]"
        ".filter(c => c.offsetParent !== null).length === 1"
    )
    assert _card_order(page) == [f"room-{lab['dry2']}"]


def test_the_floor_plan_shows_the_suite_behind_its_doors_and_keeps_a_dragged_room(
    page: Any, server: Server, lab: dict[str, Any]
) -> None:
    """Issue 13 item 5: dry room 1 behind the entrance reader and its inner door, with its
    detector, coloured by its danger; dragged, it stays where it was put."""
    log_in(page, "lab", next_path="/plan")
    dry1 = page.get_by_test_id(f"plan-room-{lab['dry1']}")
    expect(dry1).to_contain_text("O2-D1")
    expect(dry1).to_have_attribute("data-severity", re.compile(r"^(unknown|urgent)$"))
    expect(page.get_by_test_id("plan-door-LAB-ENTRANCE")).to_be_visible()
    expect(page.get_by_test_id("plan-door-LAB-DRY1")).to_be_visible()
    changing = page.get_by_test_id("plan").locator("g", has_text="更衣室").first
    assert int(dry1.get_attribute("data-x") or 0) > int(changing.get_attribute("data-x") or 0)
    screenshot(page, "plan-desktop")
    box, before = dry1.bounding_box(), dry1.get_attribute("data-y")
    assert box is not None and before is not None
    page.mouse.move(box["x"] + 40, box["y"] + 40)
    page.mouse.down()
    page.mouse.move(box["x"] + 90, box["y"] + 140, steps=5)
    page.mouse.up()
    expect(dry1).not_to_have_attribute("data-y", before)  # redrawn where it was dropped
    with server.api("lab") as api:
        room = api.get(f"/api/registry/rooms/{lab['dry1']}").json()
        shown = api.get(f"/api/registry/buildings/{room['building_id']}/plan").json()
    assert next(r for r in shown["rooms"] if r["id"] == lab["dry1"])["placed"] is True
