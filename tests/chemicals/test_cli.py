"""``hazwatch chemicals …`` as an operator types them (English)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from hazwatch import demo as full_demo
from hazwatch.chemicals.models import AccountablePerson, ChemicalHolding
from hazwatch.chemicals.seed import by_table1
from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.prevention.hazard_findings.service import Moment
from hazwatch.registry.demo import DemoIds

runner = CliRunner()


@pytest.fixture
def demo(cli_on_context: Context) -> DemoIds:
    with cli_on_context.unit_of_work() as session:
        return full_demo.load(session, Moment.of(cli_on_context))


def test_identify_shows_the_working(demo: DemoIds) -> None:
    shown = runner.invoke(app, ["chemicals", "identify", str(demo["ammonia_farm"])])
    assert shown.exit_code == 0, shown.output
    assert "S = 5, R = 15, level 3, a major hazard" in shown.output
    assert "q = 50 t, Q = 10 t (GB 18218-2018 4.1 表1 第1项), q/Q = 5, β = 2" in shown.output
    assert "60 people within 500 m: α = 1.5" in shown.output
    listed = runner.invoke(app, ["chemicals", "major-hazards", "--json"])
    assert listed.exit_code == 0
    (farm,) = json.loads(listed.output)
    assert farm["identification"]["level"] == 3
    units = runner.invoke(app, ["chemicals", "units", "--as", "chem"])
    assert "液氨罐区" in units.output
    assert runner.invoke(app, ["chemicals", "identify"]).exit_code == 2


def test_import_refuses_a_bad_cas_and_stores_nothing(demo: DemoIds, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,cas\n丙酮,67-64-1\n甲醛,50-00-1\n", encoding="utf-8")
    refused = runner.invoke(app, ["chemicals", "import", str(bad), "--org", str(demo["chem"])])
    assert refused.exit_code == 2, refused.output
    assert "rows[2].cas" in refused.output or "50-00-1" in refused.output
    found = runner.invoke(app, ["chemicals", "list", "-q", "丙酮", "--json"])
    assert {c["organisation_id"] for c in json.loads(found.output)} == {None}
    good = tmp_path / "good.csv"
    good.write_text("name,cas\n丙酮,67-64-1\n", encoding="utf-8")
    added = runner.invoke(app, ["chemicals", "import", str(good), "--org", str(demo["chem"])])
    assert added.exit_code == 0 and "1 catalogue entries added" in added.output


def test_the_major_hazard_list_exports_to_excel_in_the_command_lines_language(
    demo: DemoIds, tmp_path: Path
) -> None:
    out = tmp_path / "major.xlsx"
    exported = runner.invoke(app, ["chemicals", "major-hazards-export", str(out), "--as", "chem"])
    assert exported.exit_code == 0, exported.output
    rows = list(load_workbook(out).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][0] == "Major hazards of hazardous chemicals"
    assert [(r[2], r[4]) for r in rows[3:]] == [("液氨罐区", "Ammonia 50 t")]
    lab = tmp_path / "lab.xlsx"
    assert (
        runner.invoke(app, ["chemicals", "major-hazards-export", str(lab), "--as", "lab"]).exit_code
        == 0
    )
    assert list(load_workbook(lab).active.iter_rows(min_row=4, values_only=True)) == []  # type: ignore[union-attr]


def test_stock_moves_on_the_command_line_and_never_goes_negative(
    demo: DemoIds, cli_on_context: Context
) -> None:
    with cli_on_context.sessions() as session:
        ammonia = str(by_table1(session, 1).id)
    farm = str(demo["ammonia_farm"])

    def move(*args: str, who: str = "chem") -> tuple[int, str]:
        done = runner.invoke(app, ["chemicals", "move", *args, "--as", who])
        return done.exit_code, done.stdout

    def on_hand() -> str:
        with cli_on_context.sessions() as session:
            held = session.scalars(
                select(ChemicalHolding).where(ChemicalHolding.unit_id == demo["ammonia_farm"])
            ).one()
            return str(held.current_t)

    assert move("out", "--chemical", ammonia, "--quantity", "32.5", "--from", farm)[0] != 0
    assert move("out", "--chemical", ammonia, "--quantity", "-1", "--from", farm)[0] != 0
    assert move("out", "--chemical", ammonia, "--quantity", "NaN", "--from", farm)[0] != 0
    assert move("in", "--chemical", ammonia, "--quantity", "1", "--to", farm, who="lab")[0] != 0
    assert on_hand() == "32"  # nothing stored by the refusals
    code, out = move("out", "--chemical", ammonia, "--quantity", "2", "--from", farm, "--json")
    shown = json.loads(out)
    assert code == 0 and (shown["kind"], shown["quantity_t"]) == ("out", "2")
    assert on_hand() == "30"


def test_units_holdings_rooms_and_persons_from_the_command_line(
    demo: DemoIds, cli_on_context: Context
) -> None:
    def run(*args: str) -> Any:
        return runner.invoke(app, [*args, "--as", "chem", "--json"])

    def holdings() -> int:
        with cli_on_context.sessions() as session:
            return len(session.scalars(select(ChemicalHolding)).all())

    org, site = str(demo["chem"]), str(demo["chem_site"])
    bad = run(
        "chemicals", "unit-add", "--org", org, "--site", site, "--name", "x", "--people", "-3"
    )
    assert bad.exit_code == 2 and "[people_within_500m]" in bad.output
    made = run("chemicals", "unit-add", "--org", org, "--site", site, "--name", "液氯钢瓶库")
    assert made.exit_code == 0, made.output
    unit = str(json.loads(made.stdout)["id"])
    with cli_on_context.sessions() as session:
        chlorine = str(by_table1(session, 12).id)
    before = holdings()
    for design, current, field in (("-1", None, "design_max_t"), ("5", "9", "design_max_t")):
        extra = ["--current", current] if current else []
        refused = run("chemicals", "declare", unit, "--chemical", chlorine, "--design-max", design,
                      *extra)  # fmt: skip
        assert refused.exit_code == 2 and f"[{field}]" in refused.output, refused.output
    assert holdings() == before  # nothing stored
    declared = run("chemicals", "declare", unit, "--chemical", chlorine, "--design-max", "10")
    assert declared.exit_code == 0, declared.output
    identified = json.loads(run("chemicals", "identify", unit).stdout)
    assert identified[0]["identification"]["s"] == "2"  # 10 t of chlorine, Q 5 t
    edited = run("chemicals", "unit-edit", unit, "--people", "120")
    assert json.loads(edited.stdout)["people_within_500m"] == 120
    linked = run("chemicals", "link-room", unit, str(demo["ammonia_room"]), "--release", "5")
    assert linked.exit_code == 0, linked.output
    twice = run("chemicals", "link-room", unit, str(demo["ammonia_room"]))
    assert twice.exit_code == 4 and "[room_id]" in twice.output
    out = runner.invoke(
        app, ["chemicals", "unlink-room", unit, str(demo["ammonia_room"]), "--as", "chem"]
    )
    assert out.exit_code == 0, out.output
    person = run("chemicals", "person-add", unit, "--role", "principal", "--name", "王厂长")
    assert person.exit_code == 0, person.output
    again = run("chemicals", "person-add", unit, "--role", "principal", "--name", "李")
    assert again.exit_code == 4 and "[role]" in again.output
    checked = run("chemicals", "duty-check", str(json.loads(person.stdout)["id"]), "-m", "巡查")
    assert checked.exit_code == 0 and json.loads(checked.stdout)["ok"] is True
    lab = runner.invoke(app, ["chemicals", "unit-edit", unit, "--people", "1", "--as", "lab"])
    assert lab.exit_code in (3, 5), lab.output  # another enterprise's unit


def test_holdings_and_persons_are_changed_removed_and_retired(
    demo: DemoIds, cli_on_context: Context
) -> None:
    def run(*args: str) -> Any:
        return runner.invoke(app, ["chemicals", *args, "--as", "chem"])

    farm = demo["ammonia_farm"]
    with cli_on_context.sessions() as session:
        holding = session.scalar(select(ChemicalHolding.id).where(ChemicalHolding.unit_id == farm))
        person = session.scalar(
            select(AccountablePerson.id).where(
                AccountablePerson.unit_id == farm, AccountablePerson.role == "technical"
            )
        )
    refused = run("holding-remove", str(holding))
    assert refused.exit_code != 0 and "move the stock out" in refused.output
    lower = run("holding-edit", str(holding), "--design-max", "1")
    assert lower.exit_code != 0 and "design" in lower.output.lower()
    raised = run("holding-edit", str(holding), "--design-max", "80", "--json")
    assert raised.exit_code == 0, raised.output
    assert json.loads(raised.stdout)["design_max_t"] == "80"
    fixed = run("person-edit", str(person), "--phone", "0574-1", "--json")
    assert fixed.exit_code == 0 and json.loads(fixed.stdout)["phone"] == "0574-1"
    assert run("person-edit", str(person), "--name", "").exit_code == 2
    assert runner.invoke(app, ["chemicals", "person-retire", str(person), "--as", "lab"]).exit_code
    gone = run("person-retire", str(person))
    assert gone.exit_code == 0 and "retired" in gone.output
    assert run("duty-check", str(person)).exit_code != 0
    added = run("person-add", str(farm), "--role", "technical", "--name", "新工程师")
    assert added.exit_code == 0, added.output
