from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from hazwatch.cli.main import app
from hazwatch.core.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HAZWATCH_LANGUAGE", "en")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_odh_room_prints_the_2_7_crossing_times() -> None:
    result = runner.invoke(
        app, ["odh", "room", "--volume", "83.1", "--inflow", "48.9", "--hours", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "O2 reaches 19.5 % after 7.1 min" in result.output
    assert "O2 reaches 8.8 % after 88.2 min" in result.output
    assert "(8.8 air changes per hour)" in result.output
    bad = runner.invoke(app, ["odh", "room", "--volume", "-1", "--inflow", "48.9"])
    assert bad.exit_code != 0
