"""The API's documentation works without internet: /docs and /redoc load only assets the
server itself serves (Swagger UI 5, which reads OpenAPI 3.1)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_docs_reference_only_local_urls_and_serve_them(client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.text
        assert not re.search(r"https?://", html), re.findall(r"https?://[^\"' ]+", html)
        assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
        assets += re.findall(r"""url:\s*['"]([^'"]+)['"]""", html)  # Swagger UI's spec URL
        assert any(a.endswith(".js") for a in assets), assets
        for asset in assets:
            assert asset.startswith("/"), asset
            assert client.get(asset).status_code == 200, asset
    bundle = client.get("/static-offline-docs/swagger-ui-bundle.js").text
    assert re.search(r'"5\.\d+\.\d+"', bundle)  # Swagger UI 5: OpenAPI 3.1
    assert client.get("/openapi.json").json()["openapi"].startswith("3.1")
