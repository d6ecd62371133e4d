"""``hazwatch calibration …`` and ``hazwatch occupancy …`` as an operator types them
(English): a detector never calibrated, then calibrated; a failed bump test opens its hidden
danger; the muster list of the lab's site and a manual check-out; refusals exit non-zero and
store nothing; another enterprise sees none of it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select
from typer.testing import CliRunner

from hazwatch.cli.main import app
from hazwatch.core.context import Context
from hazwatch.monitoring.access.models import AccessDecision
from hazwatch.monitoring.calibration.models import DetectorCalibration
from hazwatch.monitoring.occupancy.models import AccessExit
from hazwatch.registry.models import Door, DoorGuard
from tests.monitoring.conftest import Plant

runner = CliRunner()


def let_in(context: Context, door_code: str, person: str) -> None:
    """The door's reader let the person in just now (the command line's clock is the real
    one): an allowed access decision for the rooms the door guards."""
    with context.unit_of_work() as session:
        door = session.scalar(select(Door).where(Door.code == door_code))
        assert door is not None
        rooms = list(session.scalars(select(DoorGuard.room_id).where(DoorGuard.door_id == door.id)))
        session.add(
            AccessDecision(
                at=datetime.now(UTC),
                door_id=door.id,
                door_code=door.code,
                organisation_id=door.organisation_id,
                person=person,
                purpose="work",
                allowed=True,
                reasons=[],
                room_ids=rooms,
            )
        )


def _count(context: Context, model: type) -> int:
    with context.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_calibration_on_the_command_line(cli_on_context: Context, plant: Plant) -> None:
    site = str(plant.demo["plant"])
    listed = runner.invoke(app, ["calibration", "detectors", "--site", site, "--as", "lab"])
    assert listed.exit_code == 0, listed.output  # no record yet is not "uncalibrated"
    assert "O2-DRY1: no record" in listed.output
    point = str(plant.o2_point)
    before = _count(cli_on_context, DetectorCalibration)
    nobody = runner.invoke(app, ["calibration", "record", point, "--by", " ", "--as", "lab"])
    assert nobody.exit_code == 2 and "[performed_by]" in nobody.output
    chem = runner.invoke(app, ["calibration", "record", point, "--by", "王工", "--as", "chem"])
    assert chem.exit_code in (3, 5), chem.output  # another enterprise's detector
    assert _count(cli_on_context, DetectorCalibration) == before
    done = runner.invoke(
        app,
        [
            *("calibration", "record", point, "--by", "计量所 王工"),
            *("--gas", "18 % O2 in N2", "--as", "lab", "--json"),
        ],
    )
    assert done.exit_code == 0, done.output
    answer = json.loads(done.stdout)
    assert answer["valid_until"] and answer["hidden_danger_id"] is None
    shown = runner.invoke(app, ["calibration", "detectors", "--site", site, "--json"])
    o2 = next(d for d in json.loads(shown.stdout) if d["code"] == "O2-DRY1")
    assert o2["status"] == "calibrated" and not o2["uncalibrated"]
    bump = runner.invoke(
        app, ["calibration", "record", point, "--by", "值班员", "--bump", "--failed", "--json"]
    )
    assert bump.exit_code == 0, bump.output
    assert json.loads(bump.stdout)["hidden_danger_id"] is not None
    failed = runner.invoke(app, ["calibration", "detectors", "--site", site, "--as", "lab"])
    assert failed.exit_code == 1 and "O2-DRY1: uncalibrated (failed)" in failed.output
    history = runner.invoke(app, ["calibration", "records", point, "--as", "lab", "--json"])
    assert [r["kind"] for r in json.loads(history.stdout)] == ["bump_test", "calibration"]
    hidden = runner.invoke(app, ["calibration", "records", point, "--as", "chem", "--json"])
    assert hidden.exit_code == 3, hidden.output


def test_muster_and_check_out_on_the_command_line(cli_on_context: Context, plant: Plant) -> None:
    for person in ("张三", "李四"):
        let_in(cli_on_context, "LAB-DRY1", person)
    site = str(plant.demo["plant"])
    listed = runner.invoke(app, ["occupancy", "muster", site, "--as", "lab", "--json"])
    assert listed.exit_code == 0, listed.output
    assert {o["person"] for o in json.loads(listed.stdout)} == {"张三", "李四"}
    before = _count(cli_on_context, AccessExit)
    stranger = runner.invoke(
        app, ["occupancy", "check-out", site, "王五", "-m", "当面确认", "--as", "lab"]
    )
    assert stranger.exit_code != 0 and "(occupancy.not_inside)" in stranger.output
    chem = runner.invoke(
        app, ["occupancy", "check-out", site, "李四", "-m", "确认", "--as", "chem"]
    )
    assert chem.exit_code != 0, chem.output
    assert _count(cli_on_context, AccessExit) == before
    out = runner.invoke(
        app,
        [
            *("occupancy", "check-out", site, "李四"),
            *("-m", "当面确认已离开", "--as", "lab", "--json"),
        ],
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["person"] == "李四"
    after = runner.invoke(app, ["occupancy", "muster", site, "--as", "lab", "--json"])
    assert {o["person"] for o in json.loads(after.stdout)} == {"张三"}
    text = runner.invoke(app, ["occupancy", "muster", site, "--as", "lab"])
    assert "1 inside" in text.output and "张三" in text.output
