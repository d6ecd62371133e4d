"""The coverage page (issue 16 item 6): each indicator's district figure against its target,
its source and its missing items; the bureau's officers meet 75 % exactly; in English too.
From the page's forms a contract closes the lab's social-service gap (one that ends before
it starts is refused at the field) and a new officer without a safety degree becomes one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.web.conftest import TIMEZONE, Server, choose, field_error, log_in, screenshot, unfold

pytestmark = pytest.mark.browser


def test_the_indicators_and_their_gaps(page: Any, server: Server) -> None:
    with server.api("regulator") as api:
        figures = api.get("/api/district/coverage").json()
    staff = next(f for f in figures if f["key"] == "enforcement_staff" and not f["department_id"])
    bureau = next(
        f
        for f in figures
        if f["key"] == "enforcement_staff" and f["department"] == "海港区应急管理局"
    )
    training = next(
        f for f in figures if f["key"] == "vocational_training" and not f["department_id"]
    )
    district = staff["district_id"]
    log_in(page, "regulator", next_path="/district/coverage")
    card = page.get_by_test_id(f"figure-enforcement_staff-{district}-0")
    expect(card.get_by_test_id("figure-numbers")).to_contain_text("4/6 = 66.7%（目标 ≥ 75%）")
    expect(card.get_by_test_id("figure-met")).to_have_text("未达标")
    expect(card).to_contain_text("第19条")
    gap = next(g for g in staff["gaps"] if g["name"] == "郑洁")
    expect(card.get_by_test_id(f"gap-{gap['subject_id']}")).to_contain_text("无安全相关专业学历")
    row = page.get_by_test_id(f"figure-enforcement_staff-{district}-{bureau['department_id']}")
    expect(row.get_by_test_id("figure-met")).to_have_text("达标")
    training_card = page.get_by_test_id(f"figure-vocational_training-{district}-0")
    expect(training_card).to_contain_text("海港精细化工有限公司：已培训 0/220 人")
    assert training["target_percent"] == "60"
    screenshot(page, "district_coverage")
    page.get_by_test_id("language").get_by_text("EN").click()
    card = page.get_by_test_id(f"figure-enforcement_staff-{district}-0")
    expect(card.get_by_test_id("figure-met")).to_have_text("Not met")
    expect(card.get_by_test_id("figure-numbers")).to_contain_text("(target ≥ 75%)")


def test_a_contract_and_an_officer_added_from_the_page(page: Any, server: Server) -> None:
    with server.api("regulator") as api:
        figures = api.get("/api/district/coverage").json()
        contracts = len(api.get("/api/district/coverage/contracts").json())
    service = next(f for f in figures if f["key"] == "social_service" and not f["department_id"])
    lab = next(g["subject_id"] for g in service["gaps"] if g["name"] == "晨光储能科技有限公司")
    district = service["district_id"]
    today = datetime.now(ZoneInfo(TIMEZONE)).date()
    log_in(page, "regulator", next_path="/district/coverage")
    card = page.get_by_test_id(f"figure-social_service-{district}-0")
    expect(card.get_by_test_id(f"gap-{lab}")).to_have_count(1)
    unfold(page, page.get_by_test_id("new-contract-form"))
    form = page.get_by_test_id("contract-form")
    choose(page, form, "field-organisation_id", "晨光储能科技有限公司")
    form.get_by_test_id("field-provider").fill("宁波安环技术服务有限公司")
    form.get_by_test_id("field-valid_from").fill(today.isoformat())
    form.get_by_test_id("field-valid_until").fill((today - timedelta(days=1)).isoformat())
    form.get_by_test_id("contract-form-save").click()
    expect(field_error(page, form, "field-valid_until")).not_to_be_empty()
    with server.api("regulator") as api:
        assert len(api.get("/api/district/coverage/contracts").json()) == contracts
    form.get_by_test_id("field-valid_until").fill((today + timedelta(days=365)).isoformat())
    form.get_by_test_id("contract-form-save").click()
    card = page.get_by_test_id(f"figure-social_service-{district}-0")
    expect(card.get_by_test_id(f"gap-{lab}")).to_have_count(0)
    unfold(page, page.get_by_test_id("new-officer-form"))
    officer = page.get_by_test_id("officer-form")
    officer.get_by_test_id("field-name").fill("王测")
    officer.get_by_test_id("field-degree").fill("法学 本科")
    officer.get_by_test_id("field-experience_years").fill("3")
    officer.get_by_test_id("officer-form-save").click()
    staff = page.get_by_test_id(f"figure-enforcement_staff-{district}-0")
    expect(staff).to_contain_text("王测：无安全相关专业学历")
    expect(staff.get_by_test_id("figure-numbers")).to_contain_text("4/7")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("new-officer-form")).to_contain_text("Add an enforcement officer")
