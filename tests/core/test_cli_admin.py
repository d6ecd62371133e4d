"""The administration commands, run as a user would type them."""

from __future__ import annotations

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
