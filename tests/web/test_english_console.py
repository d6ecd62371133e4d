"""The console in English mode speaks English throughout: the tables' own texts (pager, empty
table), codes shown by their labels, and the escalation pop-ups (stored in the installation's
language, Chinese) rendered in the reader's."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

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


def test_escalation_pop_up_in_the_readers_language(page: Any, server: Server) -> None:
    with server.api("admin") as api:
        rooms = {r["name"]: r for r in api.get("/api/registry/rooms").json()}
        dry2 = rooms["干燥房2"]
        site_id = api.get(f"/api/registry/buildings/{dry2['building_id']}").json()["site_id"]
        device = api.post(
            "/api/monitoring/devices",
            json={"site_id": site_id, "organisation_id": dry2["organisation_id"], "code": "GW-EN"},
        )
        assert device.status_code == 201, device.text
        point = api.post(
            "/api/monitoring/points",
            json={
                "site_id": site_id,
                "organisation_id": dry2["organisation_id"],
                "room_id": dry2["id"],
                "device_id": device.json()["id"],
                "code": "O2-EN",
                "name": "干燥房2氧含量",
                "kind": "o2",
                "expected_interval_s": 600,
            },
        )
        assert point.status_code == 201, point.text
    log_in(page, "lab")
    page.get_by_test_id("language").get_by_text("EN").click()
    page.get_by_text("Live monitoring").first.wait_for()
    server.publish(site_id, "GW-EN", "O2-EN", 20.9)
    server.publish(site_id, "GW-EN", "O2-EN", 17.0)
    pop_up = page.locator(".escalation-pop-up").first
    expect(pop_up).to_contain_text("O2-EN", timeout=30_000)
    expect(pop_up).to_contain_text("[HazWatch")
    expect(pop_up).not_to_contain_text("【")
    expect(pop_up).not_to_contain_text("低于")
    screenshot(page, "escalation-pop-up-english")
