"""The regulator dashboard page (issue 15 item 9): the district's figures, a figure opened
down to the 2·7 lab, which links to the organisation; the page in English."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.reads_only]


def test_a_figure_drills_down_to_its_list_and_the_organisation(page: Any, server: Server) -> None:
    log_in(page, "regulator", next_path="/supervision/dashboard")
    spots = page.get_by_test_id("figure-blind_spots")
    expect(spots).to_contain_text("监管盲区")
    expect(spots.get_by_test_id("open-list")).to_have_attribute("href", "/supervision")
    spots.get_by_test_id("drill").click()
    lab = spots.get_by_role("link", name="晨光储能科技有限公司")
    expect(lab).to_be_visible()
    codes = page.get_by_test_id("figure-codes")
    expect(codes).to_contain_text("红码")
    expect(page.get_by_test_id("figure-task_progress")).to_contain_text("未报送")
    screenshot(page, "supervision_dashboard")
    lab.click()
    expect(page).to_have_url(re.compile(r"/registry/organisations/\d+"))
    page.goto(f"{server.url}/supervision/dashboard")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("figure-blind_spots")).to_contain_text("Blind spots")
    page.get_by_test_id("language").get_by_text("中文").click()
