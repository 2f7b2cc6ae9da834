"""Who may file, answer, review and see open-data requests, objections and corrections."""
from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from registry.accounts.models import Role, User
from registry.accounts.permissions import (
    CATALOG_ROLES,
    any_of,
    can,
    compiles_for,
    county_of,
    declare,
    is_authority,
    is_system,
    subtree_ids,
)
from registry.core.context import Context
from registry.orgs.models import Organisation, OrgLevel
from registry.requests.models import Request


def is_staff(actor: User | None, org: Organisation | None = None) -> bool:
    """Back-office staff doing catalog work (not the three separated administrators)."""
    return actor is not None and actor.role in CATALOG_ROLES


def answers_for_authority(actor: User | None, org: Organisation | None) -> bool:
    """A request about no catalog item is addressed to the data authority (the city), which answers it."""
    return is_authority(actor) and org is not None and org.level is OrgLevel.CITY


def same_department(actor: User | None, org: Organisation | None) -> bool:
    """The actor works in this organisation's department (the requester's side)."""
    return actor is not None and org is not None and actor.organisation.department.id == org.department.id


declare("feedback:record_public", any_of(is_system, is_staff), "只有工作人员可以代社会公众登记申请")
# nanyang §45–46: the producing department answers; the extension needs its head's consent, recorded in the reason.
declare("feedback:answer", any_of(is_system, compiles_for, answers_for_authority), "只有数据提供部门可以答复此申请")
# fuzhou §24: the data authority reviews an answer the requester disagrees with.
declare("feedback:review", any_of(is_system, is_authority), "只有数据主管部门可以复核答复")
declare("feedback:follow_up", any_of(is_system, is_authority, same_department), "只有申请方可以撤回或申请复核")
# nanyang §65: the producing department verifies and corrects at the source.
declare("correction:handle", any_of(is_system, compiles_for), "只有数据生产部门可以核实和更正纠错工单")
declare("correction:reassign", any_of(is_system, is_authority), "只有数据主管部门可以转交纠错工单")


def sees_all(actor: User | None) -> bool:
    """The data authority (its administrators and city reviewers) and system jobs see every ticket."""
    return actor is None or actor.role in (Role.AUTHORITY_ADMIN, Role.CITY_REVIEWER)


def visible_clause(ctx: Context) -> ColumnElement[bool] | None:
    """The requests the actor may see (``None``: all): those they filed, and those their department
    (or, for a county reviewer, their county) asked or must answer."""
    actor = ctx.actor
    if sees_all(actor):
        return None
    mine = Request.created_by_id == actor.id
    if actor.role is Role.COMPILER:
        root = actor.organisation.department
    elif actor.role is Role.COUNTY_REVIEWER:
        root = county_of(actor.organisation)
    else:
        root = None
    if root is None:
        return mine
    ids = subtree_ids(ctx.session, root.id)
    return or_(mine, Request.organisation_id.in_(ids), Request.requester_id.in_(ids))


def is_visible(ctx: Context, request: Request) -> bool:
    clause = visible_clause(ctx)
    if clause is None:
        return True
    return ctx.session.query(Request.id).filter(Request.id == request.id, clause).first() is not None


def is_filer(ctx: Context, request: Request) -> bool:
    """The one who filed it (or recorded it for a member of the public), or the requesting department."""
    actor = ctx.actor
    if actor is not None and request.created_by_id == actor.id:
        return True
    return can(actor, "feedback:follow_up", request.requester)
