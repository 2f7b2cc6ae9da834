"""The account operations behind the screens: who may do what, and the rules a screen cannot bypass."""
from __future__ import annotations

import pytest

from registry.accounts.models import Role
from registry.accounts.operations import (
    UserFilter,
    create_user,
    list_users,
    reset_password,
    unlock_user,
    update_user,
)
from registry.audit.models import AuditEvent
from registry.core.context import Context
from registry.core.errors import ConflictError, PermissionDenied, ValidationError

PASSWORD = "Guanli#2026"


def as_(ctx: Context, user) -> Context:
    return Context(session=ctx.session, profile=ctx.profile, actor=user)


def test_the_last_active_system_admin_cannot_be_removed_even_from_the_cli(ctx, orgs):
    admin = create_user(ctx, "xitong", "system_admin", orgs.city.code, PASSWORD)
    with pytest.raises(ValidationError) as refused:
        update_user(ctx, admin, is_active=False)  # ctx.actor is None: the operator's CLI
    assert refused.value.by_field() == {"role": ["须至少保留一名启用的系统管理员"]}
    second = create_user(ctx, "xitong2", "system_admin", orgs.city.code, PASSWORD)
    assert update_user(as_(ctx, second), admin, role="audit_admin") == {"role": ["system_admin", "audit_admin"]}
    assert admin.role is Role.AUDIT_ADMIN


def test_unknown_role_and_organisation_are_field_errors_and_nothing_changes(ctx, orgs):
    user = create_user(ctx, "bianmu", "compiler", orgs.dept.code, PASSWORD)
    with pytest.raises(ValidationError) as refused:
        update_user(ctx, user, role="superuser", org_code="NOPE", display_name="王" * 61)
    assert set(refused.value.by_field()) == {"role", "org", "display_name"}
    assert user.role is Role.COMPILER and user.organisation is orgs.dept
    assert update_user(ctx, user, role="compiler", org_code=orgs.dept.code) == {}  # no change, no event
    assert ctx.session.query(AuditEvent).filter_by(tag="user:update").count() == 0


def test_separated_duties_system_admin_cannot_unlock_and_security_admin_cannot_manage_users(ctx, orgs):
    system = create_user(ctx, "xitong", "system_admin", orgs.city.code, PASSWORD)
    security = create_user(ctx, "anquan", "security_admin", orgs.city.code, PASSWORD)
    user = create_user(ctx, "bianmu", "compiler", orgs.dept.code, PASSWORD)
    user.failed_logins = 3
    with pytest.raises(PermissionDenied, match="只有安全管理员可以解锁账号"):
        unlock_user(as_(ctx, system), user)
    for write in (lambda c: update_user(c, user, is_active=False), lambda c: reset_password(c, user, "Xinmima#2026"),
                  lambda c: list_users(c)):
        with pytest.raises(PermissionDenied, match="只有系统管理员可以管理用户"):
            write(as_(ctx, security))
    unlock_user(as_(ctx, security), user)
    assert user.failed_logins == 0
    with pytest.raises(ConflictError):
        unlock_user(as_(ctx, security), user)


def test_reset_password_never_logs_the_password(ctx, orgs):
    user = create_user(ctx, "bianmu", "compiler", orgs.dept.code, PASSWORD)
    reset_password(ctx, user, "Xinmima#2026")
    event = ctx.session.query(AuditEvent).filter_by(tag="user:reset_password").one()
    assert "Xinmima" not in str(event.data) and event.object_id == "bianmu"


def test_list_users_filters(ctx, orgs):
    create_user(ctx, "bianmu", "compiler", orgs.dept.code, PASSWORD, display_name="王芳")
    inactive = create_user(ctx, "bianmu2", "compiler", orgs.other_dept.code, PASSWORD)
    create_user(ctx, "shenhe", "county_reviewer", orgs.county.code, PASSWORD)
    update_user(ctx, inactive, is_active=False)

    def names(flt: UserFilter) -> list[str]:
        return [u.username for u in list_users(ctx, flt)[0]]

    assert names(UserFilter(role=Role.COMPILER)) == ["bianmu", "bianmu2"]
    assert names(UserFilter(role=Role.COMPILER, active=True)) == ["bianmu"]
    assert names(UserFilter(org_id=orgs.county.id)) == ["shenhe"]
    assert names(UserFilter(text="王")) == ["bianmu"]
    assert list_users(ctx, UserFilter(active=False))[1] == 1
