"""Safety codes and grades in the console (issue 15 items 2, 4, done-when): the sub-let
lab's code is red with its reasons, its QR page shows the code, English included; the lab
sees its own code and may appeal it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser


def test_the_sub_let_lab_is_red_with_reasons_and_its_qr_page_shows_it(
    page: Any, server: Server
) -> None:
    with server.api("regulator") as api:
        names = {o["name"]: o["id"] for o in api.get("/api/registry/organisations").json()}
    lab = names["晨光储能科技有限公司"]
    log_in(page, "regulator", next_path="/supervision/codes")
    card = page.get_by_test_id(f"code-enterprise-{lab}")
    expect(card.get_by_test_id("colour")).to_have_text("红码")
    expect(card).to_contain_text("本年度记分 12 ≥ 12")
    screenshot(page, "supervision_codes")
    card.get_by_role("link").click()
    expect(page.get_by_test_id("code-colour")).to_have_text("红码")
    expect(page.get_by_test_id("code-qr").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("code-history").first).to_contain_text("红码")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("code-colour")).to_have_text("Red")
    expect(page.get_by_text("Points this year 12 ≥ 12")).to_be_visible()
    screenshot(page, "supervision_code_qr_en")
    page.goto("/supervision/grades")
    grade = page.get_by_test_id(f"grade-enterprise-{lab}")
    expect(grade.get_by_test_id("grade")).to_have_text("Grade D")
    expect(grade).to_contain_text("12 inspections a year")


def test_the_lab_appeals_its_red_code_and_the_regulator_upholds_it(
    page: Any, server: Server
) -> None:
    with server.api("labhead") as api:
        lab = api.get("/api/supervision/codes").json()[0]["organisation_id"]
    log_in(page, "labhead", next_path=f"/supervision/code/enterprise/{lab}")
    expect(page.get_by_test_id("code-colour")).to_have_text("红码")
    page.get_by_test_id("appeal-reason").fill("重大隐患已整改，待验收")
    page.get_by_test_id("appeal").click()
    expect(page.get_by_text("申诉已提交")).to_be_visible()
    with server.api("regulator") as api:
        appeals = api.get("/api/supervision/code-appeals").json()
    assert [(a["organisation_id"], a["state"]) for a in appeals] == [(lab, "pending")]
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/login**")
    log_in(page, "regulator", next_path=f"/supervision/code/enterprise/{lab}")
    card = page.locator("[data-testid^=pending-appeal-]")
    expect(card).to_contain_text("重大隐患已整改，待验收")
    card.get_by_test_id("decision-note").fill("现场核实整改完成")
    card.get_by_test_id("appeal-uphold").click()
    expect(page.get_by_test_id("code-colour")).to_have_text("黄码")
    expect(page.get_by_text("申诉 #")).to_be_visible()
    screenshot(page, "supervision_code_appeal_upheld")
