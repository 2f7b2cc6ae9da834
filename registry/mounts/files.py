"""Files behind catalog items: uploads kept by their SHA-256, and files at a URL fetched once to checksum them.

Uploads live under the instance's ``uploads/mounts/`` named by content, so
the same file uploaded twice is stored once and a stored file can be checked
against its recorded checksum. A URL is fetched with a time limit and a size
limit; only its checksum, size and ``Last-Modified`` are kept.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from registry.core.errors import FieldError, ValidationError
from registry.mounts.connections import SourceError
from registry.mounts.sources import Sources

_CHUNK = 1024 * 1024


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
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(FieldError(field, "应为 http:// 或 https:// 开头的完整地址", label))
    if parts.username or parts.password:
        raise ValidationError(FieldError(field, "地址中不得包含用户名或口令；凭据不进入目录", label))
    return url


def url_file_name(url: str) -> str:
    return safe_name(urllib.parse.unquote(urllib.parse.urlsplit(url).path)) if urllib.parse.urlsplit(url).path.strip("/") else "file"


def fetch_url(sources: Sources, url: str) -> FetchedFile:
    """Download ``url`` once (time- and size-limited) for its checksum and modification time."""
    digest, size = hashlib.sha256(), 0
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": "Mulu"}), timeout=sources.fetch_timeout) as response:
            modified = _last_modified(response.headers.get("Last-Modified"))
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > sources.max_upload_bytes:
                    raise SourceError(f"{url}：文件超过 {sources.max_upload_bytes // (1024 * 1024)} MB 的上限")
                digest.update(chunk)
    except urllib.error.HTTPError as exc:
        raise SourceError(f"{url}：服务器返回 HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SourceError(f"{url}：无法下载（{getattr(exc, 'reason', exc)}）") from None
    return FetchedFile(size, digest.hexdigest(), modified)


def url_last_modified(sources: Sources, url: str) -> datetime | None:
    """The file's ``Last-Modified`` (a HEAD request, time-limited); ``None`` when the server does not say."""
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "Mulu"})
    try:
        with urllib.request.urlopen(request, timeout=sources.fetch_timeout) as response:
            return _last_modified(response.headers.get("Last-Modified"))
    except urllib.error.HTTPError as exc:
        raise SourceError(f"{url}：服务器返回 HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SourceError(f"{url}：无法访问（{getattr(exc, 'reason', exc)}）") from None


def _last_modified(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
