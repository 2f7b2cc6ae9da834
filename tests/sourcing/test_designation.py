"""Designating the source: who may, what they may designate, and when a resolved finding opens again."""
from __future__ import annotations

import pytest
from catalog import HOUSEHOLD, make_town, person, published
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.catalog.operations import approve_change, get_item, retire_item
from registry.core.errors import NotFound, PermissionDenied, ValidationError
from registry.sourcing.models import SourceDesignation
from registry.sourcing.operations import get_finding, list_findings, resolve_finding


@pytest.fixture()
def town(ctx):
    town = make_town(ctx, with_users=True)
    town.codes = [published(ctx, town.scjg, "户籍人口信息", person("公民身份号码", *HOUSEHOLD)),
                  published(ctx, town.ga, "户籍人口基本信息", person("身份证号", *HOUSEHOLD))]
    return town


def the_finding(ctx):
    [entry] = list_findings(ctx)
    return entry


def test_a_city_reviewer_designates_one_of_the_providers_and_the_finding_is_resolved(ctx, town):
    reviewer = town.as_(ctx, "city_reviewer")
    entry = the_finding(reviewer)
    assert entry.status == "open" and entry.designation is None

    designation = resolve_finding(reviewer, entry.finding.key, town.ga.code, "公安机关为户籍登记的法定部门")
    ctx.session.flush()
    resolved = get_finding(reviewer, entry.finding.key)
    assert resolved.status == "resolved" and not resolved.changed
    assert resolved.designation.id == designation.id and designation.source.name == "南阳市公安局"
    assert sorted(designation.member_codes) == sorted(town.codes)
    assert designation.resolved_by.username == "city_reviewer" and designation.resolved_at is not None
    assert [e.status for e in list_findings(reviewer, status="resolved")] == ["resolved"]
    assert list_findings(reviewer, status="open") == []

    event = ctx.session.scalar(select(AuditEvent).where(AuditEvent.tag == "duplicates:resolve"))
    assert event.object_id == entry.finding.key and event.actor_name == "city_reviewer"
    assert event.data["source"] == town.ga.code and sorted(event.data["members"]) == sorted(town.codes)
    assert event.data["note"] == "公安机关为户籍登记的法定部门"


def test_the_authority_may_designate_again_and_the_latest_counts(ctx, town):
    key = the_finding(ctx).finding.key
    resolve_finding(town.as_(ctx, "city_reviewer"), key, town.ga.code)
    resolve_finding(town.as_(ctx, "authority"), key, town.scjg.code, "经协调改由市场监管局采集")
    entry = get_finding(town.as_(ctx, "authority"), key)
    assert entry.designation.source.code == town.scjg.code and entry.status == "resolved"
    assert ctx.session.scalar(select(AuditEvent.data).where(AuditEvent.tag == "duplicates:resolve")
                              .order_by(AuditEvent.id.desc()).limit(1))["previous_source"] == town.ga.code


@pytest.mark.parametrize("who", ["compiler", "county_reviewer", "audit_admin"])
def test_only_the_city_review_designates(ctx, town, who):
    key = the_finding(ctx).finding.key
    with pytest.raises(PermissionDenied, match="只有市级审核员或数据主管部门可以指定数据来源"):
        resolve_finding(town.as_(ctx, who), key, town.ga.code)
    assert ctx.session.scalar(select(SourceDesignation.id)) is None


def test_compilers_and_reviewers_read_the_report_the_separated_admins_do_not(ctx, town):
    assert len(list_findings(town.as_(ctx, "compiler"))) == 1
    assert len(list_findings(town.as_(ctx, "county_reviewer"))) == 1
    with pytest.raises(PermissionDenied, match="一数一源"):
        list_findings(town.as_(ctx, "audit_admin"))


def test_the_source_must_be_a_department_of_the_finding(ctx, town):
    reviewer = town.as_(ctx, "city_reviewer")
    key = the_finding(ctx).finding.key
    with pytest.raises(ValidationError) as refused:
        resolve_finding(reviewer, key, town.mz.code)
    [error] = refused.value.errors
    assert error.field == "source" and error.label == "数据来源" and "南阳市公安局" in error.message
    with pytest.raises(ValidationError, match="数据来源：请选择"):
        resolve_finding(reviewer, key, " ")
    with pytest.raises(ValidationError, match="说明：不能超过"):
        resolve_finding(reviewer, key, town.ga.code, "长" * 2001)
    with pytest.raises(NotFound, match="没有键为"):
        resolve_finding(reviewer, "d0000000000000000", town.ga.code)
    # an internal unit's item counts as its department's: the department is designated, not the unit
    with pytest.raises(ValidationError):
        resolve_finding(reviewer, key, town.unit.code)
    assert ctx.session.scalar(select(SourceDesignation.id)) is None


def test_a_resolved_finding_opens_again_when_its_members_change(ctx, town):
    reviewer = town.as_(ctx, "city_reviewer")
    key = the_finding(ctx).finding.key
    resolve_finding(reviewer, key, town.ga.code)

    third = published(ctx, town.mz, "辖区户籍人口信息", person("公民身份号码", *HOUSEHOLD))
    grown = get_finding(reviewer, key)
    assert len(grown.finding.members) == 3 and grown.status == "open" and grown.changed
    assert [e.finding.key for e in list_findings(reviewer, status="open")] == [key]
    resolve_finding(reviewer, key, town.ga.code, "民政局改为共享使用")
    assert get_finding(reviewer, key).status == "resolved"

    system = town.as_(ctx, "system")
    approve_change(system, retire_item(system, get_item(system, third), "改为共享使用公安数据").change)
    shrunk = get_finding(reviewer, key)
    assert len(shrunk.finding.members) == 2 and shrunk.status == "open" and shrunk.changed


def test_the_report_filters_by_organisation(ctx, town):
    published(ctx, town.county_scjg, "南召县户籍人口信息", person("公民身份号码", *HOUSEHOLD))
    published(ctx, town.county_mz, "南召县户籍人口基础信息", person("公民身份号码", *HOUSEHOLD))
    reviewer = town.as_(ctx, "city_reviewer")
    assert len(list_findings(reviewer)) == 2
    [county] = list_findings(reviewer, org=town.county)
    assert {p.name for p in county.finding.providers} == {"南召县市场监督管理局", "南召县民政局"}
    [city] = list_findings(reviewer, org=town.ga)
    assert {p.name for p in city.finding.providers} == {"南阳市市场监督管理局", "南阳市公安局"}
    assert [e.finding.key for e in list_findings(reviewer, org=town.unit)] == [city.finding.key]  # its department's
    assert list_findings(reviewer, org=town.mz) == []
    assert len(list_findings(reviewer, org=town.city)) == 2
