"""Who may do what, declared per action from small predicates.

``actor is None`` means a system job or the operator's CLI, which act with
the authority's rights. The review workflow adds its own actions here.
"""
from __future__ import annotations

from collections.abc import Callable

from registry.accounts.models import Role, User
from registry.core.errors import PermissionDenied
from registry.orgs.models import Organisation

Predicate = Callable[[User | None, Organisation | None], bool]

CATALOG_ROLES = {Role.COMPILER, Role.COUNTY_REVIEWER, Role.CITY_REVIEWER, Role.AUTHORITY_ADMIN}


def is_system(actor: User | None, org: Organisation | None = None) -> bool:
    return actor is None


def is_authority(actor: User | None, org: Organisation | None = None) -> bool:
    return actor is not None and actor.role is Role.AUTHORITY_ADMIN


def compiles_for(actor: User | None, org: Organisation | None) -> bool:
    """A compiler works on their own department's catalog (and its internal units')."""
    if actor is None or org is None or actor.role is not Role.COMPILER:
        return False
    return org.department.id == actor.organisation.department.id


def any_of(*predicates: Predicate) -> Predicate:
    return lambda actor, org: any(p(actor, org) for p in predicates)


#: action → who may perform it on an organisation's catalog.
PERMISSIONS: dict[str, Predicate] = {
    "item:create": any_of(is_system, is_authority, compiles_for),
    "item:update": any_of(is_system, is_authority, compiles_for),
    "item:retire": any_of(is_system, is_authority, compiles_for),
    "change:decide": any_of(is_system, is_authority),
    "change:decide_authority": any_of(is_system, is_authority),
    "org:manage": any_of(is_system, is_authority),
    "user:manage": any_of(is_system, lambda a, o: a is not None and a.role is Role.SYSTEM_ADMIN),
}

_REFUSALS = {
    "item:create": "您只能为本单位编制目录",
    "item:update": "您只能修改本单位的目录",
    "item:retire": "您只能注销本单位的目录",
    "change:decide": "您无权审批目录变更",
    "change:decide_authority": "此变更须数据主管部门批准",
    "org:manage": "只有数据主管部门可以维护机构",
    "user:manage": "只有系统管理员可以管理用户",
}


def can(actor: User | None, action: str, org: Organisation | None = None) -> bool:
    return PERMISSIONS[action](actor, org)


def require(actor: User | None, action: str, org: Organisation | None = None) -> None:
    if not can(actor, action, org):
        raise PermissionDenied(_REFUSALS.get(action, "无权执行此操作"))
