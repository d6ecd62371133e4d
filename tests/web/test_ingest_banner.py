"""Every console page says when readings are not being stored (issue 11, ingest liveness):
a board that looks live while ingest has stalled is itself a hazard."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, running_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_database: Path) -> Iterator[Server]:
    """Ingest counts as stalled after 2 s without progress (15 s by default)."""
    yield from running_server(tmp_path_factory, demo_database, HAZWATCH_INGEST_STALL_AFTER_S="2")


def test_every_page_says_when_readings_are_not_being_stored(page: Any, server: Server) -> None:
    with server.api("admin") as api:
        room = next(r for r in api.get("/api/registry/rooms").json() if r["name"] == "干燥房1")
        site_id = api.get(f"/api/registry/buildings/{room['building_id']}").json()["site_id"]
        organisation = room["organisation_id"]
        device = api.post(
            "/api/monitoring/devices",
            json={"site_id": site_id, "organisation_id": organisation, "code": "GW-LAB"},
        )
        assert device.status_code == 201, device.text
        point = api.post(
            "/api/monitoring/points",
            json={
                "site_id": site_id,
                "organisation_id": organisation,
                "room_id": room["id"],
                "device_id": device.json()["id"],
                "code": "O2-DRY1",
                "kind": "o2",
                "expected_interval_s": 600,
            },
        )
        assert point.status_code == 201, point.text
    log_in(page, "lab")
    banner = page.get_by_test_id("ingest-banner")
    server.publish(site_id, "GW-LAB", "O2-DRY1", 20.9)
    page.get_by_text("20.9").first.wait_for()
    expect(banner).to_have_count(0)
    # another process holds the database's write lock: the reading cannot be stored
    database = sqlite3.connect(
        Path(server.env["HAZWATCH_DATA_DIR"]) / "hazwatch.db", timeout=30, isolation_level=None
    )
    try:
        database.execute("BEGIN EXCLUSIVE")
        server.publish(site_id, "GW-LAB", "O2-DRY1", 20.4)
        expect(banner).to_be_visible(timeout=30_000)
        expect(banner).to_have_attribute("data-state", "stalled")
        expect(banner).to_contain_text("读数未能入库")
    finally:
        database.execute("ROLLBACK")
        database.close()
    expect(banner).to_have_count(0, timeout=30_000)  # stored: the banner goes by itself
