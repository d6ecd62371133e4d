"""Serving beyond this machine with the development secret key or the demo password warns."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from hazwatch.cli.main import app
from hazwatch.core import exposure
from hazwatch.core.auth import service as auth
from hazwatch.core.auth.models import UserAccount
from hazwatch.core.context import Context
from hazwatch.core.settings import get_settings
from hazwatch.registry.demo import load_demo


def test_loopback_addresses() -> None:
    assert all(map(exposure.is_loopback, ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"]))
    assert not any(map(exposure.is_loopback, ["0.0.0.0", "::", "192.168.1.20", "hazwatch.lan"]))


def test_defaults_warn_only_beyond_loopback(context: Context) -> None:
    settings = context.settings.model_copy(
        update={"secret_key": SecretStr(exposure.DEFAULT_SECRET_KEY)}
    )
    with context.unit_of_work() as session:
        load_demo(session)
        assert exposure.warnings(settings, "127.0.0.1", session) == []
        found = dict(exposure.warnings(settings, "0.0.0.0", session))
        assert set(found) == {"core.exposure.default_secret_key", "core.exposure.demo_passwords"}
        assert "lab" in found["core.exposure.demo_passwords"]["users"].split(", ")

        safe = settings.model_copy(update={"secret_key": SecretStr("x" * 40)})
        for user in session.query(UserAccount):
            user.password_hash = auth.hash_password("a-real-password-now")
        assert exposure.warnings(safe, "0.0.0.0", session) == []


def test_serve_on_all_interfaces_warns(
    cli_on_context: Context, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    import hazwatch.api.app

    served: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **kw: served.append(host))
    monkeypatch.setattr(hazwatch.api.app, "create_app", lambda context: context.dispose())
    monkeypatch.delenv("HAZWATCH_SECRET_KEY", raising=False)
    get_settings.cache_clear()
    with cli_on_context.unit_of_work() as session:
        load_demo(session)
    wide = CliRunner().invoke(app, ["serve", "--no-migrate", "--host", "0.0.0.0"])
    assert wide.exit_code == 0, wide.output
    assert "development secret key" in wide.stderr and "hazwatch-demo" in wide.stderr
    local = CliRunner().invoke(app, ["serve", "--no-migrate", "--host", "127.0.0.1"])
    assert local.exit_code == 0 and "Warning" not in local.stderr
    assert served == ["0.0.0.0", "127.0.0.1"]
