from __future__ import annotations

from fastapi.testclient import TestClient


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"


def test_openapi_is_published(client: TestClient) -> None:
    assert client.get("/openapi.json").json()["info"]["title"] == "HazWatch"
