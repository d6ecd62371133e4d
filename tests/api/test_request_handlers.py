"""Every router's request handlers are built while the app starts, not on the event loop
under the first requests (which froze the console's open pages for seconds)."""

from __future__ import annotations

from typing import Any

import fastapi.routing
import pytest
from fastapi.testclient import TestClient

from hazwatch.api.app import create_app
from hazwatch.core.context import Context


def test_no_request_handler_is_built_once_the_app_has_started(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    original = fastapi.routing._EffectiveRouteContext.from_api_route

    def counting(*args: Any, **kwargs: Any) -> Any:
        route = kwargs.get("original_route", args[0] if args else None)
        built.append(getattr(route, "path", "?"))
        return original(*args, **kwargs)

    monkeypatch.setattr(
        fastapi.routing._EffectiveRouteContext, "from_api_route", staticmethod(counting)
    )
    with TestClient(create_app(context, console=False)) as client:
        at_start = len(built)
        assert at_start > 300  # every domain's routes, built while starting
        for path in ("/healthz", "/api/district/catalogue/versions", "/api/no/such/route"):
            client.get(path)
        assert built[at_start:] == []
