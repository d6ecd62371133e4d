"""The task progress page (issue 15 item 7): the district's lead department reports this
month's progress on a task and downloads Annex 2 with it; the page in English."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser


def test_the_lead_department_reports_progress_and_exports_annex_2(
    page: Any, server: Server
) -> None:
    log_in(page, "regulator", next_path="/supervision/tasks")
    card = page.get_by_test_id("task-18")
    expect(card).to_contain_text("明确职责分工")
    expect(card).to_contain_text("海港区应急管理局")
    card.get_by_test_id("report-18").click()
    card.get_by_test_id("progress").fill("职责矩阵2021版已印发，晨光储能列入兜底清单")
    card.get_by_test_id("report-submit").click()
    card = page.get_by_test_id("task-18")
    expect(card.get_by_test_id("status")).to_contain_text("推进中")
    expect(card).to_contain_text("监管盲区单位数")  # the platform's indicator, filled in
    with page.expect_download() as download:
        page.get_by_test_id("annex2").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert sheet is not None
    assert [c.value for c in sheet[3]][:5] == [
        "序号",
        "工作任务",
        "牵头单位",
        "完成时限",
        "工作进展情况",
    ]
    row = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] == 18)
    assert "晨光储能" in str(row[4])
    screenshot(page, "supervision_tasks")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_text("Task decomposition and monthly progress")).to_be_visible()
    expect(page.get_by_test_id("task-18")).to_contain_text("Lead department")
    screenshot(page, "supervision_tasks_english")
    page.get_by_test_id("language").get_by_text("中文").click()
