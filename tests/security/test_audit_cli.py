"""``mulu audit verify`` and ``mulu audit purge`` as an operator runs them, on a real database."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, insert, select, update

from registry.app import Runtime
from registry.audit.models import AuditEvent
from registry.audit.operations import chain_events
from registry.cli import main
from registry.core.config import load_settings
from registry.core.db import unit_of_work, utcnow
from registry.core.errors import ConfigError


def mulu(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture()
def runtime(cli_env):
    assert mulu("db", "upgrade").exit_code == 0
    rt = Runtime(load_settings())
    yield rt
    rt.engine.dispose()


def append(rt: Runtime, count: int, months_ago: int = 0, tag: str = "item:update") -> list[int]:
    """``count`` chained events dated ``months_ago`` months back (31 days a month: safely past the cutoff)."""
    at = utcnow() - timedelta(days=31 * months_ago, hours=1)
    with unit_of_work(rt.sessions) as session:
        rows = chain_events(rt.context(session), [(tag, "item", n, {"n": n}) for n in range(count)], at=at)
        session.execute(insert(AuditEvent), rows)
        session.flush()
        return list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(count)))[::-1]


def ids_and_tags(rt: Runtime) -> list[tuple[int, str]]:
    with unit_of_work(rt.sessions, write=False) as session:
        return list(session.execute(select(AuditEvent.id, AuditEvent.tag).order_by(AuditEvent.id)).all())


def sql(rt: Runtime, statement) -> None:
    with rt.engine.begin() as conn:
        conn.execute(statement)


def test_verify_reports_an_intact_chain_and_is_audited(runtime):
    append(runtime, 4)
    before = len(ids_and_tags(runtime))
    result = mulu("audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"已校验 {before} 个审计事件" in result.output and "哈希链完整" in result.output
    assert ids_and_tags(runtime)[-1][1] == "audit:verify"
    report = json.loads(mulu("audit", "verify", "--json").output)
    assert report["intact"] is True and report["checked"] == before + 1 and report["problems"] == []


def test_verify_finds_an_altered_and_a_deleted_event(runtime):
    ids = append(runtime, 5)
    sql(runtime, update(AuditEvent).where(AuditEvent.id == ids[1]).values(actor_name="someone_else"))
    result = mulu("audit", "verify")
    assert result.exit_code == 1
    assert f"第一处：事件 {ids[1]} 的内容被篡改" in result.output
    sql(runtime, update(AuditEvent).where(AuditEvent.id == ids[1]).values(actor_name="system"))  # restored
    assert mulu("audit", "verify").exit_code == 0
    sql(runtime, delete(AuditEvent).where(AuditEvent.id == ids[3]))
    report = json.loads(mulu("audit", "verify", "--json").output)
    assert report["intact"] is False and report["problems"] == [f"事件 {ids[4]} 之前的事件被删除或篡改"]


def test_purge_keeps_young_events_and_the_chain_verifiable(runtime):
    old = append(runtime, 3, months_ago=40)
    young = append(runtime, 2)
    late_old = append(runtime, 1, months_ago=40)  # old by its time, but after young ones in the chain: kept
    first = ids_and_tags(runtime)[0][0]

    dry = json.loads(mulu("audit", "purge", "--dry-run", "--json").output)
    assert dry["purged"] == len(range(first, old[-1] + 1)) and dry["through_id"] == old[-1]
    assert ids_and_tags(runtime)[0][0] == first  # a dry run deletes nothing

    result = mulu("audit", "purge")
    assert result.exit_code == 0, result.output
    assert "已删除早于" in result.output and f"至事件 {old[-1]}" in result.output
    remaining = ids_and_tags(runtime)
    assert [i for i, _ in remaining if i <= old[-1]] == []
    assert {*young, *late_old} <= {i for i, _ in remaining}
    assert remaining[-1][1] == "audit:purge"
    assert mulu("audit", "verify").exit_code == 0
    again = mulu("audit", "purge")  # nothing older is left before the young events
    assert again.exit_code == 0 and "无需清理" in again.output


def test_after_a_purge_verify_still_finds_a_deleted_first_event(runtime):
    append(runtime, 3, months_ago=40)
    young = append(runtime, 3)
    assert mulu("audit", "purge").exit_code == 0
    sql(runtime, delete(AuditEvent).where(AuditEvent.id == young[0]))  # the first event after the anchor
    result = mulu("audit", "verify")
    assert result.exit_code == 1 and f"事件 {young[1]} 之前的事件被删除或篡改" in result.output


def test_after_a_purge_verify_still_finds_an_altered_event_or_anchor(runtime):
    append(runtime, 3, months_ago=40)
    young = append(runtime, 3)
    assert mulu("audit", "purge").exit_code == 0
    sql(runtime, update(AuditEvent).where(AuditEvent.id == young[2]).values(object_id="forged"))
    result = mulu("audit", "verify")
    assert result.exit_code == 1 and f"事件 {young[2]} 的内容被篡改" in result.output
    sql(runtime, update(AuditEvent).where(AuditEvent.id == young[2]).values(object_id="2"))
    assert mulu("audit", "verify").exit_code == 0
    # Moving the anchor to hide a deletion alters the purge event itself.
    anchor = ids_and_tags(runtime)[-2][0]  # the last is the verify just run
    with unit_of_work(runtime.sessions) as session:
        event = session.get(AuditEvent, anchor)
        event.data = {**event.data, "through_id": young[0], "through_hash": session.get(AuditEvent, young[0]).hash}
    assert mulu("audit", "verify").exit_code == 1


def test_purge_refuses_a_broken_chain(runtime):
    old = append(runtime, 3, months_ago=40)
    append(runtime, 1)
    sql(runtime, delete(AuditEvent).where(AuditEvent.id == old[1]))
    result = mulu("audit", "purge")
    assert result.exit_code == 1 and "拒绝清理" in result.output
    assert old[0] in {i for i, _ in ids_and_tags(runtime)}  # nothing deleted


def test_retention_shorter_than_six_months_is_refused(cli_env, monkeypatch):
    with pytest.raises(ConfigError, match="至少保存 6 个月"):
        load_settings({"MULU_AUDIT_RETENTION_MONTHS": "5"})
    assert load_settings({}).audit_retention_months == 36
    monkeypatch.setenv("MULU_AUDIT_RETENTION_MONTHS", "5")
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 2 and "MULU_AUDIT_RETENTION_MONTHS" in result.output


def test_a_six_month_retention_keeps_events_younger_than_six_months(runtime, monkeypatch):
    monkeypatch.setenv("MULU_AUDIT_RETENTION_MONTHS", "6")
    older = append(runtime, 1, months_ago=7)
    younger = append(runtime, 1, months_ago=5)
    assert mulu("audit", "purge").exit_code == 0
    kept = {i for i, _ in ids_and_tags(runtime)}
    assert older[0] not in kept and younger[0] in kept
