"""Files behind catalog items: uploads kept by their SHA-256, and files at a URL fetched once to checksum them.

Uploads live under the instance's ``uploads/mounts/`` named by content, so
the same file uploaded twice is stored once and a stored file can be checked
against its recorded checksum. A URL is fetched with a time limit and a size
limit, from public addresses (or hosts the deployment allows) only, see
:mod:`registry.mounts.network`; only its checksum, size and ``Last-Modified``
are kept, and a failure is reported to the user in one generic message.
"""
from __future__ import annotations

import hashlib
import http.client
import logging
import shutil
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from registry.core.errors import FieldError, ValidationError
from registry.mounts import network
from registry.mounts.connections import SourceError
from registry.mounts.sources import Sources

log = logging.getLogger(__name__)

_CHUNK = 1024 * 1024
#: What the user is told when a URL cannot be fetched, whatever the reason (refused address, name not found,
#: connection refused, timeout, HTTP error): the reason goes to the server's log only.
FETCH_FAILED = "无法获取该地址的文件"
#: Seconds a whole download may take (each read is limited by ``Sources.fetch_timeout`` besides).
DOWNLOAD_SECONDS = 300.0


@dataclass(frozen=True)
class StoredFile:
    relative_path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class FetchedFile:
    size: int
    sha256: str
    last_modified: datetime | None


def safe_name(filename: str | None) -> str:
    """The last path segment of a user's file name, at most 255 characters."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    return name[-255:] or "file"


def store_upload(sources: Sources, stream: BinaryIO, filename: str | None) -> StoredFile:
    """Copy an upload into the instance, refusing it beyond the size limit; named by its SHA-256."""
    sources.uploads.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=sources.uploads, delete=False, prefix=".upload-") as out:
        temp = Path(out.name)
        try:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > sources.max_upload_bytes:
                    raise ValidationError(FieldError("file", f"文件超过 {sources.max_upload_bytes // (1024 * 1024)} MB 的上限", "文件"))
                digest.update(chunk)
                out.write(chunk)
        except BaseException:
            out.close()
            temp.unlink(missing_ok=True)
            raise
    if size == 0:
        temp.unlink(missing_ok=True)
        raise ValidationError(FieldError("file", "文件为空", "文件"))
    sha = digest.hexdigest()
    relative = f"{sha[:2]}/{sha}"
    target = sources.uploads / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        temp.unlink()
    else:
        shutil.move(temp, target)
    return StoredFile(relative, size, sha)


def stored_path(sources: Sources, relative_path: str) -> Path:
    """The stored file of a mount; refuses a path that would leave the uploads folder."""
    root = sources.uploads.resolve()
    path = (root / relative_path).resolve()
    if root not in path.parents:
        raise SourceError("文件路径无效")
    return path


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# -- URLs -------------------------------------------------------------------------------

def checked_url(value: str | None, field: str, label: str, required: bool = True) -> str | None:
    """An http(s) URL without credentials in it (they would end up in the catalog), or a Chinese error."""
    url = (value or "").strip()
    if not url:
        if required:
            raise ValidationError(FieldError(field, "必填，不能为空", label))
        return None
    if len(url) > 2000:
        raise ValidationError(FieldError(field, "地址过长（至多 2000 个字符）", label))
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(FieldError(field, "应为 http:// 或 https:// 开头的完整地址", label))
    if parts.username or parts.password:
        raise ValidationError(FieldError(field, "地址中不得包含用户名或口令；凭据不进入目录", label))
    return url


def url_file_name(url: str) -> str:
    return safe_name(urllib.parse.unquote(urllib.parse.urlsplit(url).path)) if urllib.parse.urlsplit(url).path.strip("/") else "file"


def fetch_url(sources: Sources, url: str) -> FetchedFile:
    """Download ``url`` once (time- and size-limited, public or allowed hosts only) for its checksum and modification time."""
    digest, size = hashlib.sha256(), 0
    deadline = time.monotonic() + DOWNLOAD_SECONDS
    try:
        with network.opened_url(url, "GET", sources.allowed_hosts, sources.fetch_timeout) as response:
            modified = _last_modified(response.headers.get("Last-Modified"))
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > sources.max_upload_bytes:
                    raise SourceError(f"文件超过 {sources.max_upload_bytes // (1024 * 1024)} MB 的上限")
                if time.monotonic() > deadline:
                    raise network.FetchFailed(f"GET {url}: not downloaded within {DOWNLOAD_SECONDS:g} s")
                digest.update(chunk)
    except network.FetchFailed as exc:
        raise _unreachable(url, str(exc)) from None
    except (OSError, http.client.HTTPException) as exc:  # while reading the body
        raise _unreachable(url, f"GET {url}: {type(exc).__name__}: {exc}") from None
    return FetchedFile(size, digest.hexdigest(), modified)


def url_last_modified(sources: Sources, url: str) -> datetime | None:
    """The file's ``Last-Modified`` (a HEAD request, time-limited, public or allowed hosts only); ``None`` when the
    server does not say."""
    try:
        with network.opened_url(url, "HEAD", sources.allowed_hosts, sources.fetch_timeout) as response:
            return _last_modified(response.headers.get("Last-Modified"))
    except network.FetchFailed as exc:
        raise _unreachable(url, str(exc)) from None


def _unreachable(url: str, detail: str) -> SourceError:
    """The one answer a user gets, whatever failed: which addresses answer, and how, is not theirs to learn."""
    log.warning("file mount URL %s could not be fetched: %s", url, detail)
    return SourceError(FETCH_FAILED)


def _last_modified(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
