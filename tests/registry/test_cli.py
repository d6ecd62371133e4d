"""Registry commands as a user types them: demo, findings, export and import."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from hazwatch.cli.main import app
from hazwatch.core.settings import get_settings

runner = CliRunner()


@pytest.fixture
def demo_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("HAZWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HAZWATCH_LANGUAGE", "en")
    monkeypatch.delenv("HAZWATCH_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    loaded = runner.invoke(app, ["demo", "load", "--if-empty"])
    assert loaded.exit_code == 0 and "lab" in loaded.output
    yield tmp_path
    get_settings.cache_clear()


def test_demo_is_loaded_once(demo_dir: Path) -> None:
    again = runner.invoke(app, ["demo", "load", "--if-empty"])
    assert again.exit_code == 0 and "already present" in again.output
    refused = runner.invoke(app, ["demo", "load"])
    assert refused.exit_code == 4


def test_findings_list_the_lab(demo_dir: Path) -> None:
    result = runner.invoke(app, ["registry", "findings", "--org", "6"])
    assert result.exit_code == 1  # findings exist
    assert "sub-let the premises without the lessor's (owner's) consent" in result.output
    assert "Art. 33 §1" in result.output
    assert "fallback owner" in result.output


def test_export_csv_and_xlsx(demo_dir: Path) -> None:
    csv_path = demo_dir / "rooms.csv"
    assert runner.invoke(app, ["registry", "export", "rooms", str(csv_path)]).exit_code == 0
    with csv_path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert any(row["name"] == "干燥房1" and row["length_m"] == "7.33" for row in rows)
    xlsx_path = demo_dir / "organisations.xlsx"
    assert (
        runner.invoke(app, ["registry", "export", "organisations", str(xlsx_path)]).exit_code == 0
    )
    sheet = load_workbook(xlsx_path).active
    assert sheet is not None
    # a header and one row for each organisation of the demo (enterprises, departments, the
    # district programme's carriers), the lab among them
    with sqlite3.connect(demo_dir / "hazwatch.db") as database:
        (organisations,) = database.execute("SELECT count(*) FROM organisation").fetchone()
    assert organisations > 15 and sheet.max_row == 1 + organisations
    assert "宁海精工工具有限公司" in {cell.value for row in sheet.iter_rows() for cell in row}
    bad = runner.invoke(app, ["registry", "export", "rooms", str(demo_dir / "rooms.pdf")])
    assert bad.exit_code == 2 and ".pdf" in bad.output


def test_import_is_all_or_nothing_with_row_errors(demo_dir: Path) -> None:
    path = demo_dir / "rooms.csv"
    path.write_text(
        "building_id,organisation_id,name,free_volume_m3\n"
        "1,6,储藏室,20\n"
        "1,6,坏房间,-3\n"
        "999,6,幽灵房间,5\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["registry", "import", "rooms", str(path)])
    assert result.exit_code == 2
    assert "Row 3, field free_volume_m3" in result.output
    assert "Row 4, field building_id" in result.output
    listing = runner.invoke(app, ["registry", "list", "rooms"])
    assert "储藏室" not in listing.output
    path.write_text("building_id,organisation_id,name,free_volume_m3\n1,6,储藏室,20\n")
    dry = runner.invoke(app, ["registry", "import", "rooms", str(path), "--dry-run"])
    assert dry.exit_code == 0 and "would create 1" in dry.output
    assert "储藏室" not in runner.invoke(app, ["registry", "list", "rooms"]).output
    real = runner.invoke(app, ["registry", "import", "rooms", str(path)])
    assert real.exit_code == 0 and "1 created" in real.output
    assert "储藏室" in runner.invoke(app, ["registry", "list", "rooms"]).output


def test_export_then_import_updates_in_place(demo_dir: Path) -> None:
    path = demo_dir / "licences.xlsx"
    runner.invoke(app, ["registry", "export", "licences", str(path)])
    result = runner.invoke(app, ["registry", "import", "licences", str(path)])
    assert result.exit_code == 0, result.output
    assert "0 created, 2 updated" in result.output


def test_the_other_party_confirms_or_declines_a_link(
    cli_on_context: object, login_as: object
) -> None:
    """``hazwatch registry confirm|decline``: only the party that did not ask answers."""
    import json

    from hazwatch.core.auth import service as auth
    from hazwatch.core.auth.roles import Principal, Role
    from hazwatch.core.context import Context
    from hazwatch.registry import service
    from hazwatch.registry.demo import load_demo
    from hazwatch.registry.resources import RESOURCES

    context = cli_on_context
    assert isinstance(context, Context)
    with context.unit_of_work() as session:
        demo = load_demo(session)
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
        assert lease.status == "pending"
        lease_id = lease.id
        for name, role, organisation in (
            ("chem-admin", Role.ENTERPRISE_ADMIN, demo["chem"]),
            ("landlord-user", Role.LANDLORD, demo["landlord"]),
        ):
            auth.create_user(
                session,
                username=name,
                password="long-enough",
                role=role,
                organisation_id=organisation,
            )
    asker = runner.invoke(
        app, ["registry", "confirm", "leases", str(lease_id), "--as", "landlord-user"]
    )
    # the asking party cannot confirm its own claim (it does not even see the other party)
    assert asker.exit_code in (3, 5), asker.output
    answered = runner.invoke(
        app, ["registry", "confirm", "leases", str(lease_id), "--as", "chem-admin", "--json"]
    )
    assert answered.exit_code == 0, answered.output
    assert json.loads(answered.output)["status"] == "confirmed"
    again = runner.invoke(app, ["registry", "decline", "leases", str(lease_id)])
    assert again.exit_code == 2 and "pending" in again.output
