"""``hazwatch hidden-danger …`` as a safety officer and the lab's head type it: the loop
from report to closing, the refusals with their exit codes, JSON alone on stdout, and the
Excel ledger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.registry.demo import DemoIds, load_demo

runner = CliRunner()


@pytest.fixture
def demo(cli_on_context: Context) -> DemoIds:
    with cli_on_context.unit_of_work() as session:
        return load_demo(session)


def hd(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["hidden-danger", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_loop_from_the_command_line(demo: DemoIds, tmp_path: Path) -> None:
    code, out, err = hd(
        "report", "--org", str(demo["lab"]), "--title", "干燥房1无固定式氧含量报警",
        "--room", str(demo["dry_room_1"]), "--as", "lab", "--json",
    )  # fmt: skip
    assert code == 0, err
    finding = json.loads(out)
    assert (finding["state"], finding["site_id"]) == ("reported", demo["plant"])
    number = str(finding["id"])

    code, _out, err = hd("grade", number, "--grade", "major", "--as", "lab")
    assert code == 2 and "A major hidden danger needs a deadline [deadline]" in err
    code, _out, err = hd("close", number, "--as", "lab")
    assert code == 4 and "hazard.bad_transition" in err
    code, out, err = hd(
        "grade", number, "--grade", "major", "--deadline", "2099-03-01", "--as", "lab"
    )
    assert code == 0, err
    assert "Major" in out and "2099-03-01 23:59" in out
    code, out, err = hd(
        "order", number, "--measures", "安装固定式氧含量检测报警仪并联锁排风", "--person", "刘工",
        "--funds", "12000", "--plan", "进入前便携式检测，两人作业", "--as", "lab",
    )  # fmt: skip
    assert code == 0, err
    assert hd("start", number, "--as", "lab")[0] == 0
    assert hd("self-check", number, "-m", "已安装并联调", "--as", "lab")[0] == 0
    code, _out, err = hd("accept", number, "--as", "lab")
    assert code == 5 and "cannot accept their own rectification" in err
    code, _out, err = hd("accept", number, "--as", "nobody")
    assert code == 3 and "No active user named nobody" in err
    assert hd("accept", number, "-m", "现场验收合格", "--as", "labhead")[0] == 0
    code, out, err = hd("close", number, "--as", "labhead", "--json")
    assert code == 0, err
    closed = json.loads(out)
    assert closed["state"] == "closed"
    assert [e["actor"] for e in closed["timeline"]] == [
        "lab", "lab", "lab", "lab", "lab", "lab", "labhead", "labhead",
    ]  # fmt: skip
    assert closed["timeline"][2]["action"] == "report_to_regulator"

    code, out, _err = hd("list", "--as", "lab", "--json")
    assert code == 0 and [h["number"] for h in json.loads(out)] == [closed["number"]]
    code, out, _err = hd("show", number, "--as", "lab")
    assert "现场验收合格" in out and "Closed" in out
    assert hd("show", number, "--as", "chem")[0] == 3  # not its hidden danger
    ledger = tmp_path / "ledger.xlsx"
    code, out, _err = hd("export", str(ledger), "--as", "regulator")
    assert code == 0 and "Exported 1 hidden dangers" in out
    sheet = load_workbook(ledger).active
    assert sheet is not None and sheet["C4"].value == "干燥房1无固定式氧含量报警"
