"""QR codes that open a console form on a phone (segno: pure Python, PNG and SVG).

The code holds an absolute URL to the console: ``public_url`` when the installation sets one
(what phones on the site network reach), else the address the request came in on.
"""

from __future__ import annotations

import io

import segno
from fastapi.responses import Response

from hazwatch.core.errors import InvalidInput
from hazwatch.core.settings import Settings


def console_url(settings: Settings, base_url: str, path: str) -> str:
    base = (settings.public_url or base_url).rstrip("/")
    return f"{base}/{path.lstrip('/')}"


def svg(url: str, scale: int = 4) -> str:
    """Medium error correction: a printed label survives some dirt and wear."""
    return str(segno.make(url, error="m").svg_inline(scale=scale, border=2))


def png(url: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def response(url: str, kind: str) -> Response:
    """The code as an HTTP answer: ``png`` or ``svg``."""
    if kind == "png":
        return Response(png(url), media_type="image/png")
    if kind == "svg":
        return Response(svg(url), media_type="image/svg+xml")
    raise InvalidInput("qr.bad_kind", field="kind", kind=kind)
