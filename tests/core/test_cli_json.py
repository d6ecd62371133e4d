"""``--json`` prints JSON alone on standard output, for every command that offers it; progress,
logs and messages go to standard error. Run against the demo district, in order (the
hidden-danger loop walks one new hidden danger from report to closing)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from typer.main import get_command
from typer.testing import CliRunner

from hazwatch import demo as full_demo
from hazwatch.chemicals.seed import by_table1
from hazwatch.cli.main import app
from hazwatch.core.auth.roles import SYSTEM, Principal, Role
from hazwatch.core.context import Context
from hazwatch.core.settings import get_settings
from hazwatch.monitoring.models import MeasurementPoint
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry import service
from hazwatch.registry.demo import DemoIds
from hazwatch.registry.resources import RESOURCES
from hazwatch.supervision import credit
from hazwatch.supervision.choices import RuleKind
from hazwatch.supervision.rules import DEFAULTS
from tests.monitoring.test_calibration_occupancy_cli import let_in

runner = CliRunner()

#: Every command with --json: its arguments ({lease}, {supply}, {new}, {org}, {room}, … are
#: filled in) and the exit code it has by design on the demo district.
TABLE: list[tuple[str, list[str], int]] = [
    ("audit verify", [], 0),
    ("worker list", [], 0),  # no partition registered: nothing waits for an owner
    ("monitoring ready", ["--url", "http://127.0.0.1:9"], 1),  # no server answers there
    ("registry list", ["rooms"], 0),
    ("registry list", ["leases", "-q", "钢棚"], 0),
    ("registry findings", [], 1),  # findings present
    ("registry plan", ["{building}"], 0),
    ("registry confirm", ["leases", "{lease}", "--as", "chem"], 0),
    ("registry decline", ["supplies", "{supply}", "--as", "chem"], 0),
    ("inspection plans", ["--as", "lab"], 1),  # one plan overdue
    ("hidden-danger list", ["--as", "lab"], 1),  # one overdue
    (
        "hidden-danger report",
        ["--org", "{org}", "--title", "氧含量报警仪未校准", "--room", "{room}", "--as", "lab"],
        0,
    ),
    ("hidden-danger show", ["{new}", "--as", "lab"], 0),
    ("hidden-danger grade", ["{new}", "--grade", "general", "--as", "lab"], 0),
    (
        "hidden-danger order",
        [
            "{new}",
            "--measures",
            "送检校准",
            "--person",
            "刘工",
            "--funds",
            "800",
            "--plan",
            "便携式检测",
            "--as",
            "lab",
        ],
        0,
    ),
    ("hidden-danger start", ["{new}", "--as", "lab"], 0),
    ("hidden-danger self-check", ["{new}", "-m", "已校准", "--as", "lab"], 0),
    ("hidden-danger reject", ["{new}", "-m", "无校准证书", "--as", "labhead"], 0),
    ("hidden-danger self-check", ["{new}", "-m", "证书已附", "--as", "lab"], 0),
    ("hidden-danger accept", ["{new}", "--as", "labhead"], 0),
    ("hidden-danger close", ["{new}", "--as", "labhead"], 0),
    ("chemicals list", ["-q", "氨"], 0),
    ("chemicals units", ["--as", "chem"], 0),
    ("chemicals major-hazards", [], 0),
    ("chemicals identify", ["--all", "--as", "chem"], 0),
    (
        "chemicals move",
        ["in", "--chemical", "{ammonia}", "--quantity", "1", "--to", "{farm}", "--as", "chem"],
        0,
    ),
    ("risk events", ["--as", "lab"], 0),
    ("risk map", [], 0),
    ("leak evaluate", ["--years", "0.1", "--runs", "1"], 0),
    (
        "permit open",
        ["--room", "{room}", "--number", "CS-CLI", "--isolation", "盲板", "--as", "lab"],
        0,
    ),
    ("permit approve", ["{permit}", "--as", "labhead"], 0),
    ("permit guardian", ["{permit}", "王监护", "--as", "lab"], 0),
    ("permit gas-test", ["{permit}", "--o2", "20.8", "--as", "lab"], 0),
    ("permit list", ["--as", "lab"], 0),
    ("permit close", ["{permit}", "--as", "lab"], 0),
    (
        "commitment publish",
        ["--org", "{org}", "--running", "1", "--signer", "陈主任", "--as", "labhead"],
        0,
    ),
    ("commitment missing", ["--as", "lab"], 0),  # the lab has published
    # the demo's inspection was planned for a week after the demo's (past) moment: overdue
    ("landlord tenants", ["--org", "{landlord}", "--as", "landlord"], 1),
    ("emergency training", ["--as", "lab"], 1),  # one qualification lapsed
    ("emergency equipment", ["--as", "landlord"], 1),  # the landlord's sets are low
    ("emergency check", ["LAB-FAN-P1", "--as", "lab"], 0),
    ("emergency checks", ["--as", "landlord"], 1),  # the landlord's sets were low
    ("supervision matrices", ["--as", "street"], 0),
    ("supervision blind-spots", ["--as", "street"], 1),  # the 2·7 lab among them
    ("supervision supervisors", ["{org}", "--as", "regulator"], 0),
    ("supervision classify", ["{org}", "research", "--as", "regulator"], 0),
    ("supervision incidents", ["--as", "regulator"], 0),  # the demo clock is before 2·7
    ("supervision grade", ["--deaths", "2", "--loss", "2871000"], 0),
    # the demo tanker's tunnel warning was dispatched at the demo's moment: late by now
    ("supervision dispatches", ["--scan", "--as", "regulator"], 1),
    # the demo's tasks were loaded on the demo clock (Feb 2025): months of reports overdue
    ("supervision tasks list", ["--as", "regulator"], 1),
    ("supervision tasks overdue", ["--as", "regulator"], 1),
    ("supervision feed pull", ["--as", "regulator"], 0),
    ("supervision dashboard", ["--as", "street"], 0),
    ("supervision import-organisations", ["{city_file}", "--as", "regulator"], 0),
    (
        "supervision tasks report",
        ["3", "--status", "in_progress", "--progress", "联合审查制度已建立", "--as", "regulator"],
        0,
    ),
    ("supervision credit", ["--as", "regulator"], 0),
    ("supervision dishonesty", ["--as", "street"], 0),
    ("supervision points", ["--as", "lab"], 0),
    # the demo's points count in the demo clock's year (2025); the command runs on today's
    ("supervision points", ["--totals", "--as", "regulator"], 0),
    (
        "supervision points-record",
        ["{org}", "missing_commitment", "--source", "未按时承诺", "--as", "regulator"],
        0,
    ),
    ("supervision grades", ["--as", "street"], 0),
    ("supervision grades", ["--parks", "--as", "regulator"], 0),
    ("supervision codes", ["--refresh", "--as", "regulator"], 1),  # the lab: overdue 重大
    ("supervision code", ["enterprise", "{org}", "--as", "regulator"], 1),
    ("supervision rules", ["points"], 0),
    ("supervision rules-set", ["enterprise_code", "{district}", "{rules}", "--preview"], 0),
    (
        "supervision plan",
        ["{district}", "{last_year}", "-i", "张一", "-i", "王二", "--seed", "7"],
        0,
    ),
    ("supervision plans", ["--as", "regulator"], 1),  # last year's: every inspection overdue
    ("supervision plan-done", ["{plan}", "{inspection}", "-m", "已检查", "--as", "regulator"], 0),
    ("supervision listing", ["{listing}", "request", "-m", "已取得许可证", "--as", "regulator"], 0),
    ("supervision profile", ["{org}", "--score", "58", "--source", "诊断报告"], 0),
    (
        "supervision credit-record",
        ["{chem}", "good", "标准化达标", "--source", "公告", "--as", "regulator"],
        0,
    ),
    (
        "supervision dishonesty-add",
        ["{chem}", "--reason", "瞒报事故", "--source", "处罚决定", "--as", "regulator"],
        0,
    ),
    ("supervision points-scan", ["--as", "regulator"], 0),
    ("supervision points-appeal", ["{point}", "--reason", "已承诺", "--as", "lab"], 0),
    ("supervision points-decide", ["{point}", "--reject", "--as", "regulator"], 0),
    ("supervision points-cancel", ["{point}", "--finding", "{new}", "--as", "regulator"], 0),
    ("supervision code-appeal", ["enterprise", "{org}", "--reason", "已整改", "--as", "lab"], 0),
    ("supervision code-appeals", ["--as", "regulator"], 1),  # the lab's, pending
    ("supervision code-decide", ["{appeal}", "--reject", "-m", "未验收", "--as", "regulator"], 0),
    ("supervision park-score", ["{park}", "80", "--source", "评估报告", "--as", "regulator"], 0),
    (
        "supervision incident-record",
        ["{chem}", "泄漏", "--at", "{two_hours_ago}", "--deaths", "1", "--as", "regulator"],
        0,
    ),
    (
        "supervision incident-report",
        ["{incident}", "county", "--at", "{an_hour_ago}", "--as", "regulator"],
        0,
    ),
    (
        "supervision incident-casualties",
        [
            "{incident}",
            "--deaths",
            "2",
            "--injuries",
            "1",
            "--at",
            "{an_hour_ago}",
            "--as",
            "regulator",
        ],
        0,
    ),
    (
        "supervision incident-extend",
        ["{incident}", "--days", "30", "--approved-by", "区政府", "--as", "regulator"],
        0,
    ),
    (
        "supervision duty-shift",
        [
            "{ema}",
            "张值班",
            "--from",
            "{in_an_hour}",
            "--to",
            "{in_nine_hours}",
            "--as",
            "regulator",
        ],
        0,
    ),
    ("supervision duty-roster", ["{ema}", "--as", "regulator"], 1),  # gaps around the shift
    (
        "supervision duty-write",
        ["{ema}", "交接", "--hand-over-to", "张值班", "--as", "regulator"],
        0,
    ),
    ("supervision duty-log", ["{ema}", "--as", "regulator"], 0),
    ("supervision assign", ["{org}", "{ema}", "use", "--as", "regulator"], 0),  # the lab
    ("waste manifests", ["--as", "regulator"], 1),  # the short trip fails reconciliation
    ("waste licences", ["--as", "regulator"], 0),
    (
        "waste issue",
        [
            *("--producer", "{chem}", "--carrier", "{carrier}", "--receiver", "{disposer}"),
            *("--plate", "浙B·J1", "--code", "900-249-08", "--name", "废矿物油"),
            *("--quantity", "100", "--as", "chem"),
        ],
        0,
    ),
    ("waste handover", ["{manifest}", "pickup", "100"], 0),
    (
        "waste add-licence",
        [
            *("{carrier}", "carrier", "CLI-1", "--code", "HW08"),
            *("--from", "2025-01-01", "--until", "2026-01-01"),
        ],
        0,
    ),
    ("calendar list", ["--year", "2025"], 0),
    ("transport overview", ["--as", "regulator"], 1),  # 2 of 3 insured, staff short
    ("transport zones", [], 0),
    (
        "transport add-zone",
        ["--department", "{bureau}", "--name", "x", "--wkt", "POLYGON ((0 0, 1 0, 1 1, 0 0))"],
        0,
    ),
    ("transport position", ["浙B·D0456", "29.7", "121.3", "--speed", "30"], 0),
    ("transport warnings", ["--as", "regulator"], 0),
    ("map layers", ["--as", "regulator"], 0),
    ("admission processes", [], 0),
    # the demo project's opinions were due in February 2025: overdue by the CLI's clock
    ("admission projects", ["--as", "regulator"], 1),
    (
        "admission create",
        [
            "--organisation",
            "{chem}",
            "--name",
            "x",
            "--process",
            "P03",
            "--holding",
            "罐区:{ammonia}:20",
        ],
        0,
    ),
    ("admission open", ["{admission_new}", "--lead", "{ema}"], 0),
    ("admission opinion", ["{admission}", "{ecology}", "agree"], 0),
    ("admission opinion", ["{admission}", "{economy}", "agree"], 0),
    ("admission decide", ["{admission}", "conditional"], 0),
    ("catalogue versions", ["--as", "regulator"], 0),
    ("catalogue impact", ["{draft}", "--as", "regulator"], 1),  # the demo draft affects two
    ("catalogue conflicts", ["--as", "regulator"], 1),  # chlorination is controlled
    ("catalogue add-process", ["{chem}", "硝化生产线", "--process-code", "P04"], 0),
    ("catalogue add-entry", ["{draft}", "process", "prohibited", "硝化工艺"], 0),
    ("catalogue publish", ["{draft}", "--as", "regulator"], 0),
    ("catalogue new-version", ["--district", "{district}", "--title", "x"], 0),
    ("coverage show", ["--as", "regulator"], 1),  # every indicator of the demo has gaps
    (
        "coverage add-contract",
        [
            "--organisation",
            "{chem}",
            "--provider",
            "x",
            "--from",
            "2025-01-01",
            "--until",
            "2025-12-31",
        ],
        0,
    ),
    ("coverage add-officer", ["--department", "{bureau}", "--name", "x", "--years", "3"], 0),
    ("resources items", [], 0),
    (
        "resources add-item",
        [
            "--owner",
            "{chem}",
            "--kind",
            "foam",
            "--code",
            "CLI-FOAM",
            "--lat",
            "29.93",
            "--lon",
            "121.8",
            "--quantity",
            "100",
            "--unit",
            "L",
        ],
        0,
    ),
    ("resources teams", [], 0),
    ("resources nearest", ["29.93", "121.8", "--kind", "absorbent"], 0),
    (
        "resources dispatch",
        [
            "--drill",
            "{resource_drill}",
            "--lat",
            "29.93",
            "--lon",
            "121.805",
            "--teams",
            "1",
        ],
        0,
    ),
    ("resources dispatches", [], 0),
    ("resources arrive", ["{line}"], 0),
    ("resources return", ["{line}"], 0),  # the team is back
]


#: Commands that never open HazWatch's database (a replay builds its own throw-away one): run
#: once, not once per database like the tables above (the 2·7 replay takes 15 s).
WITHOUT_DATABASE: list[tuple[str, list[str], int]] = [
    ("replay", ["ningbo_2_7_as_it_was"], 0),
]


#: The safety loops' commands (issue 14: registers, units, plans and drills, calibration,
#: who is inside), run in a test of their own so each stays well inside the time limit.
SAFETY_TABLE: list[tuple[str, list[str], int]] = [
    (
        "chemicals unit-add",
        ["--org", "{chem}", "--site", "{chem_site}", "--name", "液氯钢瓶库", "--as", "chem"],
        0,
    ),
    ("chemicals unit-edit", ["{new_unit}", "--people", "12", "--as", "chem"], 0),
    (
        "chemicals declare",
        ["{new_unit}", "--chemical", "{ammonia}", "--design-max", "5", "--as", "chem"],
        0,
    ),
    ("chemicals holding-edit", ["{holding}", "--design-max", "6", "--as", "chem"], 0),
    ("chemicals link-room", ["{new_unit}", "{ammonia_room}", "--as", "chem"], 0),
    (
        "chemicals person-add",
        ["{new_unit}", "--role", "principal", "--name", "王厂长", "--as", "chem"],
        0,
    ),
    ("chemicals duty-check", ["{person}", "-m", "巡查库区", "--as", "chem"], 0),
    ("chemicals person-edit", ["{person}", "--phone", "0574-1", "--as", "chem"], 0),
    ("chemicals person-retire", ["{person}", "--as", "chem"], 0),
    ("risk objects", ["--as", "lab"], 0),
    (
        "risk object-add",
        ["--org", "{org}", "--site", "{site}", "--name", "氮气汇流排", "--as", "lab"],
        0,
    ),
    (
        "risk event-add",
        ["{risk_object}", "--title", "软管脱落", "-f", "L=3", "-f", "S=4", "--as", "lab"],
        0,
    ),
    ("risk assess", ["{risk_event}", "-f", "L=2", "-f", "S=4", "--as", "lab"], 0),
    (
        "risk control-add",
        ["{risk_event}", "--kind", "engineering", "-m", "加卡箍", "--as", "lab"],
        0,
    ),
    ("risk event-edit", ["{risk_event}", "--consequence", "缺氧窒息", "--as", "lab"], 0),
    ("risk event-retire", ["{risk_event}", "--as", "lab"], 0),
    ("risk object-edit", ["{risk_object}", "--name", "氮气汇流排2", "--as", "lab"], 0),
    ("risk object-retire", ["{risk_object}", "--as", "lab"], 0),
    # the demo's plan was approved on the demo clock (Feb 2025): its review is past by now
    ("emergency plans", ["--as", "lab"], 1),
    (
        "emergency plan-add",
        [
            *("--org", "{org}", "--site", "{site}", "--title", "液氮泄漏专项预案"),
            *("--approved", "{approved}", "--review-due", "{review_due}", "--as", "lab"),
        ],
        0,
    ),
    (
        "emergency drill-plan",
        [
            "--org",
            "{org}",
            "--site",
            "{site}",
            "--title",
            "疏散演练",
            "--at",
            "{soon}",
            "--as",
            "lab",
        ],
        0,
    ),
    (
        "emergency drill-hold",
        ["{drill}", "--participants", "6", "-m", "用时3分钟", "--as", "lab"],
        0,
    ),
    ("emergency drill-finding", ["{drill}", "-m", "疏散标志被遮挡", "--as", "lab"], 0),
    ("emergency drills", ["--as", "lab"], 0),
    ("emergency plan-edit", ["{plan}", "--version", "V2", "--as", "lab"], 0),
    ("emergency plan-retire", ["{plan}", "--as", "lab"], 0),
    ("calibration detectors", ["--as", "chem"], 1),  # NH3-01 is overdue
    ("calibration record", ["{detector}", "--by", "仪表班 李工", "--as", "chem"], 0),
    ("calibration records", ["{detector}", "--as", "chem"], 0),
    ("occupancy muster", ["{site}", "--as", "lab"], 0),
    ("occupancy check-out", ["{site}", "张三", "-m", "当面确认已离开", "--as", "lab"], 0),
]


def _pending_links(context: Context, demo: DemoIds) -> dict[str, str]:
    """A lease and a supply the landlord and the supplier recorded naming chem (to answer)."""
    with context.unit_of_work() as session:
        landlord = Principal(
            user_id=None, username="l", role=Role.LANDLORD, organisation_id=demo["landlord"]
        )
        lease = service.create_object(
            session,
            landlord,
            RESOURCES["leases"],
            {
                "lessor_id": demo["landlord"],
                "lessee_id": demo["chem"],
                "site_id": demo["plant"],
                "start_date": "2025-01-01",
            },
        )
        supplier = Principal(
            user_id=None, username="s", role=Role.SUPPLIER, organisation_id=demo["gas_supplier"]
        )
        supply = service.create_object(
            session,
            supplier,
            RESOURCES["supplies"],
            {
                "supplier_id": demo["gas_supplier"],
                "customer_id": demo["chem"],
                "substance": "液氮",
                "form": "cylinder",
                "start_date": "2025-01-01",
            },
        )
        return {"lease": str(lease.id), "supply": str(supply.id)}


def _listing_a_year_ago(context: Context, demo: DemoIds) -> int:
    """An entry of the list 400 days old by the real clock (the CLI's), so early removal may
    be asked whatever day the suite runs."""
    with context.unit_of_work() as session:
        return credit.list_entry(
            session,
            SYSTEM,
            context.clock.now(),
            organisation_id=demo["sublessor"],
            reason="无证经营",
            source="x",
            listed_on=datetime.now(UTC).date() - timedelta(days=400),
        ).id


def test_json_output_parses_for_every_command(cli_on_context: Context, tmp_path: Path) -> None:
    with cli_on_context.unit_of_work() as session:
        demo = full_demo.load(session, Moment.of(cli_on_context))
        ammonia = by_table1(session, 1).id
    rules_file = tmp_path / "codes.json"
    rules_file.write_text(json.dumps(DEFAULTS[RuleKind.ENTERPRISE_CODE], default=str))
    values = {
        "org": str(demo["lab"]),
        "room": str(demo["dry_room_1"]),
        "building": str(demo["shed"]),
        "landlord": str(demo["landlord"]),
        "district": str(demo["district"]),
        "last_year": str(datetime.now(UTC).year - 1),
        "listing": str(_listing_a_year_ago(cli_on_context, demo)),
        "rules": str(rules_file),
        "farm": str(demo["ammonia_farm"]),
        "ammonia": str(ammonia),
        "chem": str(demo["chem"]),
        "carrier": str(demo["carrier"]),
        "disposer": str(demo["disposer"]),
        "bureau": str(demo["transport_bureau"]),
        "ema": str(demo["ema"]),
        "ecology": str(demo["ecology_bureau"]),
        "economy": str(demo["economy_bureau"]),
        "admission": str(demo["admission_project"]),
        "draft": str(demo["catalogue_draft"]),
        "resource_drill": str(demo["resource_drill"]),
        "park": str(demo["park"]),
    }
    # The commands run on the real clock; these are local times as a person types them.
    local = datetime.now(ZoneInfo(cli_on_context.settings.timezone))
    for name, hours in (("two_hours_ago", -2), ("an_hour_ago", -1), ("in_an_hour", 1),
                        ("in_nine_hours", 9)):  # fmt: skip
        values[name] = (local + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")
    values |= _pending_links(cli_on_context, demo)
    city_file = tmp_path / "city.csv"
    city_file.write_text("name,credit_code\n新锐低温科技有限公司,91330299MA2X00011A\n")
    values["city_file"] = str(city_file)
    for command, parsed in _run(TABLE, values):
        if command == "hidden-danger report":
            values["new"] = str(parsed["id"])
        if command == "admission create":
            values["admission_new"] = str(parsed[0]["id"])
        if command == "resources dispatch":
            values["line"] = str(parsed["lines"][0]["id"])
        if command == "waste issue":
            values["manifest"] = str(parsed[0]["id"])
        if command == "permit open":
            values["permit"] = str(parsed[0]["id"])
        if command == "supervision plan":
            values["plan"] = str(parsed["id"])
            values["inspection"] = str(parsed["inspections"][0]["id"])
        if command == "supervision points-record":
            values["point"] = str(parsed["id"])
        if command == "supervision code-appeal":
            values["appeal"] = str(parsed["id"])
        if command == "supervision incident-record":
            values["incident"] = str(parsed["id"])
        if command == "hidden-danger close":
            assert parsed["state"] == "closed", parsed


def _run(table: list[tuple[str, list[str], int]], values: dict[str, str]) -> Iterator[Any]:
    """Each command of ``table`` with ``--json``: its exit code as expected and its standard
    output JSON alone; yields (command, parsed) so later rows can use what it made."""
    for command, args, expected in table:
        argv = [*command.split(), *(a.format(**values) for a in args), "--json"]
        result = runner.invoke(app, argv)
        shown = " ".join(argv)
        assert result.exit_code == expected, (shown, result.stdout, result.stderr)
        try:
            parsed: Any = json.loads(result.stdout)
        except ValueError as exc:
            raise AssertionError(
                f"{shown}: stdout is not JSON alone: {result.stdout[:300]!r}"
            ) from exc
        yield command, parsed


def test_json_output_of_the_safety_loop_commands(cli_on_context: Context) -> None:
    with cli_on_context.unit_of_work() as session:
        demo = full_demo.load(session, Moment.of(cli_on_context))
        detector = session.scalar(
            select(MeasurementPoint.id).where(MeasurementPoint.code == "NH3-01")
        )
        ammonia = by_table1(session, 1).id
    let_in(cli_on_context, "LAB-DRY1", "张三")  # the muster list and the check-out need him
    today = datetime.now(UTC).date()
    values = {
        "org": str(demo["lab"]),
        "site": str(demo["plant"]),
        "chem": str(demo["chem"]),
        "chem_site": str(demo["chem_site"]),
        "ammonia": str(ammonia),
        "ammonia_room": str(demo["ammonia_room"]),
        "detector": str(detector),
        "approved": str(today - timedelta(days=30)),
        "review_due": str(today + timedelta(days=300)),
        "soon": (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    made = {
        "emergency drill-plan": "drill",
        "chemicals unit-add": "new_unit",
        "chemicals declare": "holding",
        "emergency plan-add": "plan",
        "chemicals person-add": "person",
        "risk object-add": "risk_object",
        "risk event-add": "risk_event",
    }
    for command, parsed in _run(SAFETY_TABLE, values):
        if command in made:
            values[made[command]] = str(parsed["id"])


def test_json_output_of_commands_without_a_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAZWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HAZWATCH_LANGUAGE", "en")
    get_settings.cache_clear()
    try:
        assert len(list(_run(WITHOUT_DATABASE, {}))) == len(WITHOUT_DATABASE)
    finally:
        get_settings.cache_clear()


def _commands(group: Any, prefix: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, command in group.commands.items():
        path = f"{prefix} {name}".strip()
        if hasattr(command, "commands"):
            found |= _commands(command, path)
        else:
            found[path] = command
    return found


def test_every_json_command_is_in_the_table() -> None:
    root = get_command(app)
    with_json = {
        path
        for path, command in _commands(root).items()
        if any("--json" in getattr(p, "opts", ()) for p in command.params)
    }
    tables = TABLE + SAFETY_TABLE + WITHOUT_DATABASE
    assert with_json == {command for command, _args, _code in tables}
