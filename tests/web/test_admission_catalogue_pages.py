"""The admission review and 禁限控 catalogue pages (issue 16 items 4 and 5), one server for
both: the demo project's computed major-hazard flag and opinions, in Chinese and English."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser


def test_the_project_under_joint_review_shows_its_major_hazard(page: Any, server: Server) -> None:
    with server.api("regulator") as api:
        (project,) = api.get("/api/district/admission/projects").json()
    log_in(page, "regulator", next_path="/district/admission")
    card = page.get_by_test_id(f"project-{project['id']}")
    expect(card.get_by_test_id("project-state")).to_have_text("联合审查中")
    expect(card.get_by_test_id("flag-major-hazard")).to_have_text("构成重大危险源")
    expect(card.get_by_test_id("flag-process")).to_have_text("重点监管工艺：氯化工艺")
    expect(card.get_by_test_id("unit-液氯储存单元")).to_contain_text("S = 6")
    ecology = next(o for o in project["opinions"] if o["department"] == "海港生态环境分局")
    expect(card.get_by_test_id(f"opinion-{ecology['department_id']}")).to_contain_text("待出具")
    screenshot(page, "district_admission")
    page.get_by_test_id("language").get_by_text("EN").click()
    card = page.get_by_test_id(f"project-{project['id']}")
    expect(card.get_by_test_id("flag-major-hazard")).to_have_text("Major hazard")
    expect(card.get_by_test_id("project-state")).to_have_text("Under joint review")
    expect(card.get_by_test_id("flag-process")).to_have_text("Key-supervised process: Chlorination")


def test_the_draft_catalogue_shows_who_it_newly_affects_then_is_published(
    page: Any, server: Server
) -> None:
    with server.api("regulator") as api:
        draft = next(
            v["id"]
            for v in api.get("/api/district/catalogue/versions").json()
            if v["state"] == "draft"
        )
    log_in(page, "regulator", next_path="/district/catalogue")
    card = page.get_by_test_id(f"version-{draft}")
    expect(card.get_by_test_id("version-state")).to_have_text("草稿")
    expect(card.get_by_test_id("newly-affected-count")).to_have_text("发布后新涉及 2 项")
    expect(card.get_by_test_id("newly-affected")).to_contain_text("龙山印染有限公司")
    expect(page.get_by_test_id("conflicts")).to_contain_text("氯代芳烃氯化生产线")
    screenshot(page, "district_catalogue")
    page.get_by_test_id("language").get_by_text("EN").click()
    card = page.get_by_test_id(f"version-{draft}")
    expect(card.get_by_test_id("newly-affected-count")).to_have_text(
        "Newly affected once published: 2"
    )
    card.get_by_test_id(f"publish-{draft}").click()
    expect(page.get_by_test_id(f"version-{draft}").get_by_test_id("version-state")).to_have_text(
        "In force"
    )
