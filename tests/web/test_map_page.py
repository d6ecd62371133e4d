"""The map page (issue 16 item 7) with no tile server configured, as on a site without
internet: Leaflet from the package, no tile fetched, the layers drawn on a plain background
(park outline, restricted tunnel, the tanker in it, the manifest that fails
reconciliation, the project with its major-hazard flag, the rescue teams), layers switched
off; in Chinese and in English."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.reads_only]


def test_the_map_draws_its_layers_without_tiles(page: Any, server: Server) -> None:
    with server.api("regulator") as api:
        layers = api.get("/api/district/map/layers").json()
    tanker = next(
        f["id"] for f in layers["vehicles"]["features"] if f["properties"]["plate"] == "浙B·D0123"
    )
    failing = next(f["id"] for f in layers["manifests"]["features"] if f["properties"]["fails"])
    project = next(
        f["id"] for f in layers["projects"]["features"] if f["properties"]["flag"] == "major_hazard"
    )
    squad = next(
        f["id"]
        for f in layers["equipment"]["features"]
        if f["properties"]["kind"] == "team:professional"
    )
    elsewhere: list[str] = []
    own = urlparse(server.url).netloc
    page.on(
        "request",
        lambda r: (
            elsewhere.append(r.url)
            if urlparse(r.url).scheme in ("http", "https") and urlparse(r.url).netloc != own
            else None
        ),
    )
    log_in(page, "regulator", next_path="/district/map")
    expect(page.get_by_test_id("map-no-tiles")).to_be_visible()
    expect(page.locator("path.hw-layer-parks")).to_have_count(1)
    expect(page.locator("path.hw-layer-zones").first).to_be_attached()
    expect(page.locator(f"path.hw-feature-{tanker}")).to_have_count(1)
    expect(page.locator(f"path.hw-feature-{failing}")).to_have_count(1)
    expect(page.get_by_test_id(f"feature-{failing}")).to_contain_text("核对不符")
    expect(page.get_by_test_id("legend-vehicles")).to_contain_text("车辆")
    expect(page.get_by_test_id("legend-projects")).to_contain_text("建设项目")
    expect(page.get_by_test_id("legend-equipment")).to_contain_text("应急装备与救援队伍")
    expect(page.get_by_test_id("legend-coverage")).to_contain_text("覆盖率缺口")
    expect(page.locator("path.hw-layer-coverage").first).to_be_attached()
    expect(page.locator(f"path.hw-feature-{project}")).to_have_count(1)
    expect(page.get_by_test_id(f"feature-{project}")).to_contain_text("构成重大危险源")
    expect(page.locator(f"path.hw-feature-{squad}")).to_have_count(1)
    expect(page.get_by_test_id(f"feature-{squad}")).to_contain_text("专业救援队伍")
    assert page.locator(".leaflet-tile").count() == 0
    screenshot(page, "district_map")
    page.get_by_test_id("toggle-vehicles").click()
    expect(page.locator(f"path.hw-feature-{tanker}")).to_have_count(0)
    page.get_by_test_id("toggle-equipment").click()
    expect(page.locator("path.hw-layer-equipment")).to_have_count(0)
    expect(page.locator(f"path.hw-feature-{project}")).to_have_count(1)
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("legend-vehicles")).to_contain_text("Vehicles")
    expect(page.get_by_test_id(f"feature-{failing}")).to_contain_text("fails reconciliation")
    expect(page.get_by_test_id("legend-equipment")).to_contain_text("Emergency equipment")
    expect(page.get_by_test_id("legend-coverage")).to_contain_text("Coverage gaps")
    expect(page.get_by_test_id(f"feature-{project}")).to_contain_text("major hazard")
    expect(page.get_by_test_id(f"feature-{squad}")).to_contain_text("Professional rescue team")
    expect(page.locator(f"path.hw-feature-{squad}")).to_have_count(1)
    expect(page.locator(f"path.hw-feature-{tanker}")).to_have_count(1)
    expect(page.locator("path.hw-layer-parks")).to_have_count(1)
    assert page.locator(".leaflet-tile").count() == 0
    assert elsewhere == [], elsewhere
