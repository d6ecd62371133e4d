"""The console in English mode speaks English throughout: the tables' own texts (pager, empty
table), codes shown by their labels, and the escalation pop-ups (stored in the installation's
language, Chinese) rendered in the reader's."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, fit_o2_detectors, log_in, screenshot

pytestmark = pytest.mark.browser


def test_tables_speak_english_and_show_labels(page: Any, server: Server) -> None:
    log_in(page, "admin", next_path="/registry/organisations")
    page.get_by_test_id("language").get_by_text("EN").click()
    table = page.locator(".q-table__container").first
    expect(table).to_contain_text("Gas supplier")
    expect(table).to_contain_text("Emergency management")
    expect(table).not_to_contain_text("gas_supplier")
    expect(table).not_to_contain_text("emergency_management")
    expect(table).to_contain_text("Rows per page:")
    expect(table).to_contain_text(" of ")
    screenshot(page, "registry-english")
    page.get_by_test_id("search").fill("no such organisation anywhere")
    expect(table).to_contain_text("Nothing to show")
    expect(table).not_to_contain_text("无")
    page.get_by_test_id("language").get_by_text("中文").click()
    expect(page.locator(".q-table__container").first).to_contain_text("每页行数")


def test_one_pop_up_per_alarm_in_the_readers_language(page: Any, server: Server) -> None:
    """17 %vol raises a low and a low-low on one point: one alarm to the operator. Its cue and
    the duty officer step's notifications (to two console contacts here) share one pop-up,
    at the worst level, in English."""
    lab = fit_o2_detectors(server, "GW-EN", dry2="O2-EN")
    site_id = lab["site_id"]
    with server.api("lab") as api:
        contact = {"role": "duty_officer", "channel": "console", "address": "second console"}
        added = api.post(
            "/api/escalation/contacts", json={"organisation_id": lab["organisation_id"]} | contact
        )
        assert added.status_code == 201, added.text
    log_in(page, "lab")
    page.get_by_test_id("language").get_by_text("EN").click()
    page.get_by_text("Live monitoring").first.wait_for()
    server.publish(site_id, "GW-EN", "O2-EN", 20.9)
    server.publish(site_id, "GW-EN", "O2-EN", 17.0)
    pop_up = page.locator(".hazwatch-pop-up")
    expect(pop_up.first).to_contain_text("[HazWatch", timeout=30_000)
    with server.api("lab") as api:
        found = api.get("/api/monitoring/alarms").json()
        alarms = [a for a in found if a["room_id"] == lab["dry2"]]
        assert len(alarms) == 2, alarms  # low and low-low
        sent = [
            n
            for a in alarms
            for n in api.get(f"/api/escalation/notifications?alarm_id={a['id']}").json()
            if n["channel"] == "console"
        ]
    assert len(sent) >= 4, sent  # two alarms, two console contacts each
    expect(pop_up).to_have_count(1)
    expect(pop_up).to_contain_text("O2-EN")
    expect(pop_up).not_to_contain_text("【")
    expect(pop_up).not_to_contain_text("低于")
    screenshot(page, "escalation-pop-up-english")
