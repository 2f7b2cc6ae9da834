"""Checking mounts: drift of the declared fields against the live table, format agreement, freshness.

One mount at a time (“check now”), or all of them for a scheduler, where
tables of one connection share one connection and a broken source marks its
own mounts only. The result is stored on each mount; a source's latest update
is recorded as the item's last data update (update-cycle monitoring).
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
from registry.core.errors import MuluError
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
from registry.mounts.reflection import as_timestamp, latest_timestamp, reflect_table
from registry.mounts.sources import Sources

log = logging.getLogger(__name__)


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


def check_mount(ctx: Context, mount: ResourceMount, sources: Sources, contact: bool = True) -> CheckStatus:
    """Check one mount now and store the result on it (``contact=False``: no network, format and validity only)."""
    require(ctx.actor, "mount:check", mount.item.provider)
    if mount.kind is MountKind.TABLE:
        try:
            source = sources.connections.get(mount.connection)
        except SourceError as exc:
            observation = Observation([], error=str(exc))
        else:
            with _FailureRecorded(source) as box, opened(source) as conn:
                box.value = observe_table(conn, mount)
            observation = box.value or Observation([], error=box.error)
    else:
        observation = _observe_other(mount, sources, contact)
    return store_observation(ctx, mount, observation)


def check_mounts(ctx: Context, sources: Sources, org_ids: set[int] | None = None) -> list[tuple[ResourceMount, CheckStatus]]:
    """Check every mount (of items provided by ``org_ids``, or all); one broken source never stops the others.

    Tables of the same connection share one connection; a connection that
    cannot be opened marks each of its mounts with the same error.
    """
    query = select(ResourceMount).join(CatalogItem).where(CatalogItem.status != ItemStatus.RETIRED).order_by(ResourceMount.id)
    if org_ids is not None:
        query = query.where(CatalogItem.provider_id.in_(org_ids or {-1}))
    mounts = list(ctx.session.scalars(query))
    results: list[tuple[ResourceMount, CheckStatus]] = []
    by_connection: dict[str, list[ResourceMount]] = {}
    for mount in mounts:
        if mount.kind is MountKind.TABLE:
            by_connection.setdefault(mount.connection, []).append(mount)
        else:
            results.append((mount, _stored_safely(ctx, mount, lambda m=mount: _observe_other(m, sources, True))))
    for name, group in by_connection.items():
        results += _check_connection(ctx, sources, name, group)
    return sorted(results, key=lambda pair: pair[0].id)


def _check_connection(ctx: Context, sources: Sources, name: str, mounts: list[ResourceMount]) -> list[tuple[ResourceMount, CheckStatus]]:
    try:
        source = sources.connections.get(name)
    except SourceError as exc:
        unknown = Observation([], error=str(exc))
        return [(m, _stored_safely(ctx, m, lambda: unknown)) for m in mounts]
    observed: dict[int, Observation] = {}
    with _FailureRecorded(source) as opening, opened(source) as conn:
        for mount in mounts:
            with _FailureRecorded(source) as box:
                box.value = observe_table(conn, mount)
            if box.error:
                conn.rollback()  # PostgreSQL refuses further statements in a failed transaction
            observed[mount.id] = box.value or Observation([], error=box.error)
    failed = Observation([], error=opening.error) if opening.error else None
    return [(m, _stored_safely(ctx, m, lambda m=m: failed or observed[m.id])) for m in mounts]


class _Box:
    value: Observation | None = None
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


def observe_table(conn, mount: ResourceMount) -> Observation:
    """Reflect the mounted table and compare it with the item's fields; read ``max(timestamp column)``."""
    live = reflect_table(conn, mount.table_name, mount.schema_name)
    differences = compare_columns(mount.item.fields, live.columns)
    latest = None
    if mount.timestamp_column:
        if mount.timestamp_column.lower() not in {c.name.lower() for c in live.columns}:
            differences.append({"kind": "missing", "field": None, "column": mount.timestamp_column,
                                "message": f"挂接时指定的时间列 {mount.timestamp_column} 在表中不存在"})
        else:
            column = next(c.name for c in live.columns if c.name.lower() == mount.timestamp_column.lower())
            latest = as_timestamp(latest_timestamp(conn, mount.table_name, mount.schema_name, column))
    return Observation(differences, source_updated_at=latest, dialect=live.dialect)


def _observe_other(mount: ResourceMount, sources: Sources, contact: bool) -> Observation:
    if mount.kind is MountKind.FILE:
        try:
            if mount.uploaded:
                path = files.stored_path(sources, mount.file_path)
                if not path.is_file():
                    return Observation([], error=f"上传的文件 {mount.file_name} 已不在存储目录中")
                if contact and files.file_digest(path) != mount.sha256:
                    return Observation([], error=f"上传的文件 {mount.file_name} 与登记的 SHA-256 不符（已损坏或被替换）")
                return Observation([], source_updated_at=aware(mount.created_at))  # our own times: UTC, maybe naive
            if not contact:
                return Observation([], source_updated_at=aware(mount.source_updated_at) if mount.source_updated_at else None)
            return Observation([], source_updated_at=files.url_last_modified(sources, mount.url))
        except SourceError as exc:
            return Observation([], error=str(exc))
    return Observation([])


def _stored_safely(ctx: Context, mount: ResourceMount, observe) -> CheckStatus:
    """Observe and store one mount inside a savepoint: an unexpected failure marks this mount only."""
    require(ctx.actor, "mount:check", mount.item.provider)
    try:
        with ctx.session.begin_nested():
            return store_observation(ctx, mount, observe())
    except MuluError as exc:
        observation = Observation([], error=str(exc))
    except Exception:
        log.exception("checking mount %s failed", mount.id)
        observation = Observation([], error="检查时发生内部错误，详见服务器日志")
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
