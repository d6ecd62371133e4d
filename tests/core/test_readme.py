"""The README's commands work as written after ``make run``: the ``./hazwatch`` wrapper runs
in the project's environment on the data dir ``make run`` serves, and every ``./hazwatch …``
line of the tour exits as the README says (1 only where it says "exit 1")."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hazwatch.cli.main import app
from hazwatch.core.settings import get_settings

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
#: The same command on a smaller sample, where the README's takes minutes on a loaded machine.
FASTER = {("leak", "evaluate"): ["--years", "0.5", "--runs", "5"]}


def readme_commands() -> list[tuple[list[str], int]]:
    """Each ``./hazwatch`` line of the README's shell blocks: its arguments and exit code."""
    found = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        for line in block.splitlines():
            if not line.startswith("./hazwatch "):
                continue
            command, _, comment = line.partition("#")
            args = shlex.split(command)[1:]
            found.append((args, 1 if "exit 1" in comment else 0))
    return found


def test_the_readme_uses_the_wrapper_and_says_which_commands_exit_1() -> None:
    text = README.read_text(encoding="utf-8")
    assert "uv run" not in text
    commands = readme_commands()
    assert len(commands) >= 10
    assert {tuple(args[:2]) for args, code in commands if code == 1} >= {
        ("registry", "findings"),
        ("access", "check"),
    }
    assert "exit 1 by design" in text


def test_the_wrapper_runs_hazwatch_on_the_data_dir(tmp_path: Path) -> None:
    env = {**os.environ, "HAZWATCH_DATA_DIR": str(tmp_path), "HAZWATCH_LANGUAGE": "en"}
    env.pop("HAZWATCH_DATABASE_URL", None)
    done = subprocess.run(
        [str(ROOT / "hazwatch"), "db", "upgrade"],
        cwd=tmp_path.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "hazwatch.db").exists()


def test_readme_commands_exit_as_the_readme_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HAZWATCH_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("HAZWATCH_LANGUAGE", "en")
    monkeypatch.delenv("HAZWATCH_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        for setup in (["db", "upgrade"], ["demo", "load"]):  # what make run does first
            done = runner.invoke(app, setup)
            assert done.exit_code == 0, done.output
        for args, expected in readme_commands():
            args = args + FASTER.get((args[0], args[1]), [])
            done = runner.invoke(app, args)
            shown = "./hazwatch " + " ".join(args)
            assert done.exception is None or isinstance(done.exception, SystemExit), (
                shown,
                done.exception,
            )
            assert done.exit_code == expected, (shown, done.stdout[-600:], done.stderr[-600:])
    finally:
        get_settings.cache_clear()
