"""Who may do what, declared per action from small predicates.

``actor is None`` means a system job or the operator's CLI, which act with
the authority's rights.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.models import Role, User
from registry.core.errors import PermissionDenied
from registry.orgs.models import Organisation, OrgLevel

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


def county_of(org: Organisation | None) -> Organisation | None:
    """The county an organisation sits in (itself for a county); ``None`` for city-level ones."""
    node = org
    while node is not None and node.level is not OrgLevel.COUNTY:
        node = node.parent
    return node


def reviews_county(actor: User | None, org: Organisation | None) -> bool:
    """A county reviewer reviews the catalog of the organisations in their own county."""
    if actor is None or org is None or actor.role is not Role.COUNTY_REVIEWER:
        return False
    county = county_of(org)
    return county is not None and county.id == getattr(county_of(actor.organisation), "id", None)


def reviews_city(actor: User | None, org: Organisation | None = None) -> bool:
    return actor is not None and actor.role is Role.CITY_REVIEWER


def any_of(*predicates: Predicate) -> Predicate:
    return lambda actor, org: any(p(actor, org) for p in predicates)


#: action → who may perform it on an organisation's catalog.
PERMISSIONS: dict[str, Predicate] = {
    "item:create": any_of(is_system, is_authority, compiles_for),
    "item:update": any_of(is_system, is_authority, compiles_for),
    "item:retire": any_of(is_system, is_authority, compiles_for),
    "item:submit": any_of(is_system, is_authority, compiles_for),
    # 突发公共事件时由提供方临时调整共享属性（binzhou §21），事后报主管部门备案。
    "item:emergency_share": any_of(is_system, is_authority, compiles_for),
    # Review levels: each decides at its own level only; the last level publishes.
    "review:county": any_of(is_system, reviews_county),
    "review:city": any_of(is_system, is_authority, reviews_city),
    "review:authority": any_of(is_system, is_authority),
    "item:publish": any_of(is_system, is_authority, reviews_city),
    "change:approve": any_of(is_system, is_authority, reviews_city),
    "change:decide_authority": any_of(is_system, is_authority),
    # Any reviewer on the way may send a change back; only the last level lets it through.
    "change:reject": any_of(is_system, is_authority, reviews_city, reviews_county),
    "org:manage": any_of(is_system, is_authority),
    "user:manage": any_of(is_system, lambda a, o: a is not None and a.role is Role.SYSTEM_ADMIN),
    "audit:read": any_of(is_system, lambda a, o: a is not None and a.role is Role.AUDIT_ADMIN),
    # Lockouts and failed sign-ins are the security administrator's (三员分立), not the system administrator's.
    "account:unlock": any_of(is_system, lambda a, o: a is not None and a.role is Role.SECURITY_ADMIN),
}

_REFUSALS = {
    "item:create": "您只能为本单位编制目录",
    "item:update": "您只能修改本单位的目录",
    "item:retire": "您只能注销本单位的目录",
    "item:submit": "您只能提交本单位的目录",
    "item:emergency_share": "您只能调整本单位目录的共享属性",
    "review:county": "此条目不在您所在县（区）的审核范围内",
    "review:city": "只有市级审核员或数据主管部门可以进行市级审核",
    "review:authority": "此变更须数据主管部门批准",
    "item:publish": "只有市级审核员或数据主管部门可以发布目录",
    "change:approve": "只有市级审核员或数据主管部门可以批准目录变更",
    "change:decide_authority": "此变更须数据主管部门批准",
    "change:reject": "您无权退回此目录变更",
    "org:manage": "只有数据主管部门可以维护机构",
    "user:manage": "只有系统管理员可以管理用户",
    "audit:read": "只有审计管理员可以查看审计日志",
    "account:unlock": "只有安全管理员可以解锁账号",
}


def declare(action: str, predicate: Predicate, refusal: str) -> None:
    """Let a domain add its own actions (``share:decide`` …) beside the catalog's, with the Chinese refusal."""
    PERMISSIONS[action] = predicate
    _REFUSALS[action] = refusal


def can(actor: User | None, action: str, org: Organisation | None = None) -> bool:
    return PERMISSIONS[action](actor, org)


def require(actor: User | None, action: str, org: Organisation | None = None) -> None:
    if not can(actor, action, org):
        raise PermissionDenied(_REFUSALS.get(action, "无权执行此操作"))


# -- what a user may see -------------------------------------------------------

#: Statuses whose (published) version everyone may read.
PUBLIC_STATUSES = frozenset({"published", "change_pending"})


@dataclass(frozen=True)
class ItemScope:
    """Which catalog items a reader sees: every published one, plus drafts and
    other unpublished states of ``own_provider_ids`` (or of all, with ``all_items``)."""

    all_items: bool = False
    own_provider_ids: frozenset[int] = frozenset()

    def sees(self, status: str, provider_id: int) -> bool:
        return status in PUBLIC_STATUSES or self.sees_unpublished_of(provider_id)

    def sees_unpublished_of(self, provider_id: int) -> bool:
        """Whether drafts, proposals and other unpublished work of this provider are the reader's to see."""
        return self.all_items or provider_id in self.own_provider_ids


PUBLIC_SCOPE = ItemScope()


def item_scope(session: Session, actor: User | None, public: bool = False) -> ItemScope:
    """The scope of an actor; ``public`` for anonymous readers (``actor=None`` alone means a system job)."""
    if public:
        return PUBLIC_SCOPE
    if actor is None or actor.role in (Role.AUTHORITY_ADMIN, Role.CITY_REVIEWER):
        return ItemScope(all_items=True)
    if actor.role is Role.COMPILER:
        return ItemScope(own_provider_ids=frozenset(subtree_ids(session, actor.organisation.department.id)))
    if actor.role is Role.COUNTY_REVIEWER:
        county = county_of(actor.organisation)  # a county reviewer placed outside any county sees no drafts
        return ItemScope(own_provider_ids=frozenset(subtree_ids(session, county.id))) if county else PUBLIC_SCOPE
    return PUBLIC_SCOPE  # the separated administrators do no catalog work


def subtree_ids(session: Session, root_id: int) -> set[int]:
    ids, frontier = {root_id}, [root_id]
    while frontier:
        frontier = list(session.scalars(select(Organisation.id).where(Organisation.parent_id.in_(frontier))))
        ids.update(frontier)
    return ids
