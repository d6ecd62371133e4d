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
    assert verify.exit_code == 0 and "1 entries" in verify.output


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
    assert (anchor["id"], anchor["count"]) == (2, 2) and len(anchor["hash"]) == 64
    verify = runner.invoke(app, ["audit", "verify", "--anchor", str(anchor_file)])
    assert verify.exit_code == 0, verify.output
    assert "2 entries" in verify.output and anchor["hash"] in verify.output
    as_json = runner.invoke(app, ["audit", "verify", "--json"])
    assert json.loads(as_json.stdout)["head"] == anchor

    from hazwatch.core.db import make_engine

    engine = make_engine(get_settings().effective_database_url)
    with engine.begin() as connection:
        for trigger in ("audit_entry_no_delete", "audit_chain_head_forward_only"):
            connection.execute(text(f"DROP TRIGGER {trigger}"))
        first = connection.execute(text("SELECT hash FROM audit_entry WHERE id = 1")).scalar_one()
        connection.execute(text("DELETE FROM audit_entry WHERE id = 2"))
        connection.execute(
            text("UPDATE audit_chain_head SET seq = 1, last_hash = :h"), {"h": first}
        )
    engine.dispose()
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0  # consistent with itself
    revealed = runner.invoke(app, ["audit", "verify", "--anchor", str(anchor_file)])
    assert revealed.exit_code == 1
    assert "rolled back" in revealed.output
