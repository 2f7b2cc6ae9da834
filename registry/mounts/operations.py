"""Mount operations: attach and detach resources (checks are in :mod:`registry.mounts.checks`).

Every interface (back office, REST API, ``mulu mounts``) comes through here.
Operations check permissions, validate with Chinese field errors, audit, and
flush; the caller commits. A connection's URL never reaches the database, the
audit log, a log line or an error message: only its name and the masked URL.

An operation that reads a source (a table's structure, a file at a URL) does
so before it writes anything, inside the caller's ``release()`` (see
:mod:`registry.mounts.transactions`), and checks again afterwards what it
checked before, since the catalog may have changed while the source was read.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from registry.accounts.permissions import require
from registry.audit.operations import record_event
from registry.catalog.models import CatalogItem, ItemStatus
from registry.catalog.operations import ItemResult
from registry.catalog.validation import OrgResolver, coerce_date
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.errors import ConflictError, FieldError, NotFound, ValidationError
from registry.core.signals import note_item_changed
from registry.mounts import access, checks, files  # noqa: F401 - access declares the mount actions
from registry.mounts.connections import Connection, SourceError
from registry.mounts.models import API_METHODS, MountKind, ResourceMount
from registry.mounts.reflection import Proposal, save_proposal
from registry.mounts.sources import Sources
from registry.mounts.transactions import Release, stay

_NAME_LIMIT = 128


# -- lookups ------------------------------------------------------------------------------

def mounts_of(ctx: Context, item: CatalogItem) -> list[ResourceMount]:
    return list(ctx.session.scalars(select(ResourceMount).where(ResourceMount.item_id == item.id).order_by(ResourceMount.id)))


def get_mount(ctx: Context, item: CatalogItem, mount_id: int) -> ResourceMount:
    mount = ctx.session.get(ResourceMount, mount_id)
    if mount is None or mount.item_id != item.id:
        raise NotFound(f"条目“{item.code}”没有编号为 {mount_id} 的挂接")
    return mount


def usable_connection(ctx: Context, sources: Sources, name: str, provider) -> Connection:
    """The named connection, if it serves the provider's department (those it names, or all if it says ``everyone``).

    One answer for a connection that does not exist and one that serves other
    departments only, so the names of other departments' connections cannot be probed.
    """
    department = provider.department if provider is not None else None
    try:
        connection = sources.connections.get(name)
    except SourceError:
        connection = None
    if connection is None or not connection.serves(department.code if department is not None else None):
        whom = provider.name if provider is not None else "（未指定提供方）"
        raise ValidationError(FieldError("connection", f"连接“{(name or '').strip()}”未配置，或不供“{whom}”使用", "连接"))
    return connection


# -- attaching ---------------------------------------------------------------------------

def _writable(ctx: Context, item: CatalogItem) -> None:
    require(ctx.actor, "mount:manage", item.provider)
    if item.status is ItemStatus.RETIRED:
        raise ConflictError("已注销的条目不能挂接资源")


def _identifier(value: str | None, field: str, label: str, required: bool) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationError(FieldError(field, "必填，不能为空", label))
        return None
    if len(text) > _NAME_LIMIT:
        raise ValidationError(FieldError(field, f"不能超过{_NAME_LIMIT}个字符", label))
    return text


def _note(value: str | None) -> str | None:
    text = (value or "").strip()
    if len(text) > 500:
        raise ValidationError(FieldError("note", "不能超过500个字符", "说明"))
    return text or None


def add_table_mount(ctx: Context, item: CatalogItem, sources: Sources, *, connection: str, table: str,
                    schema: str | None = None, timestamp_column: str | None = None, note: str | None = None,
                    verify: bool = True, found: checks.Look | None = None, release: Release = stay) -> ResourceMount:
    """Attach a table of a named connection; with ``verify`` (every interface's default) the table and its
    timestamp column must exist now, and the first check runs at once.

    The table is read inside ``release()``, or not at all when ``found`` is
    what a look at it has just found (:func:`save_and_mount`).
    """
    source, table, schema, timestamp_column = _table_plan(ctx, item, sources, connection, table, schema, timestamp_column)
    if verify and found is None:
        item_id = item.id
        with release():
            found = checks.look_at_table(source, table, schema, timestamp_column)
        item = _item_again(ctx, item_id)
        source, table, schema, timestamp_column = _table_plan(ctx, item, sources, connection, table, schema, timestamp_column)
    if verify:
        _verified(found, table, schema, timestamp_column)
    mount = ResourceMount(item=item, kind=MountKind.TABLE, connection=source.name, schema_name=schema, table_name=table,
                          timestamp_column=timestamp_column, note=_note(note), differences=[],
                          created_by_id=ctx.actor.id if ctx.actor else None, created_at=utcnow())
    _added(ctx, mount, {"connection": source.name, "schema": schema, "table": table, "timestamp_column": timestamp_column})
    if verify:
        require(ctx.actor, "mount:check", item.provider)
        checks.store_observation(ctx, mount, checks.observation_of(mount, found))
    return mount


def _table_plan(ctx: Context, item: CatalogItem, sources: Sources, connection: str, table: str | None,
                schema: str | None, timestamp_column: str | None) -> tuple[Connection, str, str | None, str | None]:
    """The checked request to mount a table: who may, which connection, not mounted already."""
    _writable(ctx, item)
    table = _identifier(table, "table_name", "表名", True)
    schema = _identifier(schema, "schema_name", "模式", False)
    timestamp_column = _identifier(timestamp_column, "timestamp_column", "时间列", False)
    source = usable_connection(ctx, sources, connection, item.provider)
    duplicate = ctx.session.scalar(select(ResourceMount.id).where(
        ResourceMount.item_id == item.id, ResourceMount.kind == MountKind.TABLE, ResourceMount.connection == source.name,
        ResourceMount.schema_name.is_(None) if schema is None else ResourceMount.schema_name == schema,
        ResourceMount.table_name == table))
    if duplicate is not None:
        raise ValidationError(FieldError("table_name", "该表已挂接在此条目上", "表名"))
    return source, table, schema, timestamp_column


def _item_again(ctx: Context, item_id: int) -> CatalogItem:
    """The item as it is now, after a look at a source with the transaction released."""
    item = ctx.session.get(CatalogItem, item_id)
    if item is None:
        raise NotFound("条目已被删除")
    return item


def _verified(found: checks.Look, table: str, schema: str | None, timestamp_column: str | None) -> None:
    if found.error or found.table is None:
        raise ValidationError(FieldError("table_name", found.error or f"表“{table}”不存在", "表名"))
    live = found.table
    if (live.name, live.schema) != (table, schema):
        raise ValueError(f"the look was at {live.qualified_name}, not at {table}")
    if timestamp_column and timestamp_column.lower() not in {c.name.lower() for c in live.columns}:
        raise ValidationError(FieldError("timestamp_column", f"表“{live.qualified_name}”中没有列 {timestamp_column}", "时间列"))


def add_api_mount(ctx: Context, item: CatalogItem, *, url: str, method: str = "GET", doc_url: str | None = None,
                  valid_from: date | str | None = None, valid_to: date | str | None = None,
                  note: str | None = None) -> ResourceMount:
    """Attach an HTTP API: its address, method, documentation and validity window."""
    _writable(ctx, item)
    url = files.checked_url(url, "url", "接口地址")
    doc_url = files.checked_url(doc_url, "doc_url", "文档地址", required=False)
    method = (method or "GET").strip().upper()
    if method not in API_METHODS:
        raise ValidationError(FieldError("method", f"应为 {'、'.join(API_METHODS)} 之一", "请求方法"))
    start, end = _date(valid_from, "valid_from", "有效期起"), _date(valid_to, "valid_to", "有效期止")
    if start and end and end < start:
        raise ValidationError(FieldError("valid_to", "有效期止不能早于有效期起", "有效期止"))
    mount = ResourceMount(item=item, kind=MountKind.API, url=url, method=method, doc_url=doc_url, valid_from=start,
                          valid_to=end, note=_note(note), differences=[],
                          created_by_id=ctx.actor.id if ctx.actor else None, created_at=utcnow())
    _added(ctx, mount, {"url": url, "method": method, "valid_from": start, "valid_to": end})
    return mount


def _date(value: date | str | None, field: str, label: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return coerce_date(value)
    except (ValueError, TypeError, OverflowError):
        raise ValidationError(FieldError(field, f"“{value}”不是有效日期；请写成 2024-03-01 的形式", label)) from None


def add_file_mount(ctx: Context, item: CatalogItem, sources: Sources, *, upload=None, filename: str | None = None,
                   url: str | None = None, note: str | None = None, release: Release = stay) -> ResourceMount:
    """Attach a file: an upload (a binary stream and its name), stored by checksum, or a URL, fetched once for its
    checksum and modification time (inside ``release()``: a download may take a while)."""
    _writable(ctx, item)
    if (upload is None) == (not (url or "").strip()):
        raise ValidationError(FieldError("file", "请上传一个文件，或填写文件的下载地址（二选一）", "文件"))
    url = files.checked_url(url, "url", "文件地址") if upload is None else None
    item_id = item.id
    with release():
        if upload is not None:
            stored = files.store_upload(sources, upload, filename)
        else:
            try:
                fetched = files.fetch_url(sources, url)
            except SourceError as exc:
                raise ValidationError(FieldError("url", str(exc), "文件地址")) from None
    item = _item_again(ctx, item_id)
    _writable(ctx, item)
    now = utcnow()
    mount = ResourceMount(item=item, kind=MountKind.FILE, note=_note(note), differences=[],
                          created_by_id=ctx.actor.id if ctx.actor else None, created_at=now)
    if upload is not None:
        mount.file_name, mount.file_path, mount.file_size, mount.sha256 = files.safe_name(filename), stored.relative_path, stored.size, stored.sha256
        mount.source_updated_at = now  # an upload is the file as of now
    else:
        mount.url = url
        mount.file_name, mount.file_size, mount.sha256 = files.url_file_name(url), fetched.size, fetched.sha256
        mount.source_updated_at = fetched.last_modified
    _added(ctx, mount, {"file_name": mount.file_name, "url": mount.url, "size": mount.file_size, "sha256": mount.sha256})
    checks.check_mount(ctx, mount, sources, contact=False)
    return mount


def _added(ctx: Context, mount: ResourceMount, data: dict[str, Any]) -> None:
    ctx.session.add(mount)
    ctx.session.flush()
    record_event(ctx, "mount:add", "item", mount.item.code, {"mount": mount.id, "kind": mount.kind.value,
                                                             "note": mount.note, **data})
    note_item_changed(ctx.session, mount.item.code)


def remove_mount(ctx: Context, mount: ResourceMount) -> None:
    """Detach a resource. An uploaded file stays stored (another mount may hold the same content)."""
    item = mount.item
    require(ctx.actor, "mount:manage", item.provider)
    data = {"mount": mount.id, "kind": mount.kind.value, "connection": mount.connection, "schema": mount.schema_name,
            "table": mount.table_name, "url": mount.url, "file_name": mount.file_name, "sha256": mount.sha256}
    ctx.session.delete(mount)
    ctx.session.flush()
    record_event(ctx, "mount:remove", "item", item.code, {k: v for k, v in data.items() if v is not None})
    note_item_changed(ctx.session, item.code)


# -- 反编目, saved --------------------------------------------------------------------------

_UPDATE_HINTS = ("update", "modif", "gxsj", "xgsj", "changed", "更新时间", "修改时间", "变更时间")


def guess_timestamp_column(proposal: Proposal) -> str | None:
    """The column that most likely records when a row last changed (``updated_at``, ``gxsj``, 更新时间 …)."""
    for column in proposal.table.columns:
        words = f"{column.name} {column.comment or ''}".lower()
        if column.data_type in ("T", "D") and any(hint in words for hint in _UPDATE_HINTS):
            return column.name
    return None


def save_and_mount(ctx: Context, sources: Sources, proposal: Proposal, reason: str | None = None,
                   release: Release = stay) -> ItemResult:
    """Save a 反编目 proposal as a draft and mount the table it came from (when it came from a named connection),
    with its update-time column when one can be recognised.

    The table is read once more (for the mount's first check) inside
    ``release()``, before anything is written.
    """
    found = timestamp_column = None
    if proposal.connection and proposal.entry.get("provider"):  # without a provider, save_proposal says so
        source = usable_connection(ctx, sources, proposal.connection, OrgResolver(ctx.session)(proposal.entry["provider"]))
        timestamp_column = guess_timestamp_column(proposal)
        with release():
            found = checks.look_at_table(source, proposal.table.name, proposal.table.schema, timestamp_column)
        if found.error:
            raise ValidationError(FieldError("table", found.error, "表名"))
    result = save_proposal(ctx, proposal, reason)
    if proposal.connection:
        add_table_mount(ctx, result.item, sources, connection=proposal.connection, table=proposal.table.name,
                        schema=proposal.table.schema, timestamp_column=timestamp_column, note="反编目时自动挂接",
                        found=found)
    return result
