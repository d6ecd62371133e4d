"""The interconnection page (issue 15 item 8): a city registry file is checked row by row
before anything is imported, then applied; a platform subscribes and is shown its key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from hazwatch.registry.demo import credit_code
from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser


def test_a_city_registry_file_is_checked_then_imported(
    page: Any, server: Server, tmp_path: Path
) -> None:
    city = tmp_path / "city.csv"
    code = credit_code("91330299MA2X00021")
    city.write_text(
        "name,credit_code\n"
        f"寒川低温科技有限公司,{code}\n"
        f"寒川低温科技有限公司,{code}\n"
        "坏代码公司,123\n",
        encoding="utf-8",
    )
    log_in(page, "regulator", next_path="/supervision/interconnect")
    page.get_by_test_id("import-file").locator("input[type=file]").set_input_files(str(city))
    summary = page.get_by_test_id("import-summary")
    expect(summary).to_contain_text("新增 1")
    expect(summary).to_contain_text("无效 1")
    expect(page.get_by_test_id("import-rows")).to_contain_text("文件内重复")
    page.get_by_test_id("import-apply").click()
    expect(page.get_by_text("仍有 1 行冲突或无效")).to_be_visible()
    page.get_by_test_id("import-skip").click()
    page.get_by_test_id("import-apply").click()
    expect(page.get_by_text("已导入 1 家单位")).to_be_visible()
    with server.api("regulator") as api:
        names = {o["name"] for o in api.get("/api/registry/organisations").json()}
    assert "寒川低温科技有限公司" in names
    page.get_by_test_id("subscription-name").fill("市应急指挥平台")
    page.get_by_test_id("subscription-url").fill("http://127.0.0.1:9/hook")
    page.get_by_test_id("subscribe").click()
    expect(page.get_by_test_id("subscription-result")).to_contain_text("签名密钥")
    screenshot(page, "supervision_interconnect")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_text("Import organisations from the city registry")).to_be_visible()
    expect(page.get_by_text("Platforms following (webhook)")).to_be_visible()
    page.get_by_test_id("language").get_by_text("中文").click()
