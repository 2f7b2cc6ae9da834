"""The facets users narrow by: their names, Chinese labels, and how filter values are read.

Facet values are the canonical codes the catalog stores (``conditional``,
``2.03``, an organisation code); labels come from the active profile, so a
jurisdiction that says 条件共享类 sees its own words.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from registry.catalog.models import ItemStatus
from registry.core.errors import ValidationError
from registry.core.i18n import N_
from registry.orgs.models import Organisation
from registry.profiles import Profile


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    vocab: str | None = None


FACETS: tuple[Facet, ...] = (
    Facet("provider", N_("提供方")),
    Facet("class_code", N_("目录类别")),
    Facet("class_item", N_("资源分类")),
    Facet("share_type", N_("共享类型"), "share_type"),
    Facet("open_type", N_("开放类型"), "open_type"),
    Facet("update_cycle", N_("更新周期"), "update_cycle"),
    Facet("format_class", N_("资源格式"), "format_class"),
    Facet("status", N_("状态")),
    Facet("security_grade", N_("安全级别"), "security_grade"),
)
FACET_BY_NAME = {f.name: f for f in FACETS}


def value_labels(profile: Profile, facet: str, values: list[str]) -> dict[str, str]:
    """Chinese labels of facet values other than organisations (see :func:`org_labels`)."""
    spec = FACET_BY_NAME[facet]
    if spec.vocab:
        vocab = profile.vocab(spec.vocab)
        return {v: vocab.label(v) for v in values}
    if facet == "status":
        return {v: ItemStatus(v).label if v in ItemStatus._value2member_map_ else v for v in values}
    if facet == "class_code":
        return {v: (profile.class_node(v).label if profile.class_node(v) else v) for v in values}
    if facet == "class_item":
        return {v: _class_item_label(profile, v) for v in values}
    return {v: v for v in values}


def _class_item_label(profile: Profile, value: str) -> str:
    class_code, _, item_code = value.partition(".")
    node = profile.class_node(class_code, item_code)
    return node.label if node else value


def resolve_filters(session: Session, profile: Profile, raw: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Check filter names and turn labels into canonical values (共享类型=有条件共享 → conditional).

    ``provider`` takes organisation codes and keeps them; :func:`provider_ids`
    expands them to the organisations below.
    """
    resolved: dict[str, tuple[str, ...]] = {}
    for name, values in raw.items():
        if name not in FACET_BY_NAME:
            raise ValidationError(f"未知的筛选项“{name}”；可用：{'、'.join(FACET_BY_NAME)}", field="filter")
        resolved[name] = tuple(dict.fromkeys(_resolve_value(profile, name, v) for v in values if v != ""))
    return {k: v for k, v in resolved.items() if v}


def _resolve_value(profile: Profile, facet: str, value: str) -> str:
    spec = FACET_BY_NAME[facet]
    if spec.vocab:
        return profile.vocab(spec.vocab).resolve(value) or value
    if facet == "status":
        by_label = {s.label: s.value for s in ItemStatus}
        return by_label.get(value, value)
    return value


def provider_ids(session: Session, codes: tuple[str, ...]) -> set[int]:
    """The organisations named by code and everything below them (a county means all its departments)."""
    roots = set(session.scalars(select(Organisation.id).where(Organisation.code.in_(codes))))
    found, frontier = set(roots), list(roots)
    while frontier:
        frontier = list(session.scalars(select(Organisation.id).where(Organisation.parent_id.in_(frontier))))
        frontier = [i for i in frontier if i not in found]
        found.update(frontier)
    return found


def org_labels(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    """id → (code, name) of the given organisations."""
    if not ids:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        # One statement text for any number of ids: an IN list is a new text (parsed by the driver and the
        # server anew) for each count, once per search.
        wanted = Organisation.id == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
    else:
        wanted = Organisation.id.in_(ids)
    rows = session.execute(select(Organisation.id, Organisation.code, Organisation.name).where(wanted))
    return {i: (code, name) for i, code, name in rows}
