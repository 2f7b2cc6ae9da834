"""What a share request may name: the item's fields (信息项) and the profile's sharing modes.

Pure checks on an item and a profile; each wrong value becomes its own
:class:`FieldError`, so a form or an API response can list them all at once.
"""
from __future__ import annotations

from dataclasses import dataclass

from registry.catalog.models import CatalogItem, ShareType
from registry.core.errors import FieldError
from registry.profiles import Profile, normalise_label

FIELDS_LABEL = "申请信息项"


def share_label(profile: Profile, share_type: ShareType | None) -> str:
    """The profile's name of a share type (专用类, 暂不共享 …); the national name where the profile has none."""
    if share_type is None:
        return ""
    term = profile.vocab("share_type").term(share_type.value)
    return term.label if term else share_type.label


def field_tokens(raw: object) -> list[str]:
    """Field choices as sent: a list (checkboxes, JSON) taken as it is, or text split by lines or commas."""
    if raw is None:
        return []
    if isinstance(raw, (list, tuple, set)):
        return [str(value).strip() for value in raw if str(value).strip()]
    text = str(raw)
    for separator in ("\n", "，", "、", ";", "；"):
        text = text.replace(separator, ",")
    return [token.strip() for token in text.split(",") if token.strip()]


def resolve_fields(profile: Profile, item: CatalogItem, raw: object, *, key: str = "fields",
                   label: str = FIELDS_LABEL) -> tuple[list[str], list[FieldError]]:
    """The names of the item's fields chosen by name or position (序号), in the item's order, and the errors.

    A field the item shares not at all (field-level 不予共享) cannot be asked for.
    """
    by_name = {normalise_label(f.name): f for f in item.fields}
    by_technical = {normalise_label(f.technical_name): f for f in item.fields if f.technical_name}
    by_position = {f.position: f for f in item.fields}
    chosen, errors = {}, []
    for token in field_tokens(raw):
        field = by_position.get(int(token)) if token.isdigit() else None
        if token.isdigit() and field is None:
            errors.append(FieldError(key, f"序号 {token} 没有对应的信息项（该资源共 {len(item.fields)} 个信息项）", label))
            continue
        field = field or by_name.get(normalise_label(token)) or by_technical.get(normalise_label(token))
        if field is None:
            errors.append(FieldError(key, f"信息项“{token}”不在该资源的信息项中", label))
        elif field.share_type is ShareType.NOT_SHARED:
            errors.append(FieldError(key, f"信息项“{field.name}”为{share_label(profile, ShareType.NOT_SHARED)}，不能申请", label))
        else:
            chosen[field.position] = field.name
    if not chosen and not errors:
        errors.append(FieldError(key, "请至少选择一个信息项", label))
    return [chosen[p] for p in sorted(chosen)], errors


def subset_of(allowed: list[str], raw: object, *, key: str, label: str, outside: str) -> tuple[list[str], list[FieldError]]:
    """Names from ``raw`` that are all in ``allowed`` (kept in ``allowed``'s order); ``outside`` says why one is not."""
    wanted = {normalise_label(name): name for name in allowed}
    chosen, errors = set(), []
    for token in field_tokens(raw):
        name = wanted.get(normalise_label(token))
        if name is None:
            errors.append(FieldError(key, f"信息项“{token}”{outside}", label))
        else:
            chosen.add(name)
    if not chosen and not errors:
        errors.append(FieldError(key, "请至少选择一个信息项", label))
    return [name for name in allowed if name in chosen], errors


@dataclass(frozen=True)
class SharingMode:
    """A share method class and one of its types, from the profile's ``share_method`` vocabulary."""

    method_class: str
    method_type: str
    label: str

    def as_data(self) -> dict[str, str]:
        return {"class": self.method_class, "type": self.method_type, "label": self.label}


def sharing_modes(profile: Profile) -> list[SharingMode]:
    """Every class · type pair the profile allows (共享平台方式 · 接口 …)."""
    return [SharingMode(c.value, t.value, f"{c.label} · {t.label}")
            for c in profile.vocab("share_method").terms for t in c.children]


def resolve_mode(profile: Profile, raw: object, *, key: str = "mode", label: str = "共享方式") -> tuple[SharingMode | None, list[FieldError]]:
    """A sharing mode written ``class:type`` (values or labels) or as a type alone; errors name the values allowed."""
    text = str(raw or "").strip()
    if not text:
        return None, [FieldError(key, "请选择共享方式", label)]
    modes = sharing_modes(profile)
    method_class, _, method_type = text.replace("：", ":").rpartition(":")
    if method_class:
        class_value = profile.vocab("share_method").resolve(method_class)
        type_value = profile.share_method_types(class_value).resolve(method_type) if class_value else None
        found = next((m for m in modes if (m.method_class, m.method_type) == (class_value, type_value)), None)
    else:
        type_value = profile.all_share_method_types().resolve(method_type)
        found = next((m for m in modes if m.method_type == type_value), None)
    if found is None:
        allowed = "、".join(m.label for m in modes)
        return None, [FieldError(key, f"“{text}”不是本辖区的共享方式，可选：{allowed}", label)]
    return found, []


def method_of(profile: Profile, raw: object) -> str | None:
    """The canonical share method type (api, media …) for a value or label; ``None`` if unknown."""
    return profile.all_share_method_types().resolve(raw) if raw not in (None, "") else None
