"""The administration commands, run as a user would type them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from hazwatch.cli.main import app
from hazwatch.core.settings import get_settings

runner = CliRunner()
#: Audit entries a fresh install starts with: the platform chemical catalogue that
#: ``db upgrade`` seeds (GB 18218-2018 Table 1's 85 rows, carbon monoxide, nitrogen).
SEEDED = 87


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("HAZWATCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HAZWATCH_LANGUAGE", "en")
    monkeypatch.delenv("HAZWATCH_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_upgrade_create_user_and_verify_audit(cli_env: Path) -> None:
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (cli_env / "hazwatch.db").exists()
    assert f"Reference data: {SEEDED} chemical catalogue entries added" in result.output
    again = runner.invoke(app, ["db", "upgrade"])  # nothing to add or complete twice
    assert again.exit_code == 0 and "Reference data: 0 chemical" in again.output
    from hazwatch.core.db import make_engine

    engine = make_engine(get_settings().effective_database_url)
    with engine.connect() as connection:
        flags = {
            row.name: row
            for row in connection.execute(
                text(
                    "SELECT name, un_number, catalogue_serial, highly_toxic, key_supervised,"
                    " explosive_precursor FROM chemical WHERE organisation_id IS NULL"
                )
            )
        }
    engine.dispose()
    assert len(flags) == SEEDED  # a fresh install has the catalogue without seeding by hand
    assert flags["氨"].key_supervised and flags["氨"].un_number == "1005"
    assert flags["碳酰氯"].highly_toxic and not flags["氨"].highly_toxic
    assert flags["硝酸钾"].explosive_precursor and flags["氮"].catalogue_serial == 172
    result = runner.invoke(
        app,
        ["users", "create", "duty", "--role", "platform_admin"],
        env={"HAZWATCH_PASSWORD": "long-enough-pw"},
    )
    assert result.exit_code == 0, result.output
    assert "Created user duty" in result.output
    duplicate = runner.invoke(
        app,
        ["users", "create", "duty", "--role", "platform_admin"],
        env={"HAZWATCH_PASSWORD": "long-enough-pw"},
    )
    assert duplicate.exit_code == 4
    assert "username duty is taken" in duplicate.output
    verify = runner.invoke(app, ["audit", "verify"])
    assert verify.exit_code == 0 and f"{SEEDED + 1} entries" in verify.output


def test_audit_verify_fails_on_tampering(cli_env: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    runner.invoke(
        app,
        ["users", "create", "duty", "--role", "platform_admin"],
        env={"HAZWATCH_PASSWORD": "long-enough-pw"},
    )
    from hazwatch.core.db import make_engine

    engine = make_engine(get_settings().effective_database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TRIGGER audit_entry_no_update"))
        connection.execute(text("UPDATE audit_entry SET actor = 'mallory'"))
    engine.dispose()
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert "altered" in result.output


def test_check_reports_agreement(cli_env: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    result = runner.invoke(app, ["db", "check"])
    assert result.exit_code == 0, result.output


def test_audit_verify_prints_the_head_and_an_anchor_reveals_a_rollback(cli_env: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    for name in ("duty", "night"):
        runner.invoke(
            app,
            ["users", "create", name, "--role", "platform_admin"],
            env={"HAZWATCH_PASSWORD": "long-enough-pw"},
        )
    anchor_file = cli_env / "anchor.json"
    exported = runner.invoke(app, ["audit", "anchor", "--output", str(anchor_file)])
    assert exported.exit_code == 0, exported.output
    anchor = json.loads(exported.stdout)
    assert json.loads(anchor_file.read_text()) == anchor
    last = SEEDED + 2
    assert (anchor["id"], anchor["count"]) == (last, last) and len(anchor["hash"]) == 64
    verify = runner.invoke(app, ["audit", "verify", "--anchor", str(anchor_file)])
    assert verify.exit_code == 0, verify.output
    assert f"{last} entries" in verify.output and anchor["hash"] in verify.output
    as_json = runner.invoke(app, ["audit", "verify", "--json"])
    assert json.loads(as_json.stdout)["head"] == anchor

    from hazwatch.core.db import make_engine

    engine = make_engine(get_settings().effective_database_url)
    with engine.begin() as connection:
        for trigger in ("audit_entry_no_delete", "audit_chain_head_forward_only"):
            connection.execute(text(f"DROP TRIGGER {trigger}"))
        before = connection.execute(
            text("SELECT hash FROM audit_entry WHERE id = :id"), {"id": last - 1}
        ).scalar_one()
        connection.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": last})
        connection.execute(
            text("UPDATE audit_chain_head SET seq = :seq, last_hash = :h"),
            {"seq": last - 1, "h": before},
        )
    engine.dispose()
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0  # consistent with itself
    revealed = runner.invoke(app, ["audit", "verify", "--anchor", str(anchor_file)])
    assert revealed.exit_code == 1
    assert "rolled back" in revealed.output
