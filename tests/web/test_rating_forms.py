"""The regulator's forms of credit, points, parks and rules in the console (issue 15 items 2,
4, 5): a credit record and a listing, a park's score (out of range refused next to the
field), a new rules version (a body that does not parse refused, then previewed and saved);
the lab appeals its points and the regulator upholds the appeal; English included."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser


def choose(page: Any, form: Any, testid: str, option: str) -> None:
    form.get_by_test_id(testid).click()
    page.get_by_role("option", name=option).click()


def error_of(page: Any, form: Any, testid: str) -> Any:
    field = form.locator(".q-field--error", has=page.get_by_test_id(testid))
    return field.locator(".q-field__messages")


def test_a_regulator_records_credit_a_listing_a_park_score_and_rules(
    page: Any, server: Server
) -> None:
    log_in(page, "regulator", next_path="/supervision/credit")
    form = page.get_by_test_id("credit-form")
    form.click()
    choose(page, form, "field-organisation", "海港精细化工有限公司")
    form.get_by_test_id("field-title").fill("氨制冷机房未按期检测")
    form.get_by_test_id("field-source").fill("海应急责改〔2026〕9号")
    form.get_by_test_id("credit-save").click()
    expect(page.get_by_test_id("credit-records")).to_contain_text("氨制冷机房未按期检测")
    listing = page.get_by_test_id("listing-form")
    listing.click()
    choose(page, listing, "field-organisation", "海港精细化工有限公司")
    listing.get_by_test_id("field-source").fill("海应急罚〔2026〕2号")
    listing.get_by_test_id("listing-save").click()
    expect(error_of(page, listing, "field-reason")).to_have_text("必填")
    listing.get_by_test_id("field-reason").fill("瞒报事故")
    listing.get_by_test_id("listing-save").click()
    expect(page.locator("[data-testid^=listing-]").filter(has_text="瞒报事故")).to_be_visible()
    screenshot(page, "supervision_credit_forms")
    page.goto("/supervision/grades")
    park = page.get_by_test_id("park-form")
    park.click()
    park.get_by_test_id("field-score").fill("101")
    park.get_by_test_id("field-source").fill("应急〔2019〕78号 评估报告")
    park.get_by_test_id("park-save").click()
    expect(error_of(page, park, "field-score")).to_have_text("分值应在 0 到 100 之间")
    park.get_by_test_id("field-score").fill("55")
    park.get_by_test_id("park-save").click()
    expect(page.locator("[data-testid^=grade-park-]").first).to_contain_text("A类（高安全风险）")
    rules_form = page.get_by_test_id("rules-form")
    rules_form.click()
    body = rules_form.get_by_test_id("field-body")
    good = body.input_value()
    body.fill("{")
    rules_form.get_by_test_id("rules-save").click()
    expect(error_of(page, rules_form, "field-body")).to_contain_text("规则无法解析")
    body.fill(good.replace('"D": 12', '"D": 10'))
    rules_form.get_by_test_id("field-basis").fill("区应急管理局 2026 年检查计划")
    rules_form.get_by_test_id("rules-preview-button").click()
    expect(rules_form.get_by_test_id("rules-preview")).not_to_be_empty()
    rules_form.get_by_test_id("rules-save").click()
    expect(page.get_by_test_id("rules-form")).not_to_contain_text("规则无法解析")
    with server.api("regulator") as api:
        stored: list[dict[str, Any]] = []
        deadline = time.monotonic() + 15
        while not stored and time.monotonic() < deadline:
            stored = api.get("/api/supervision/rules", params={"kind": "enterprise_grade"}).json()
            time.sleep(0.3)
    assert [(r["version"], r["body"]["frequency"]["D"]) for r in stored] == [(1, 10)]
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("rules-form")).to_contain_text("New version of rules")


def test_the_lab_appeals_its_points_and_the_regulator_upholds_it(page: Any, server: Server) -> None:
    log_in(page, "labhead", next_path="/supervision/credit")
    form = page.get_by_test_id("points-form")
    form.click()
    form.get_by_test_id("field-point").click()
    page.get_by_role("option").filter(has_text="未制定应急预案或未演练").click()
    form.get_by_test_id("field-reason").fill("已于本月完成窒息事故应急演练")
    form.get_by_test_id("points-appeal").click()
    expect(page.get_by_test_id("point-events")).to_contain_text("申诉中")
    page.get_by_test_id("logout").click()
    page.wait_for_url("**/login**")
    log_in(page, "regulator", next_path="/supervision/credit")
    form = page.get_by_test_id("points-form")
    form.click()
    form.get_by_test_id("field-point").click()
    page.get_by_role("option").filter(has_text="申诉中").click()
    form.get_by_test_id("points-uphold").click()
    expect(page.get_by_test_id("point-events")).to_contain_text("申诉撤销")
    screenshot(page, "supervision_points_appeal_upheld")
