"""Every console page at 1440 px and 390 px in both languages (issue 13, "done when"):
screenshots into artifacts/screenshots/pages/ (``make screenshots``), no horizontal scroll
on a phone, and English pages with no Chinese in the console's own texts (header,
navigation, table headers, field labels, buttons); data (room names) may be Chinese."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.web.conftest import SCREENSHOTS, Server, log_in

pytestmark = pytest.mark.browser

PAGES = (
    "/",
    "/alarms",
    "/alarms/list",
    "/alarms/history",
    "/tanks",
    "/findings",
    "/hidden-dangers",
    "/inspections",
    "/registry/organisations",
    "/access",
    "/readiness",
    "/muster",
    "/calibration",
    "/replay",
)
WIDTHS = {"desktop": 1440, "phone": 390}
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e]")
#: The console's own texts, not data.
CHROME = (
    "header, .q-drawer, thead th, .q-field__label, .q-btn__content, "
    "[data-testid^=site-summary-] [data-testid]"
)
#: The language switch names Chinese in Chinese, by design.
SWITCH = "中文"


def _name(path: str) -> str:
    return path.strip("/").replace("/", "-") or "monitoring"


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_page_at_both_widths_without_sideways_scroll_or_chinese_chrome(
    page: Any, server: Server, language: str
) -> None:
    log_in(page, "lab")
    if language == "en":
        page.get_by_test_id("language").get_by_text("EN").click()
        page.get_by_text("Live monitoring").first.wait_for()
    folder = SCREENSHOTS / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for path in PAGES:
        for width_name, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(300)
            page.screenshot(
                path=str(folder / f"{_name(path)}-{width_name}-{language}.png"), full_page=True
            )
            if width_name == "phone":
                wide = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                if wide > 1:
                    problems.append(f"{path} scrolls sideways by {wide} px at 390 px")
            if language == "en" and width_name == "desktop":
                texts = page.locator(CHROME).all_inner_texts()
                chinese = sorted({t.strip() for t in texts if CJK.search(t.replace(SWITCH, ""))})
                if chinese:
                    problems.append(f"{path} English page shows {chinese[:5]}")
    assert problems == [], "\n".join(problems)


def test_the_empty_access_log_says_so_in_words(page: Any, server: Server) -> None:
    log_in(page, "lab", next_path="/access")
    page.get_by_test_id("person").fill("nobody-has-this-name")
    page.get_by_text("还没有门禁记录").wait_for()
