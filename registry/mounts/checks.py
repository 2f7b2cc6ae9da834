"""Checking mounts: drift of the declared fields against the live table, format agreement, freshness.

One mount at a time (“check now”), or all of them for a scheduler, where
tables of one connection share one connection and a broken source marks its
own mounts only. The result is stored on each mount; a source's latest update
is recorded as the item's last data update (update-cycle monitoring).

A check runs in three steps so that no transaction on the catalog's database
is held while a source is read: what the look needs is copied out of the
catalog (:class:`Target`), the sources are read (:func:`look_all`, inside the
caller's ``release()``, see :mod:`registry.mounts.transactions`), and what
was found (:class:`Look`) is compared with the item and stored
(:func:`store_observation`).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from registry.accounts.permissions import require
from registry.audit.operations import record_event
from registry.catalog.models import CatalogItem, ItemStatus
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.errors import MuluError, NotFound
from registry.core.localtime import LOCAL_ZONE, aware, local_today
from registry.mounts import access, files  # noqa: F401 - access declares the mount actions
from registry.mounts.connections import (
    Connection,
    SourceError,
    describe_failure,
    opened,
)
from registry.mounts.drift import compare_columns, format_findings, validity_findings
from registry.mounts.models import CheckStatus, MountKind, ResourceMount
from registry.mounts.reflection import (
    LiveTable,
    as_timestamp,
    latest_timestamp,
    reflect_table,
)
from registry.mounts.sources import Sources
from registry.mounts.transactions import Release, stay

log = logging.getLogger(__name__)

#: A mount's error when looking at it failed unexpectedly (the traceback is in the server's log).
INTERNAL_ERROR = "检查时发生内部错误，详见服务器日志"


@dataclass
class Observation:
    """What one look at a mounted resource found, before it is stored on the mount."""

    differences: list[dict[str, Any]]
    error: str | None = None
    source_updated_at: datetime | date | None = None
    dialect: str | None = None

    @property
    def status(self) -> CheckStatus:
        return CheckStatus.ERROR if self.error else CheckStatus.DRIFT if self.differences else CheckStatus.OK


# -- what a look needs, and what it finds ------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """What looking at one mount needs, copied out of the catalog so the look runs with no transaction open on it."""

    mount_id: int | None
    kind: MountKind
    connection: str | None = None
    schema: str | None = None
    table: str | None = None
    timestamp_column: str | None = None
    url: str | None = None
    file_path: str | None = None
    file_name: str | None = None
    sha256: str | None = None
    #: The source's update time as already known (an upload's own time, a URL's last ``Last-Modified``).
    known_update: datetime | None = None
    #: Why the source may not be read at all (its connection no longer serves the item's provider).
    refusal: str | None = None


@dataclass(frozen=True)
class Look:
    """What one look at a source found — the live table, the source's latest update — or why it could not be read."""

    table: LiveTable | None = None
    latest: datetime | date | None = None
    error: str | None = None


def target_of(mount: ResourceMount, sources: Sources) -> Target:
    """The mount's source as a look needs it; a table whose connection does not serve the provider is refused."""
    refusal = None
    if mount.kind is MountKind.TABLE:
        refusal = _refusal(mount, sources)
    known = mount.created_at if mount.uploaded else mount.source_updated_at
    return Target(mount.id, mount.kind, mount.connection, mount.schema_name, mount.table_name, mount.timestamp_column,
                  mount.url, mount.file_path, mount.file_name, mount.sha256, aware(known) if known else None, refusal)


def _refusal(mount: ResourceMount, sources: Sources) -> str | None:
    try:
        connection = sources.connections.get(mount.connection)
    except SourceError:
        return None  # the look says the connection is not configured
    provider = mount.item.provider
    department = provider.department if provider is not None else None
    if connection.serves(department.code if department is not None else None):
        return None
    return (f"连接“{connection.name}”不供“{provider.name if provider else '（无提供方）'}”使用，未读取：请在 connections.toml 的 "
            f"organisations（或环境变量 MULU_CONNECTION_{connection.name.upper()}_ORGANISATIONS）中列出该单位，"
            f"或写 everyone = true，或移除此挂接")


def look(target: Target, sources: Sources, contact: bool = True) -> Look:
    """Look at one source (``contact=False``: a file's URL is not asked; a table is always read)."""
    if target.kind is MountKind.TABLE:
        return look_all([target], sources)[target.mount_id]
    return _guarded(target, lambda: _look_other(target, sources, contact))


def look_at_table(source: Connection, table: str, schema: str | None, timestamp_column: str | None) -> Look:
    """Reflect a table of ``source`` and read ``max(timestamp_column)``; a failure is the look's ``error``."""
    try:
        with opened(source) as conn:
            return _look_table(conn, table, schema, timestamp_column)
    except SourceError as exc:
        return Look(error=str(exc))


def look_all(targets: list[Target], sources: Sources) -> dict[int | None, Look]:
    """Look at each target; tables of one connection share one connection, and a broken source fails its own only."""
    looks: dict[int | None, Look] = {}
    by_connection: dict[str, list[Target]] = {}
    for target in targets:
        if target.kind is not MountKind.TABLE:
            looks[target.mount_id] = _guarded(target, lambda t=target: _look_other(t, sources, True))
        elif target.refusal:
            looks[target.mount_id] = Look(error=target.refusal)
        else:
            by_connection.setdefault(target.connection, []).append(target)
    for name, group in by_connection.items():
        looks.update(_look_connection(sources, name, group))
    return looks


def _look_connection(sources: Sources, name: str, targets: list[Target]) -> dict[int | None, Look]:
    try:
        source = sources.connections.get(name)
    except SourceError as exc:
        return {t.mount_id: Look(error=str(exc)) for t in targets}
    found: dict[int | None, Look] = {}
    with _FailureRecorded(source) as opening, opened(source) as conn:
        for target in targets:
            with _FailureRecorded(source) as box:
                box.value = _guarded(target, lambda t=target: _look_table(conn, t.table, t.schema, t.timestamp_column))
            if box.error:
                conn.rollback()  # PostgreSQL refuses further statements in a failed transaction
            found[target.mount_id] = box.value or Look(error=box.error)
    if opening.error:
        return {t.mount_id: Look(error=opening.error) for t in targets}
    return found


def _look_table(conn, table: str, schema: str | None, timestamp_column: str | None) -> Look:
    live = reflect_table(conn, table, schema)
    latest = None
    column = next((c.name for c in live.columns if timestamp_column and c.name.lower() == timestamp_column.lower()), None)
    if column is not None:
        latest = as_timestamp(latest_timestamp(conn, table, schema, column))
    return Look(table=live, latest=latest)


def _look_other(target: Target, sources: Sources, contact: bool) -> Look:
    if target.kind is not MountKind.FILE:
        return Look()
    try:
        if target.file_path is not None:
            path = files.stored_path(sources, target.file_path)
            if not path.is_file():
                return Look(error=f"上传的文件 {target.file_name} 已不在存储目录中")
            if contact and files.file_digest(path) != target.sha256:
                return Look(error=f"上传的文件 {target.file_name} 与登记的 SHA-256 不符（已损坏或被替换）")
            return Look(latest=target.known_update)  # an upload is the data as of its own time
        if not contact:
            return Look(latest=target.known_update)
        return Look(latest=files.url_last_modified(sources, target.url))
    except SourceError as exc:
        return Look(error=str(exc))


def _guarded(target: Target, run) -> Look:
    """A look whose unexpected failure marks its own mount only (source failures pass through to the caller)."""
    try:
        return run()
    except (SourceError, SQLAlchemyError):
        raise
    except Exception:
        log.exception("looking at the source of mount %s failed", target.mount_id)
        return Look(error=INTERNAL_ERROR)


def observation_of(mount: ResourceMount, found: Look) -> Observation:
    """What a look means for the mount: the item's declared fields against the live table, the source's freshness."""
    if found.error:
        return Observation([], error=found.error)
    if found.table is None:
        return Observation([], source_updated_at=found.latest)
    differences = compare_columns(mount.item.fields, found.table.columns)
    if mount.timestamp_column and mount.timestamp_column.lower() not in {c.name.lower() for c in found.table.columns}:
        differences.append({"kind": "missing", "field": None, "column": mount.timestamp_column,
                            "message": f"挂接时指定的时间列 {mount.timestamp_column} 在表中不存在"})
    return Observation(differences, source_updated_at=found.latest, dialect=found.table.dialect)


# -- checking ----------------------------------------------------------------------------------

def check_mount(ctx: Context, mount: ResourceMount, sources: Sources, contact: bool = True,
                release: Release = stay) -> CheckStatus:
    """Check one mount now and store the result on it (``contact=False``: no network, format and validity only).

    The source is read inside ``release()`` (see :mod:`registry.mounts.transactions`).
    """
    require(ctx.actor, "mount:check", mount.item.provider)
    target = target_of(mount, sources)
    with release():
        found = look(target, sources, contact)
    mount = _again(ctx, mount)
    require(ctx.actor, "mount:check", mount.item.provider)
    return store_observation(ctx, mount, observation_of(mount, found))


def _again(ctx: Context, mount: ResourceMount) -> ResourceMount:
    """The mount as it is now (after a released look), or :class:`NotFound` if it was removed meanwhile."""
    if mount.id is None:
        return mount
    current = ctx.session.get(ResourceMount, mount.id)
    if current is None:
        raise NotFound(f"编号为 {mount.id} 的挂接已被移除")
    return current


def mounts_to_check(org_ids: set[int] | None = None):
    """The query of the mounts a run checks: those of items not retired (provided by ``org_ids``, or all)."""
    query = select(ResourceMount).join(CatalogItem).where(CatalogItem.status != ItemStatus.RETIRED)
    if org_ids is not None:
        query = query.where(CatalogItem.provider_id.in_(org_ids or {-1}))
    return query


def check_mounts(ctx: Context, sources: Sources, org_ids: set[int] | None = None, release: Release = stay,
                 limit: int | None = None) -> list[tuple[ResourceMount, CheckStatus]]:
    """Check every mount (of items provided by ``org_ids``, or all); one broken source never stops the others.

    Tables of the same connection share one connection; a connection that
    cannot be opened marks each of its mounts with the same error. With
    ``limit``, only that many are checked, those checked longest ago (or never)
    first. Sources are read inside ``release()``, results stored after it.
    """
    query = mounts_to_check(org_ids)
    if limit is not None:
        query = query.order_by(ResourceMount.checked_at.is_not(None), ResourceMount.checked_at, ResourceMount.id).limit(limit)
    else:
        query = query.order_by(ResourceMount.id)
    mounts = list(ctx.session.scalars(query))
    for mount in mounts:
        require(ctx.actor, "mount:check", mount.item.provider)
    targets = [target_of(m, sources) for m in mounts]
    with release():
        looks = look_all(targets, sources)
    results: list[tuple[ResourceMount, CheckStatus]] = []
    for target in targets:
        mount = ctx.session.get(ResourceMount, target.mount_id)
        if mount is None:  # removed while the sources were read
            continue
        results.append((mount, _stored_safely(ctx, mount, looks[target.mount_id])))
    return sorted(results, key=lambda pair: pair[0].id)


class _Box:
    value: Look | None = None
    error: str | None = None


class _FailureRecorded:
    """``with`` block whose source failure becomes ``box.error`` (masked) instead of stopping the run."""

    def __init__(self, source: Connection):
        self.source = source
        self.box = _Box()

    def __enter__(self) -> _Box:
        return self.box

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is None:
            return False
        if isinstance(exc, SourceError):
            self.box.error = str(exc)
        elif isinstance(exc, SQLAlchemyError):
            self.box.error = describe_failure(exc, self.source)
        else:
            return False
        return True


def _stored_safely(ctx: Context, mount: ResourceMount, found: Look) -> CheckStatus:
    """Store one mount's look inside a savepoint: an unexpected failure marks this mount only."""
    try:
        with ctx.session.begin_nested():
            return store_observation(ctx, mount, observation_of(mount, found))
    except MuluError as exc:
        observation = Observation([], error=str(exc))
    except Exception:
        log.exception("checking mount %s failed", mount.id)
        observation = Observation([], error=INTERNAL_ERROR)
    with ctx.session.begin_nested():
        return store_observation(ctx, mount, observation)


def store_observation(ctx: Context, mount: ResourceMount, observation: Observation) -> CheckStatus:
    """Keep the latest result on the mount, with the item's format findings; record the source's freshness."""
    item = mount.item
    differences = list(observation.differences)
    if observation.error is None:
        siblings = list(ctx.session.scalars(select(ResourceMount).where(ResourceMount.item_id == item.id)))
        differences += format_findings(ctx.profile, item, mount, siblings, observation.dialect)
        differences += validity_findings(mount, local_today())
    observation = Observation(differences, observation.error, observation.source_updated_at, observation.dialect)
    previous = mount.status
    mount.checked_at = utcnow()
    mount.status = observation.status
    mount.differences = differences
    mount.error = observation.error
    if observation.source_updated_at is not None:
        mount.source_updated_at = _instant(observation.source_updated_at)
        note = record_freshness(ctx, item, mount.source_updated_at)
        if note:
            mount.differences = [*differences, {"kind": "freshness", "field": None, "column": None, "message": note}]
    ctx.session.flush()
    if previous is not observation.status:  # the audit log keeps changes of state, not every scheduled run
        record_event(ctx, "mount:check", "item", item.code, {"mount": mount.id, "status": observation.status.value,
                                                             "previous": previous.value if previous else None,
                                                             "differences": len(differences), "error": observation.error})
    return observation.status


def _instant(at: datetime | date) -> datetime:
    """A source time as stored, in UTC: a naive time (most databases' ``timestamp``) is on the local clock."""
    if not isinstance(at, datetime):
        at = datetime.combine(at, datetime.min.time())
    return (at if at.tzinfo else at.replace(tzinfo=LOCAL_ZONE)).astimezone(UTC)


def record_freshness(ctx: Context, item: CatalogItem, at: datetime) -> str | None:
    """Record the source's latest update as the item's last data update (feeds update-cycle monitoring).

    The check is a system observation, so it is recorded with the system's
    rights whoever asked for the check. Returns a note when it could not be
    recorded (a future time, an older time than already recorded).
    """
    if at > utcnow():
        return f"源数据的最近更新时间 {at.astimezone(LOCAL_ZONE):%Y-%m-%d %H:%M} 晚于当前时间，未登记为数据更新时间"
    if item.status is ItemStatus.RETIRED or (item.data_updated_at is not None and aware(item.data_updated_at) >= at):
        return None
    system = Context(session=ctx.session, profile=ctx.profile, actor=None, ip=ctx.ip)
    try:
        from registry.monitoring.freshness import record_refresh
    except ImportError:  # pragma: no cover - monitoring ships with Mulu; kept for a trimmed install
        item.data_updated_at = at
        ctx.session.flush()
        record_event(system, "item:refresh", "item", item.code, {"at": at.isoformat(), "source": "mount"})
        return None
    try:
        record_refresh(system, item, at)
    except MuluError as exc:
        return f"未能登记数据更新时间：{exc}"
    return None
