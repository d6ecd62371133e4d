"""Chemicals, major hazards and the risk colour map in the console: the chemical plant's
administrator opens the ammonia tank farm and reads its GB 18218-2018 working (S 5, α 1.5,
R 15, level 3), prints the major-hazard list and downloads it as Excel; the lab sees its
dry room red on the colour map, in Chinese and in English."""

from __future__ import annotations

from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.web.conftest import Server, log_in, screenshot

pytestmark = pytest.mark.browser


def test_the_tank_farm_shows_its_working_and_the_ledger_exports(page: Any, server: Server) -> None:
    log_in(page, "chem", next_path="/chemicals")
    card = page.locator("[data-testid^=unit-]").filter(has_text="液氨罐区").first
    expect(card.get_by_test_id("unit-level")).to_have_text("三级")
    card.get_by_text("液氨罐区").click()
    page.wait_for_url("**/chemicals/units/*")
    expect(page.get_by_test_id("s")).to_have_text("S = 5")
    expect(page.get_by_test_id("r")).to_have_text("R = 15")
    expect(page.get_by_test_id("alpha")).to_contain_text("α = 1.5")
    working = page.get_by_test_id("working")
    expect(working).to_contain_text("GB 18218-2018 4.1 表1 第1项")
    expect(working).to_contain_text("GB 18218-2018 4.3.3 表3 氨")
    expect(page.get_by_test_id("duty-operational")).to_have_text("按期履职")
    screenshot(page, "chemicals-unit")
    page.goto("/chemicals/major-hazards/ledger")
    ledger = page.get_by_test_id("ledger")
    expect(ledger).to_contain_text("液氨罐区")
    expect(ledger).to_contain_text("周建国")
    with page.expect_download() as download:
        page.get_by_text("导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as handle:
        book = load_workbook(handle)
    rows = [list(row) for row in book.active.iter_rows(min_row=4, values_only=True)]
    assert rows and rows[0][2] == "液氨罐区" and rows[0][5] == "5" and rows[0][6] == "15"
    assert rows[0][4] == "氨 50 t"
    page.goto("/chemicals")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("open-ledger")).to_contain_text("Major-hazard list")
    page.wait_for_load_state("networkidle")
    page.goto("/chemicals/major-hazards/ledger")
    expect(page.get_by_text("Major hazards of hazardous chemicals")).to_be_visible()
    english = page.get_by_test_id("ledger")
    expect(english).to_contain_text("Ammonia 50 t")
    expect(english).to_contain_text("Level 3")
    expect(english.locator("thead")).to_contain_text("People within 500 m")


def test_the_lab_sees_its_dry_room_red_on_the_colour_map(page: Any, server: Server) -> None:
    log_in(page, "lab", next_path="/risks")
    colour_map = page.get_by_test_id("colour-map")
    dry_room = colour_map.locator("[data-colour]").filter(has_text="干燥房1")
    expect(dry_room).to_have_attribute("data-colour", "red")
    expect(dry_room).to_contain_text("重大风险（红）")
    expect(page.get_by_test_id("register")).to_contain_text("氮气泄漏致缺氧窒息")
    screenshot(page, "risk-map")
    page.get_by_test_id("language").get_by_text("EN").click()
    expect(page.get_by_test_id("colour-map")).to_contain_text("Major (red)")
    expect(page.get_by_test_id("register")).to_contain_text("LS risk matrix")
    page.goto("/chemicals")
    expect(page.get_by_test_id("catalogue")).to_be_visible()
    search = "[data-testid=catalogue-search] input, input[data-testid=catalogue-search]"
    page.locator(search).first.fill("7727-37-9")
    expect(page.get_by_test_id("catalogue")).to_contain_text("Nitrogen")
    expect(page.get_by_test_id("catalogue")).to_contain_text("1066")  # UN number
    expect(page.get_by_test_id("catalogue")).to_contain_text("172")  # catalogue serial
    page.locator(search).first.fill("75-44-5")  # phosgene: highly toxic, key-supervised
    expect(page.get_by_test_id("catalogue")).to_contain_text("Carbonyl chloride (phosgene)")
    expect(page.get_by_test_id("catalogue")).to_contain_text("1076")
    expect(page.get_by_test_id("catalogue")).to_contain_text("Highly toxic, Key-supervised")
    page.get_by_test_id("language").get_by_text("中文").click()


def test_stock_leaves_the_tank_farm_and_never_below_zero(page: Any, server: Server) -> None:
    log_in(page, "chem", next_path="/chemicals")
    page.locator("[data-testid^=unit-]").filter(has_text="液氨罐区").first.get_by_text(
        "液氨罐区"
    ).click()
    page.wait_for_url("**/chemicals/units/*")
    form = page.get_by_test_id("movement-form")
    form.get_by_test_id("field-quantity_t").fill("500")
    form.get_by_test_id("save-movement").click()
    expect(form.get_by_text("库存不足")).to_be_visible()  # at its field, nothing stored
    holdings = page.get_by_test_id("holdings")
    before = holdings.locator("tbody tr").first.inner_text()
    form.get_by_test_id("field-quantity_t").fill("2")
    form.get_by_test_id("field-note").fill("装车外运")
    form.get_by_test_id("save-movement").click()
    expect(page.get_by_test_id("movements")).to_contain_text("装车外运")
    assert page.get_by_test_id("holdings").locator("tbody tr").first.inner_text() != before
