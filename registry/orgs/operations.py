"""Creating and changing organisations."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from registry.accounts.permissions import require
from registry.audit.operations import record_event
from registry.catalog.rules import is_valid_org_identifier
from registry.core.context import Context
from registry.core.errors import FieldError, NotFound, ValidationError
from registry.orgs.models import ALLOWED_PARENT_LEVELS, Organisation, OrgLevel

_LEVEL_BY_LABEL = {**{l.value: l for l in OrgLevel}, **{l.label: l for l in OrgLevel}}


def get_org(ctx: Context, code: str) -> Organisation:
    org = ctx.session.scalar(select(Organisation).where(Organisation.code == code.strip().upper()))
    if org is None:
        raise NotFound(f"没有代码为“{code}”的机构")
    return org


def create_org(ctx: Context, data: dict[str, Any]) -> Organisation:
    """Register an organisation under its parent; the code must be a valid USCC, org code or region code."""
    require(ctx.actor, "org:manage")
    errors: list[FieldError] = []
    code = str(data.get("code") or "").strip().upper()
    name = str(data.get("name") or "").strip()
    level = _LEVEL_BY_LABEL.get(str(data.get("level") or "").strip())
    if not code:
        errors.append(FieldError("code", "必填，不能为空", "机构代码"))
    elif not is_valid_org_identifier(code):
        errors.append(FieldError("code", f"“{code}”不是有效的统一社会信用代码、组织机构代码或行政区划代码", "机构代码"))
    elif ctx.session.scalar(select(Organisation.id).where(Organisation.code == code)):
        errors.append(FieldError("code", f"机构代码“{code}”已存在", "机构代码"))
    if not name:
        errors.append(FieldError("name", "必填，不能为空", "机构名称"))
    if level is None:
        errors.append(FieldError("level", "层级应为：市级、县（区）级、部门、内设机构", "层级"))
    parent = None
    if data.get("parent"):
        parent = data["parent"] if isinstance(data["parent"], Organisation) else ctx.session.scalar(
            select(Organisation).where(Organisation.code == str(data["parent"]).strip().upper()))
        if parent is None:
            errors.append(FieldError("parent", f"找不到上级机构“{data['parent']}”", "上级机构"))
    if level is not None and not errors and (parent.level if parent else None) not in ALLOWED_PARENT_LEVELS[level]:
        errors.append(FieldError("parent", f"“{level.label}”不能隶属于“{parent.level.label if parent else '（无）'}”", "上级机构"))
    catalog_code = str(data.get("catalog_code") or "").strip() or None
    if catalog_code and not catalog_code.isdigit():
        errors.append(FieldError("catalog_code", "目录编码段应为数字", "目录编码段"))
    if errors:
        raise ValidationError(errors)
    org = Organisation(
        code=code, name=name, level=level, parent=parent, short_name=data.get("short_name"),
        region_code=data.get("region_code") or (parent.region_code if parent else None), catalog_code=catalog_code,
        contact_name=data.get("contact_name"), contact_phone=data.get("contact_phone"), contact_email=data.get("contact_email"),
    )
    ctx.session.add(org)
    ctx.session.flush()
    record_event(ctx, "org:create", "organisation", org.code, {"name": name, "level": level.value, "parent": parent.code if parent else None})
    return org


def list_orgs(ctx: Context) -> list[Organisation]:
    """All organisations, parents before children, siblings by code."""
    orgs = list(ctx.session.scalars(select(Organisation).order_by(Organisation.code)))
    children: dict[int | None, list[Organisation]] = {}
    for org in orgs:
        children.setdefault(org.parent_id, []).append(org)
    ordered: list[Organisation] = []

    def walk(parent_id: int | None) -> None:
        for org in children.get(parent_id, []):
            ordered.append(org)
            walk(org.id)

    walk(None)
    return ordered
