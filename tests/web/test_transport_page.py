"""The transport page (issue 16 item 2): the tanker's tunnel warning with its dispatch to
the transport bureau, the staff shortfall, and a zone switched off at run time; in English
too."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser


def test_the_tunnel_warning_and_a_zone_adjusted_at_run_time(page: Any, server: Server) -> None:
    with server.api("regulator") as api:
        warning = next(
            w for w in api.get("/api/district/transport/warnings").json() if w["zone"] == "海港隧道"
        )
        bridge = next(
            z["id"]
            for z in api.get("/api/district/transport/zones").json()
            if z["name"] == "甬江大桥"
        )
    log_in(page, "regulator", next_path="/district/transport")
    card = page.get_by_test_id(f"warning-{warning['id']}")
    expect(card).to_contain_text("浙B·D0123")
    expect(card.get_by_test_id("warning-kind")).to_have_text("闯禁行")
    expect(card.get_by_test_id("warning-dispatch")).to_contain_text("海港区交通运输局")
    expect(page.get_by_test_id("staff-short")).to_have_text("监控人员不足")
    page.get_by_test_id(f"toggle-zone-{bridge}").click()
    expect(page.get_by_test_id(f"zone-{bridge}").get_by_test_id("zone-inactive")).to_be_visible()
    screenshot(page, "district_transport")
    page.get_by_test_id("language").get_by_text("EN").click()
    card = page.get_by_test_id(f"warning-{warning['id']}")
    expect(card.get_by_test_id("warning-kind")).to_have_text("Entered restricted zone")
    expect(page.get_by_test_id("staff-short")).to_have_text("Short of monitoring staff")
