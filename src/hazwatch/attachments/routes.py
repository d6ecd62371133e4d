"""Downloading an attachment (uploads go to the record they belong to)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response

from hazwatch.api.inputs import Id, Router
from hazwatch.attachments import service
from hazwatch.core.auth.deps import CurrentPrincipal, DbSession, get_context

router = Router(prefix="/api/attachments", tags=["attachments"])


@router.get("/{attachment_id}")
def download(
    attachment_id: Id, request: Request, db: DbSession, principal: CurrentPrincipal
) -> Response:
    """The file, to whoever may see the record it belongs to."""
    attachment = service.get(db, principal, attachment_id)
    data = service.read(get_context(request).settings, attachment)
    disposition = "inline" if attachment.content_type.startswith("image/") else "attachment"
    return Response(
        data,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(attachment.filename)}",
            "X-Content-Type-Options": "nosniff",
        },
    )
