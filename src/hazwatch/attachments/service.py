"""Adding and reading attachments: the size limit and the file type are checked on the bytes
before anything is stored, so a refused file leaves neither a row nor a blob.

The type is recognised from the content (magic numbers; for Office files, the parts inside
the ZIP), never from the name or the browser's word for it: a renamed executable is not a
photo. The record a file belongs to checks the caller's rights before calling :func:`add`.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath, PureWindowsPath

from sqlalchemy import select
from sqlalchemy.orm import Session

from hazwatch.attachments.models import Attachment
from hazwatch.attachments.storage import store_for
from hazwatch.core.auth.roles import Principal
from hazwatch.core.errors import InvalidInput, NotFound, TooLarge
from hazwatch.core.scope import ensure_visible
from hazwatch.core.settings import Settings


def _office(part: str) -> Callable[[bytes], bool]:
    def sniff(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and part in names

    return sniff


@dataclass(frozen=True)
class FileType:
    content_type: str
    matches: Callable[[bytes], bool]


#: What the ``attachment_types`` setting may list, with how each is recognised.
FILE_TYPES: dict[str, FileType] = {
    "jpeg": FileType("image/jpeg", lambda d: d.startswith(b"\xff\xd8\xff")),
    "png": FileType("image/png", lambda d: d.startswith(b"\x89PNG\r\n\x1a\n")),
    "webp": FileType("image/webp", lambda d: d[:4] == b"RIFF" and d[8:12] == b"WEBP"),
    "pdf": FileType("application/pdf", lambda d: d.startswith(b"%PDF-")),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _office("word/document.xml"),
    ),
    "xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _office("xl/workbook.xml"),
    ),
}


def recognise(data: bytes, allowed: list[str]) -> tuple[str, FileType] | None:
    for name in allowed:
        kind = FILE_TYPES[name]
        if kind.matches(data):
            return name, kind
    return None


def clean_filename(filename: str) -> str:
    """The base name only (a browser may send a whole path), without control characters."""
    base = PurePosixPath(PureWindowsPath(filename or "").name).name
    kept = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return kept[-200:] or "file"


def readable_size(size: int) -> str:
    if size >= 2**20:
        return f"{size / 2**20:.3g} MB"
    return f"{size / 2**10:.3g} KB"


def add(
    session: Session,
    settings: Settings,
    *,
    organisation_id: int,
    subject_type: str,
    subject_id: int,
    stage: str,
    filename: str,
    data: bytes,
    uploaded_by: str,
    now: datetime,
) -> Attachment:
    limit = settings.attachment_max_bytes
    if len(data) > limit:
        raise TooLarge("attachments.too_large", field="file", limit=readable_size(limit))
    if not data:
        raise InvalidInput("attachments.empty", field="file")
    found = recognise(data, list(settings.attachment_types))
    if found is None:
        raise InvalidInput(
            "attachments.bad_type", field="file", allowed=", ".join(settings.attachment_types)
        )
    _name, kind = found
    digest = hashlib.sha256(data).hexdigest()
    key = f"{organisation_id}/{digest}"
    store_for(settings).put(key, data, kind.content_type)
    attachment = Attachment(
        organisation_id=organisation_id,
        subject_type=subject_type,
        subject_id=subject_id,
        stage=stage,
        filename=clean_filename(filename),
        content_type=kind.content_type,
        size_bytes=len(data),
        sha256=digest,
        storage_key=key,
        uploaded_by=uploaded_by,
        uploaded_at=now,
    )
    session.add(attachment)
    session.flush()
    return attachment


def list_for(session: Session, subject_type: str, subject_id: int) -> list[Attachment]:
    query = (
        select(Attachment)
        .where(Attachment.subject_type == subject_type, Attachment.subject_id == subject_id)
        .order_by(Attachment.uploaded_at, Attachment.id)
    )
    return list(session.scalars(query))


def get(session: Session, principal: Principal, attachment_id: int) -> Attachment:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("scope.not_found", field="attachment_id")
    ensure_visible(session, principal, attachment.organisation_id)
    return attachment


def read(settings: Settings, attachment: Attachment) -> bytes:
    return store_for(settings).get(attachment.storage_key)
