"""Every console page at 1440 px and 390 px in both languages (issue 13, "done when"):
screenshots into artifacts/screenshots/pages/ (``make screenshots``; the suite takes none),
no horizontal scroll on a phone, and English pages with no Chinese in the console's own
texts (header, navigation, table headers, field labels, buttons); data (room names) may be
Chinese."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from hazwatch.web.layout import NAVIGATION
from tests.web.conftest import SCREENSHOTS, Server, log_in, settle

PAGE_SOURCES = Path(__file__).resolve().parents[2] / "src" / "hazwatch" / "web" / "pages"

pytestmark = [pytest.mark.browser, pytest.mark.reads_only]

#: Pages reached from another page, not from the navigation; ``{name}`` filled from the
#: demo district by :func:`_pages`. Shown as the lab's safety officer, but for pages of
#: what the lab has none of (``BY_OTHERS``).
SUB_PAGES = (
    "/alarms/history",
    "/hidden-dangers/ledger",
    "/hidden-dangers/{hidden_danger}",
    "/inspections/ledger",
    "/readiness/equipment/ledger",
    "/readiness/training/ledger",
    "/inspections/qr",
    "/inspections/points/{inspection_point}",
    "/chemicals/units/{unit}",
    "/chemicals/major-hazards/ledger",
    "/risks/events/{risk_event}",
    "/registry/rooms/{room}",
    "/points/{point}",
    "/odh/{room}",
    "/rooms/{room}",
    "/scba/{scba}",
    "/supervision/code/enterprise/{lab}",
)
BY_OTHERS = {"/chemicals/units/{unit}": "chem"}
ROUTE = re.compile(r'@ui\.page\("([^"]+)"\)')
WIDTHS = {"desktop": 1440, "phone": 390}
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e]")
#: The console's own texts, not data.
CHROME = (
    "header, .q-drawer, thead th, .q-field__label, .q-btn__content, "
    "[data-testid^=site-summary-] [data-testid]"
)
#: Visible buttons a thumb would miss (under 44 px either way), by their text.
SMALL_BUTTONS = """() => [...document.querySelectorAll('.q-btn')]
  .filter(b => b.offsetParent !== null)
  .map(b => [b.innerText.trim() || b.getAttribute('data-testid') || '?', b.getBoundingClientRect()])
  .filter(([, r]) => r.width > 0 && (r.width < 43.5 || r.height < 43.5))
  .map(([name, r]) => `${name} ${Math.round(r.width)}x${Math.round(r.height)}`)"""
#: The page title (the browser tab's, before " · HazWatch") is shown in the header.
TITLE_SHOWN = """() => {
  const title = document.title.split(' · ')[0];
  return [...document.querySelectorAll('header .q-toolbar *, header *')]
    .some(e => e.offsetParent !== null && e.childElementCount === 0 && e.textContent === title);
}"""
#: ``make screenshots`` keeps a full-page PNG of each page; the suite only checks them (a
#: full-page capture of some 60 pages at four sizes was a minute and a half of its time).
KEEP_SCREENSHOTS = os.environ.get("HAZWATCH_SCREENSHOTS") == "1"
#: The language switch names Chinese in Chinese, by design.
SWITCH = "中文"


def _name(path: str) -> str:
    return path.strip("/").replace("/", "-") or "monitoring"


def _templates() -> list[str]:
    return [path for path, _, _ in NAVIGATION] + list(SUB_PAGES)


def test_every_console_page_is_on_the_list() -> None:
    """A page added to the console without a screenshot fails here (no browser needed)."""
    routes = {m for f in PAGE_SOURCES.glob("*.py") for m in ROUTE.findall(f.read_text())}
    listed = [re.sub(r"\{[a-z_]+\}", "1", path) for path in _templates()]
    missing = [
        route
        for route in routes - {"/login"}
        if not any(re.fullmatch(re.sub(r"\{[a-z_]+\}", "[^/]+", route), p) for p in listed)
    ]
    assert sorted(missing) == []


def _pages(server: Server) -> list[tuple[str, str]]:
    """Every page of the list with the demo district's ids and codes filled in, with the
    demo user who looks at it (the lab's safety officer, or whoever has what it shows)."""
    with server.api("chem") as api:
        ids = {"unit": api.get("/api/chemicals/units").json()[0]["id"]}
    with server.api("lab") as api:
        dry1 = next(r for r in api.get("/api/registry/rooms").json() if r["name"] == "干燥房1")
        ids |= {
            "hidden_danger": api.get("/api/hidden-dangers").json()[0]["id"],
            "inspection_point": api.get("/api/inspections/points").json()[0]["id"],
            "room": dry1["id"],
            "lab": dry1["organisation_id"],
            "point": api.get("/api/monitoring/points").json()[0]["id"],
            "scba": api.get("/api/emergency/scba").json()[0]["code"],
            "risk_event": api.get("/api/risks/events").json()[0]["id"],
        }
    pages = [(path.format(**ids), BY_OTHERS.get(path, "lab")) for path in _templates()]
    return sorted(pages, key=lambda page: page[1] != "lab")


def _sizes() -> list[tuple[str, str]]:
    """Each language at each width for ``make screenshots``. The suite leaves out Chinese at
    desktop width: it checks nothing there (the phone checks run at 390 px, the chrome's
    language in English), and every page's opening in Chinese is the phone run's too; it was
    some 40 s of the suite's time."""
    return [
        (language, width)
        for language in ("zh_CN", "en")
        for width in WIDTHS
        if KEEP_SCREENSHOTS or (language, width) != ("zh_CN", "desktop")
    ]


@pytest.mark.parametrize(("language", "width_name"), _sizes())
def test_every_page_at_both_widths_without_sideways_scroll_or_chinese_chrome(
    page: Any, server: Server, language: str, width_name: str
) -> None:
    """One width and language per test: each stays well inside the per-test timeout on a
    loaded machine (the first also pays for the demo database and the server)."""
    page.set_viewport_size({"width": WIDTHS[width_name], "height": 900})
    log_in(page, "lab")
    if language == "en":
        page.get_by_test_id("language").get_by_text("EN").click()
        page.get_by_text("Live monitoring").first.wait_for()
    folder = SCREENSHOTS / "pages"
    folder.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    user = "lab"
    for path, by in _pages(server):
        if by != user:
            log_in(page, user := by)
        page.set_viewport_size({"width": WIDTHS[width_name], "height": 900})
        page.goto(path)
        settle(page)
        if KEEP_SCREENSHOTS:
            page.screenshot(
                path=str(folder / f"{_name(path)}-{width_name}-{language}.png"), full_page=True
            )
        if width_name == "phone":
            wide = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if wide > 1:
                problems.append(f"{path} scrolls sideways by {wide} px at 390 px")
            small = page.evaluate(SMALL_BUTTONS)
            if small:
                problems.append(f"{path} has buttons under 44 px on a phone: {small[:3]}")
            if page.locator("header").count() and not page.evaluate(TITLE_SHOWN):
                problems.append(f"{path} hides its title in the phone header")
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
