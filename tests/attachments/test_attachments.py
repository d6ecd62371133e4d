"""Photos and documents on a hidden danger: kept in the local folder by default or in an
S3-compatible store (moto's S3 server over real HTTP), read back only by those who see the
hidden danger; a file too big or of the wrong type is refused at the field ``file`` and
leaves no row, no blob and no timeline entry behind."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
import segno
from botocore.config import Config
from fastapi.testclient import TestClient
from moto.server import ThreadedMotoServer
from openpyxl import Workbook
from pydantic import SecretStr
from sqlalchemy import func, select

from hazwatch.attachments.models import Attachment
from hazwatch.attachments.service import FILE_TYPES, recognise
from hazwatch.core.audit.models import AuditEntry
from hazwatch.core.auth.roles import Role
from hazwatch.core.context import Context
from hazwatch.registry.demo import DemoIds, load_demo
from tests.conftest import error_code

Login = Callable[..., dict[str, str]]
BUCKET = "hazwatch-attachments"


def photo() -> bytes:
    out = io.BytesIO()
    segno.make("干燥房1 软管无卡箍").save(out, kind="png", scale=4)
    return out.getvalue()


def workbook() -> bytes:
    book = Workbook()
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def lab(
    client: TestClient, context: Context, login_as: Login
) -> tuple[DemoIds, dict[str, str], int]:
    with context.unit_of_work() as session:
        demo = load_demo(session)
    officer = login_as(Role.SAFETY_OFFICER, organisation_id=demo["lab"])
    created = client.post(
        "/api/hidden-dangers",
        headers=officer,
        json={"organisation_id": demo["lab"], "title": "软管无卡箍", "room_id": demo["dry_room_1"]},
    )
    assert created.status_code == 201, created.text
    return demo, officer, int(created.json()["id"])


def upload(
    client: TestClient, headers: dict[str, str], finding: int, name: str, data: bytes, **form: str
) -> Any:
    return client.post(
        f"/api/hidden-dangers/{finding}/attachments",
        headers=headers,
        files={"file": (name, data, "image/png")},
        data=form,
    )


def counts(context: Context) -> tuple[int | None, int | None]:
    with context.sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Attachment)),
            session.scalar(select(func.count()).select_from(AuditEntry)),
        )


def test_a_photo_is_kept_in_the_data_folder_and_read_back_by_those_who_see_it(
    client: TestClient,
    context: Context,
    lab: tuple[DemoIds, dict[str, str], int],
    login_as: Login,
) -> None:
    demo, officer, finding = lab
    data = photo()
    added = upload(client, officer, finding, "C:\\相机\\软管.png", data, stage="report")
    assert added.status_code == 201, added.text
    body = added.json()
    assert (body["filename"], body["content_type"], body["size_bytes"]) == (
        "软管.png",
        "image/png",
        len(data),
    )
    stored = list((context.settings.data_dir / "attachments").rglob("*"))
    assert [p.read_bytes() for p in stored if p.is_file()] == [data]
    got = client.get(body["url"], headers=officer)
    assert got.status_code == 200 and got.content == data
    assert got.headers["content-type"] == "image/png"
    detail = client.get(f"/api/hidden-dangers/{finding}", headers=officer).json()
    assert [a["id"] for a in detail["attachments"]] == [body["id"]]
    assert detail["timeline"][-1]["action"] == "attach"
    chem = login_as(Role.ENTERPRISE_ADMIN, organisation_id=demo["chem"])
    assert client.get(body["url"], headers=chem).status_code == 404
    sheet = upload(client, officer, finding, "整改方案.xlsx", workbook(), stage="rectification")
    assert sheet.json()["content_type"] == FILE_TYPES["xlsx"].content_type


def test_too_big_or_wrong_type_is_refused_at_the_field_and_nothing_is_stored(
    client: TestClient, context: Context, lab: tuple[DemoIds, dict[str, str], int]
) -> None:
    _demo, officer, finding = lab
    context.settings = context.settings.model_copy(
        update={"attachment_max_bytes": 8192, "attachment_types": ["jpeg", "png", "pdf"]}
    )
    before = counts(context)
    big = upload(client, officer, finding, "big.png", photo() + b"\0" * 8192)
    assert big.status_code == 413
    assert (error_code(big), big.json()["error"]["field"]) == ("attachments.too_large", "file")
    assert big.json()["error"]["message"] == "文件超过 8 KB 的上限"
    for name, data in (
        ("setup.png", b"MZ\x90\x00" + b"\0" * 100),  # a renamed executable
        ("plan.xlsx", workbook()),  # a real workbook, but not an accepted type here
        ("empty.png", b""),
    ):
        refused = upload(client, officer, finding, name, data)
        assert refused.status_code == 422, name
        assert refused.json()["error"]["field"] == "file"
    assert counts(context) == before
    assert not (context.settings.data_dir / "attachments").exists()


def test_recognition_is_by_content_not_by_name() -> None:
    assert recognise(photo(), ["jpeg", "png"]) is not None
    assert recognise(photo(), ["jpeg", "pdf"]) is None
    assert recognise(b"%PDF-1.7\n", ["pdf"]) is not None
    assert recognise(b"PK\x03\x04 not a zip", ["docx", "xlsx"]) is None


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_the_s3_store_by_setting(
    client: TestClient,
    context: Context,
    lab: tuple[DemoIds, dict[str, str], int],
    s3_server: str,
) -> None:
    demo, officer, finding = lab
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="hazwatch",
        aws_secret_access_key="hazwatch-secret",
        config=Config(s3={"addressing_style": "path"}),
    )
    s3.create_bucket(Bucket=BUCKET)
    context.settings = context.settings.model_copy(
        update={
            "attachment_store": "s3",
            "attachment_s3_bucket": BUCKET,
            "attachment_s3_endpoint_url": s3_server,
            "attachment_s3_access_key_id": "hazwatch",
            "attachment_s3_secret_access_key": SecretStr("hazwatch-secret"),
            "attachment_s3_prefix": f"{context.settings.data_dir.name}/",
        }
    )
    data = photo()
    added = upload(client, officer, finding, "hose.png", data)
    assert added.status_code == 201, added.text
    prefix = context.settings.attachment_s3_prefix
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["Contents"]]
    assert keys == [f"{prefix}{demo['lab']}/{hashlib.sha256(data).hexdigest()}"]
    assert s3.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read() == data
    assert client.get(added.json()["url"], headers=officer).content == data
    refused = upload(client, officer, finding, "x.png", b"not an image")
    assert refused.status_code == 422
    assert len(s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)["Contents"]) == 1
    assert not (context.settings.data_dir / "attachments").exists()  # nothing went local
