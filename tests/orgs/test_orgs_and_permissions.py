from __future__ import annotations

import pytest

from factories import entry, uscc
from registry.accounts.operations import create_user
from registry.audit.operations import verify_chain
from registry.catalog import operations as ops
from registry.core.context import Context
from registry.core.errors import PermissionDenied, ValidationError
from registry.orgs.operations import create_org, list_orgs


def test_hierarchy_is_enforced(ctx, orgs):
    with pytest.raises(ValidationError, match="不能隶属于"):
        create_org(ctx, {"code": uscc(50), "name": "孤立的科室", "level": "unit", "parent": orgs.city})
    with pytest.raises(ValidationError, match="已存在"):
        create_org(ctx, {"code": orgs.dept.code, "name": "重复", "level": "department", "parent": orgs.city})
    ordered = list_orgs(ctx)
    assert ordered[0] == orgs.city
    assert all(ordered.index(o.parent) < ordered.index(o) for o in ordered if o.parent)


def as_user(ctx, user) -> Context:
    return Context(session=ctx.session, profile=ctx.profile, actor=user, ip="10.0.0.8")


def test_compiler_works_only_on_own_department(ctx, orgs):
    compiler = create_user(ctx, "bianmu", "compiler", orgs.dept.code, "Compile#2026")
    mine = ops.create_item(as_user(ctx, compiler), entry(orgs.dept, provider_unit=orgs.unit)).item
    assert mine.provider_unit == orgs.unit
    with pytest.raises(PermissionDenied, match="本单位"):
        ops.create_item(as_user(ctx, compiler), entry(orgs.other_dept))
    theirs = ops.create_item(ctx, entry(orgs.other_dept)).item
    with pytest.raises(PermissionDenied):
        ops.update_item(as_user(ctx, compiler), theirs, {"summary": "改别人的"})
    with pytest.raises(PermissionDenied):  # nor move own item to another provider
        ops.update_item(as_user(ctx, compiler), mine, {"provider": orgs.other_dept, "provider_unit": None})


def test_separated_admins_cannot_compile(ctx, orgs):
    auditor = create_user(ctx, "shenji", "audit_admin", orgs.city.code, "Audit#2026x")
    with pytest.raises(PermissionDenied):
        ops.create_item(as_user(ctx, auditor), entry(orgs.dept))


def test_unit_of_another_department_is_refused(ctx, orgs):
    with pytest.raises(ValidationError, match="内设机构"):
        ops.create_item(ctx, entry(orgs.other_dept, provider_unit=orgs.unit))


def test_audit_events_form_an_intact_hash_chain(ctx, orgs):
    compiler = create_user(ctx, "bianmu2", "compiler", orgs.dept.code, "Compile#2026")
    item = ops.create_item(as_user(ctx, compiler), entry(orgs.dept)).item
    ops.update_item(as_user(ctx, compiler), item, {"summary": "修订"})
    assert verify_chain(ctx.session) == []
    from registry.audit.models import AuditEvent
    from sqlalchemy import select

    event = ctx.session.scalar(select(AuditEvent).where(AuditEvent.tag == "item:update"))
    assert event.actor_name == "bianmu2" and event.ip == "10.0.0.8"
    assert event.data["diff"]["item"]["summary"][1] == "修订"
    event.data = {"diff": "tampered"}
    ctx.session.flush()
    assert [p for p in verify_chain(ctx.session) if str(event.id) in p]


def test_item_scope_by_role(ctx, orgs):
    from registry.accounts.permissions import item_scope

    compiler = create_user(ctx, "scope_c", "compiler", orgs.dept.code, "Compile#2026")
    county = create_user(ctx, "scope_r", "county_reviewer", orgs.county.code, "Review#2026")
    city = create_user(ctx, "scope_city", "city_reviewer", orgs.city.code, "Review#2026")
    auditor = create_user(ctx, "scope_a", "audit_admin", orgs.city.code, "Audit#2026x")
    mine = item_scope(ctx.session, compiler)
    assert mine.own_provider_ids == {orgs.dept.id, orgs.unit.id}
    assert mine.sees("draft", orgs.unit.id) and not mine.sees("draft", orgs.other_dept.id)
    assert mine.sees("published", orgs.other_dept.id)
    assert item_scope(ctx.session, county).own_provider_ids == {orgs.county.id, orgs.county_dept.id}
    assert item_scope(ctx.session, city).all_items
    assert not item_scope(ctx.session, auditor).sees("draft", orgs.dept.id)
    assert not item_scope(ctx.session, None, public=True).sees("in_review", orgs.dept.id)
