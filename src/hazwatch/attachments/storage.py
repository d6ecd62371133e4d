"""Where attachment bytes live: a folder under the data directory (default) or a bucket of
an S3-compatible store (``attachment_store = "s3"``), through the S3 API with boto3."""

from __future__ import annotations

import os
import tempfile
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import boto3
from botocore.config import Config

from hazwatch.core.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


class BlobStore(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...


class LocalStore:
    """Files under a folder; written to a temporary name and renamed, so a reader never
    sees half a file."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"attachment key {key!r} leaves the store")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()


class S3Store:
    """A bucket of an S3-compatible store (AWS S3, MinIO, Ceph RGW, Alibaba OSS …)."""

    def __init__(self, settings: Settings) -> None:
        if not settings.attachment_s3_bucket:
            raise ValueError("attachment_store = 's3' needs attachment_s3_bucket")
        self.bucket = settings.attachment_s3_bucket
        self.prefix = settings.attachment_s3_prefix
        self._settings = settings

    @cached_property
    def client(self) -> S3Client:
        settings = self._settings
        secret = settings.attachment_s3_secret_access_key
        return boto3.client(
            "s3",
            endpoint_url=settings.attachment_s3_endpoint_url,
            region_name=settings.attachment_s3_region,
            aws_access_key_id=settings.attachment_s3_access_key_id,
            aws_secret_access_key=secret.get_secret_value() if secret else None,
            config=Config(
                s3={"addressing_style": "path" if settings.attachment_s3_path_style else "auto"},
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=30,
            ),
        )

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self.prefix + key, Body=data, ContentType=content_type
        )

    def get(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()


_stores: dict[tuple[object, ...], BlobStore] = {}


def store_for(settings: Settings) -> BlobStore:
    """The store the settings name; one per configuration, so the S3 client (and its
    connection pool) is built once."""
    if settings.attachment_store == "local":
        return LocalStore(settings.effective_attachment_dir)
    key = (
        settings.attachment_s3_bucket,
        settings.attachment_s3_endpoint_url,
        settings.attachment_s3_region,
        settings.attachment_s3_access_key_id,
        settings.attachment_s3_prefix,
        settings.attachment_s3_path_style,
    )
    store = _stores.get(key)
    if store is None:
        store = _stores[key] = S3Store(settings)
    return store
