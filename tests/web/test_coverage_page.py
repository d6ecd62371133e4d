"""The coverage page (issue 16 item 6): each indicator's district figure against its target,
its source and its missing items; the bureau's officers meet 75 % exactly; in English too."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

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
