"""The safety loops' edit forms in the console (one server for the module): the risk
register (object, event, control measure, a new grading), the chemical plant's units
(unit, holding, stock movement, room link, accountable person, duty check) and emergency
readiness (plan, drill planned, held, its finding: the sub-let lab keeps them on its
landlord's site); each refusal appears at its field and stores nothing; English too."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.web.conftest import TIMEZONE, Server, choose, log_in, screenshot, unfold, wait_until_live

pytestmark = pytest.mark.browser


def _site_of_room(server: Server, room: str) -> int:
    with server.api("admin") as api:
        rooms = {r["name"]: r for r in api.get("/api/registry/rooms").json()}
        building = rooms[room]["building_id"]
        return int(api.get(f"/api/registry/buildings/{building}").json()["site_id"])


def test_a_risk_is_registered_graded_controlled_and_graded_again(page: Any, server: Server) -> None:
    site = _site_of_room(server, "干燥房1")
    log_in(page, "lab", next_path=f"/risks?site={site}")
    objects = page.get_by_test_id("object-form")
    objects.get_by_test_id("field-name").fill("氮气汇流排")
    objects.get_by_test_id("object-form-save").click()
    page.wait_for_load_state("networkidle")
    events = page.get_by_test_id("event-form")
    choose(page, events, "field-object_id", "氮气汇流排")
    events.get_by_test_id("field-title").fill("汇流排软管脱落")
    events.get_by_test_id("event-form-save").click()
    expect(events.get_by_text("请填写")).to_have_count(0)
    expect(events.locator(".q-field--error")).not_to_have_count(0)  # a factor is missing
    choose(page, events, "factor-L", "3")
    choose(page, events, "factor-S", "4")
    events.get_by_test_id("event-form-save").click()
    page.wait_for_url("**/risks/events/*")
    expect(page.get_by_test_id("event-level")).to_have_text("一般风险（黄）")
    expect(page.get_by_test_id("assessments")).to_contain_text("L=3 × S=4")
    control = page.get_by_test_id("control-form")
    control.get_by_test_id("control-form-save").click()
    expect(control.locator(".q-field--error")).not_to_have_count(0)  # kind and text required
    choose(page, control, "field-kind", "工程技术措施")
    control.get_by_test_id("field-description").fill("软管两端加装卡箍")
    control.get_by_test_id("control-form-save").click()
    expect(page.get_by_test_id("controls")).to_contain_text("软管两端加装卡箍")
    regrade = page.get_by_test_id("assess-form")
    choose(page, regrade, "factor-L", "5")
    choose(page, regrade, "factor-S", "4")
    regrade.get_by_test_id("assess-form-save").click()
    expect(page.get_by_test_id("event-level")).to_have_text("重大风险（红）")
    expect(page.get_by_test_id("assessments").locator("tbody tr")).to_have_count(2)
    screenshot(page, "risk-event-desktop")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("event-level")).to_have_text("Major (red)")
    expect(page.get_by_test_id("control-form")).to_contain_text("Add a control measure")
    expect(page.get_by_test_id("retire-event")).to_contain_text("Retire the event")
    page.get_by_test_id("language").get_by_text("中文").click()
    page.get_by_test_id("event-level").get_by_text("重大风险（红）").wait_for()
    # Reworded, then retired: off the register, its gradings kept, no more forms.
    page.get_by_test_id("edit-event").click()
    reword = page.get_by_test_id("edit-event-form")
    reword.get_by_test_id("field-title").fill("长" * 201)
    reword.get_by_test_id("edit-event-form-save").click()
    expect(reword.locator(".q-field--error")).to_have_count(1)  # too long, nothing stored
    reword.get_by_test_id("field-title").fill("汇流排软管脱落致氮气泄漏")
    reword.get_by_test_id("edit-event-form-save").click()
    expect(page.get_by_test_id("event-title")).to_contain_text("汇流排软管脱落致氮气泄漏")
    page.get_by_test_id("retire-event").click()
    page.get_by_test_id("retire-event-confirm").click()
    expect(page.get_by_test_id("event-retired")).to_have_text("已撤销")
    expect(page.get_by_test_id("control-form")).to_have_count(0)
    expect(page.get_by_test_id("assessments").locator("tbody tr")).to_have_count(2)
    page.get_by_text("返回", exact=False).first.click()
    expect(page.get_by_test_id("register")).not_to_contain_text("汇流排软管脱落致氮气泄漏")


def test_the_chemical_plant_adds_a_unit_declares_links_and_appoints(
    page: Any, server: Server
) -> None:
    log_in(page, "chem", next_path="/chemicals")
    unfold(page, page.get_by_test_id("new-unit"))
    form = page.get_by_test_id("unit-form")
    form.get_by_test_id("field-name").fill("液氯钢瓶库")
    choose(page, form, "field-site_id", "海港精细化工厂区")
    form.get_by_test_id("field-people_within_500m").fill("-3")
    form.get_by_test_id("unit-form-save").click()
    expect(form.locator(".q-field--error")).not_to_have_count(0)  # at its field, none stored
    form.get_by_test_id("field-people_within_500m").fill("20")
    form.get_by_test_id("unit-form-save").click()
    page.wait_for_url("**/chemicals/units/*")
    expect(page.get_by_test_id("unit-name")).to_have_text("液氯钢瓶库")
    holding = page.get_by_test_id("holding-form")
    choose(page, holding, "field-chemical_id", "氯")
    holding.get_by_test_id("field-design_max_t").fill("10")
    holding.get_by_test_id("field-current_t").fill("12")  # above the design maximum
    holding.get_by_test_id("holding-form-save").click()
    expect(holding.get_by_text("设计最大量", exact=False).first).to_be_visible()
    expect(page.get_by_test_id("holdings").locator("tbody tr")).to_have_count(0)
    holding.get_by_test_id("field-current_t").fill("4")
    holding.get_by_test_id("holding-form-save").click()
    expect(page.get_by_test_id("holdings")).to_contain_text("氯")
    expect(page.get_by_test_id("s")).to_contain_text("2")  # 10 t / Q 5 t
    rooms = page.get_by_test_id("room-form")
    choose(page, rooms, "field-room_id", "氨制冷机房")
    rooms.get_by_test_id("field-max_release_m3_h").fill("5")
    rooms.get_by_test_id("room-form-save").click()
    expect(page.get_by_test_id("rooms")).to_contain_text("氨制冷机房")
    page.get_by_test_id("rooms").get_by_test_id("unlink").click()
    expect(page.get_by_test_id("rooms")).not_to_contain_text("氨制冷机房")
    persons = page.get_by_test_id("persons")
    expect(persons.get_by_test_id("duty-principal")).to_have_text("缺失")
    appoint = page.get_by_test_id("person-form")
    appoint.get_by_test_id("field-name").fill("王厂长")
    appoint.get_by_test_id("person-form-save").click()
    expect(persons.get_by_test_id("duty-principal")).to_have_text("逾期未履职")
    duty = page.get_by_test_id("duty-form")
    duty.get_by_test_id("field-note").fill("检查液氯库区")
    duty.get_by_test_id("duty-form-save").click()
    expect(persons.get_by_test_id("duty-principal")).to_have_text("按期履职")
    screenshot(page, "chemical-unit-forms-desktop")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("duty-form")).to_contain_text("Record a duty check")
    expect(page.get_by_test_id("holding-form")).to_contain_text("Design maximum (t)")
    expect(persons.get_by_test_id("retire-principal")).to_have_text("Relieve")
    page.get_by_test_id("language").get_by_text("中文").click()
    page.get_by_test_id("duty-form").get_by_text("记录履职检查").wait_for()
    # Stock left: the holding cannot go (the reason is shown, the row stays).
    page.get_by_test_id("holding-actions").locator("button").first.click()
    page.locator("[data-testid$=-confirm]").click()
    expect(page.get_by_text("仍有库存 4 吨", exact=False)).to_be_visible()
    expect(page.get_by_test_id("holdings").locator("tbody tr")).to_have_count(1)
    # The principal is relieved: the role is missing again, the checks stay.
    persons.get_by_test_id("retire-principal").click()
    page.get_by_test_id("retire-principal-confirm").click()
    expect(persons.get_by_test_id("duty-principal")).to_have_text("缺失")
    expect(page.get_by_text("检查液氯库区")).to_be_visible()


def test_the_lab_adds_a_plan_and_plans_holds_and_learns_from_a_drill(
    page: Any, server: Server
) -> None:
    """The lab is a sub-tenant: the site it works on is its landlord's, and its plan and
    drill forms offer it (a site it only leases) beside nothing of the landlord's others."""
    now = datetime.now(ZoneInfo(TIMEZONE))
    site = "龙山路88号厂区"
    log_in(page, "lab", next_path="/readiness")
    unfold(page, page.get_by_test_id("new-plan"))
    plan = page.get_by_test_id("plan-form")
    plan.get_by_test_id("field-title").fill("液氮储罐泄漏专项应急预案")
    plan.get_by_test_id("field-site_id").click()
    expect(page.get_by_role("option", name="海港精细化工厂区", exact=True)).to_have_count(0)
    page.get_by_role("option", name=site, exact=True).click()
    expect(page.locator(".q-menu")).to_have_count(0)
    plan.get_by_test_id("field-approved_on").fill((now - timedelta(days=10)).date().isoformat())
    plan.get_by_test_id("field-review_due").fill((now - timedelta(days=1)).date().isoformat())
    plan.get_by_test_id("plan-form-save").click()
    expect(plan.locator(".q-field--error")).to_have_count(1)  # the review date is past
    expect(page.get_by_text("液氮储罐泄漏专项应急预案", exact=True)).to_have_count(0)
    plan.get_by_test_id("field-review_due").fill((now + timedelta(days=365)).date().isoformat())
    plan.get_by_test_id("plan-form-save").click()
    expect(page.get_by_text("液氮储罐泄漏专项应急预案", exact=True)).to_be_visible()
    wait_until_live(page)  # the save reloaded the page
    unfold(page, page.get_by_test_id("new-drill"))
    drill = page.get_by_test_id("drill-form")
    drill.get_by_test_id("field-title").fill("液氮泄漏疏散演练")
    choose(page, drill, "field-site_id", site)
    choose(page, drill, "field-plan_id", "液氮储罐泄漏专项应急预案")
    tomorrow = (now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    drill.get_by_test_id("field-planned_for").fill(tomorrow)
    drill.get_by_test_id("drill-form-save").click()
    card = page.locator("[data-testid^=drill-]").filter(has_text="液氮泄漏疏散演练")
    expect(card.get_by_test_id("drill-state")).to_have_text("计划中")
    wait_until_live(page)  # the save reloaded the page
    card.get_by_text("记录演练实施").first.click()
    hold = card.get_by_test_id("hold-form")
    hold.get_by_test_id("field-participants").fill("0")
    hold.get_by_test_id("field-summary").fill("全员疏散用时 3 分钟")
    hold.get_by_test_id("hold-form-save").click()
    expect(hold.locator(".q-field--error")).to_have_count(1)  # nobody took part
    hold.get_by_test_id("field-participants").fill("8")
    hold.get_by_test_id("hold-form-save").click()
    expect(card.get_by_test_id("drill-state")).to_have_text("已实施")
    wait_until_live(page)  # the save reloaded the page
    card.get_by_text("记录演练发现的问题").first.click()
    finding = card.get_by_test_id("finding-form")
    finding.get_by_test_id("field-text").fill("疏散指示标志被货架遮挡")
    finding.get_by_test_id("finding-form-save").click()
    expect(card.get_by_test_id("drill-finding")).to_contain_text("疏散指示标志被货架遮挡")
    screenshot(page, "readiness-forms-desktop")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("new-plan")).to_contain_text("New emergency plan")
    expect(page.get_by_test_id("new-drill")).to_contain_text("Plan a drill")
    row = page.locator("[data-testid^=plan-]").filter(has_text="液氮储罐泄漏专项应急预案")
    expect(row.get_by_text("Change the plan").first).to_be_visible()
    page.get_by_test_id("language").get_by_text("中文").click()
    page.get_by_test_id("new-plan").get_by_text("新增应急预案").first.wait_for()
    # A new version (a past review date is refused at its field), then withdrawn.
    plan_id = (row.first.get_attribute("data-testid") or "").removeprefix("plan-")
    page.get_by_test_id(f"edit-plan-{plan_id}").click()
    change = row.get_by_test_id("edit-plan-form")
    change.get_by_test_id("field-version").fill("V2")
    change.get_by_test_id("field-review_due").fill((now - timedelta(days=3)).date().isoformat())
    change.get_by_test_id("edit-plan-form-save").click()
    expect(change.locator(".q-field--error")).to_have_count(1)
    change.get_by_test_id("field-review_due").fill((now + timedelta(days=200)).date().isoformat())
    change.get_by_test_id("edit-plan-form-save").click()
    expect(page.get_by_test_id(f"plan-{plan_id}").get_by_test_id("plan-version")).to_have_text("V2")
    page.get_by_test_id(f"retire-plan-{plan_id}").click()
    page.get_by_test_id(f"retire-plan-{plan_id}-confirm").click()
    expect(page.get_by_test_id(f"plan-{plan_id}")).to_have_count(0)
    # An SCBA set registered where it is kept (the leased site); a taken code is refused.
    unfold(page, page.get_by_test_id("new-equipment-form"))
    register = page.get_by_test_id("equipment-form")
    register.get_by_test_id("field-code").fill("SCBA-LAB-1")
    choose(page, register, "field-site_id", site)
    register.get_by_test_id("field-holder").fill("张伟")
    register.get_by_test_id("equipment-form-save").click()
    expect(register.locator(".q-field--error")).to_have_count(1)  # the code is taken
    register.get_by_test_id("field-code").fill("SCBA-LAB-9")
    register.get_by_test_id("equipment-form-save").click()
    card = page.get_by_test_id("equipment-SCBA-LAB-9")
    expect(card.get_by_test_id("equipment-site")).to_have_text(site)
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("new-equipment-form")).to_contain_text("Register equipment")
    page.get_by_test_id("language").get_by_text("中文").click()
    page.get_by_test_id("new-equipment-form").get_by_text("登记应急器材").first.wait_for()
