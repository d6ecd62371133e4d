"""The supervision page: the 2·7 lab on the blind-spot worklist, owned by the fallback
department, and the district's matrix (issue 15 item 1)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser


def test_the_lab_is_a_blind_spot_on_the_supervision_page(page: Any, server: Server) -> None:
    with server.api("regulator") as api:
        names = {o["name"]: o["id"] for o in api.get("/api/registry/organisations").json()}
    lab = names["晨光储能科技有限公司"]
    log_in(page, "regulator", next_path="/supervision")
    card = page.get_by_test_id(f"blind-spot-{lab}")
    expect(card).to_contain_text("晨光储能科技有限公司")
    expect(card).to_contain_text("兜底责任部门：海港区应急管理局")
    expect(card).to_contain_text("未知（未归类）")
    expect(page.get_by_text("职责矩阵 海港区 第1版")).to_be_visible()
    screenshot(page, "supervision_blind_spots")


def test_the_2_7_incident_shows_its_late_county_report(page: Any, server: Server) -> None:
    log_in(page, "regulator", next_path="/supervision/incidents")
    card = page.locator("[data-testid^=incident-]").first
    expect(card).to_contain_text("一般事故")
    expect(card).to_contain_text("死亡 2 人")
    expect(card.get_by_test_id("step-county")).to_contain_text("迟报")
    expect(card.get_by_test_id("step-city")).not_to_contain_text("迟报")
    screenshot(page, "supervision_incidents")
