"""Turn user input into clean catalog values, or say in Chinese what is wrong.

Input may use canonical codes or any label or synonym the active profile
knows (有条件 / 有条件共享 / conditional); output uses canonical codes. Every
problem becomes a :class:`FieldError` naming the element, so the same
validation serves forms, API requests and spreadsheet rows alike.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.catalog import rules
from registry.catalog.models import DataType, IdentifierKind
from registry.catalog.schema import FIELD_BY_KEY, FIELD_ELEMENTS, ITEM_BY_KEY, ITEM_ELEMENTS, ElementSpec
from registry.core.errors import FieldError
from registry.orgs.models import Organisation
from registry.profiles import Profile, Term, Vocabulary

_LIST_SPLIT = re.compile(r"[、,，;；\n]+")
_EXCEL_EPOCH = date(1899, 12, 30)
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_TRUE = {"是", "y", "yes", "true", "1", "√", "有", "涉及", "敏感", "涉密"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", "不涉及", "非敏感", "非涉密", ""}

# Built-in vocabularies that do not vary by jurisdiction.
_DATA_TYPE_SYNONYMS = {
    "C": ("字符串", "字符串型", "文本", "字符", "varchar", "char", "string"),
    "N": ("数值", "数字型", "高精度型", "decimal", "numeric", "number"),
    "Y": ("货币",),
    "D": ("日期", "date"),
    "T": ("日期时间", "时间型", "datetime", "timestamp"),
    "L": ("逻辑", "布尔型", "布尔", "boolean"),
    "M": ("备注", "text", "clob"),
    "G": ("通用", "blob", "二进制"),
    "B": ("双精度", "double"),
    "I": ("整型", "整数型", "整数", "int", "integer", "bigint"),
    "F": ("浮点", "小数型", "float", "real"),
}
DATA_TYPE_VOCAB = Vocabulary(
    "data_type",
    tuple(
        Term(t.value, t.label, (f"{t.label}{t.value}", f"{t.label}（{t.value}）", *_DATA_TYPE_SYNONYMS[t.value]))
        for t in DataType
    ),
)
IDENTIFIER_KIND_VOCAB = Vocabulary(
    "identifier_kind", tuple(Term(k.value, k.label, ("身份证号",) if k is IdentifierKind.CITIZEN_ID else ()) for k in IdentifierKind)
)


_SHARE_METHOD_TYPES: dict[str, Vocabulary] = {}


def vocabulary(profile: Profile, name: str) -> Vocabulary:
    if name == "data_type":
        return DATA_TYPE_VOCAB
    if name == "identifier_kind":
        return IDENTIFIER_KIND_VOCAB
    if name == "share_method_type":
        # Built from the share-method tree; cached because it is asked for on every entry.
        if profile.name not in _SHARE_METHOD_TYPES:
            _SHARE_METHOD_TYPES[profile.name] = profile.all_share_method_types()
        return _SHARE_METHOD_TYPES[profile.name]
    return profile.vocab(name)


@dataclass
class CleanEntry:
    """A validated item with its fields, in canonical values."""

    item: dict[str, Any]
    fields: list[dict[str, Any]]
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class OrgResolver:
    """Finds organisations by object, id, code or name, remembering what it found."""

    def __init__(self, session: Session):
        self.session = session
        self._cache: dict[object, Organisation | None] = {}

    def __call__(self, value: object) -> Organisation | None:
        if isinstance(value, Organisation):
            return value
        key = value
        if key not in self._cache:
            self._cache[key] = self._find(value)
        return self._cache[key]

    def _find(self, value: object) -> Organisation | None:
        if isinstance(value, int):
            return self.session.get(Organisation, value)
        text = unicodedata.normalize("NFKC", str(value)).strip()
        found = self.session.scalar(select(Organisation).where(Organisation.code == text.upper()))
        return found or self.session.scalar(
            select(Organisation).where((Organisation.name == text) | (Organisation.short_name == text))
        )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    # Free text is kept as typed (full-width punctuation is correct Chinese);
    # the importers fold stray full-width letters before they get here.
    return str(value).strip()


def coerce_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel serials up to 9999-12-31
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            return date(*(int(g) for g in match.groups()))
    if text.replace(".", "", 1).isdigit():
        return coerce_date(float(text))
    raise ValueError


def coerce_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError


def coerce_number(value: object, integer: bool) -> int | float:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)):
        number = value
    else:
        number = float(unicodedata.normalize("NFKC", str(value)).replace(",", "").strip())
    if number < 0 or number != number:  # negative or NaN
        raise ValueError
    if integer:
        if float(number) != int(number):
            raise ValueError
        return int(number)
    return float(number)


def coerce_list(value: object) -> list[str]:
    items = value if isinstance(value, (list, tuple)) else _LIST_SPLIT.split(str(value))
    return [s for s in (unicodedata.normalize("NFKC", str(v)).strip() for v in items) if s]


def _coerce(spec: ElementSpec, value: object, profile: Profile, orgs: OrgResolver | None, where: str) -> tuple[Any, FieldError | None]:
    def error(message: str) -> tuple[Any, FieldError]:
        return None, FieldError(where, message, spec.label)

    if _blank(value) or (isinstance(value, (list, tuple)) and not value):
        if spec.required:
            return error("必填，不能为空")
        return ([] if spec.kind == "list" else False if spec.kind == "bool" else None), None
    kind = spec.kind
    try:
        if kind in ("text", "longtext"):
            text = _text(value)
            if spec.max_length and len(text) > spec.max_length:
                return error(f"不能超过{spec.max_length}个字符（现有{len(text)}个）")
            return text, None
        if kind == "vocab":
            vocab = vocabulary(profile, spec.vocab or spec.key)
            resolved = vocab.resolve(value)
            if resolved is None:
                return error(f"“{_short(value)}”不是本辖区允许的值；可选：{'、'.join(vocab.labels())}")
            return resolved, None
        if kind == "date":
            return coerce_date(value), None
        if kind == "bool":
            return coerce_bool(value), None
        if kind in ("int", "float"):
            number = coerce_number(value, kind == "int")
            limit = spec.max_value or (2**31 - 1 if kind == "int" else 1e15)
            if number > limit:
                return error(f"“{_short(value)}”过大，不能超过 {limit:,.0f}")
            if spec.min_value is not None and number < spec.min_value:
                return error(f"“{_short(value)}”过小，不能小于 {spec.min_value:,.0f}")
            return number, None
        if kind == "list":
            return coerce_list(value), None
        if kind == "org":
            org = value if isinstance(value, Organisation) else orgs(value) if orgs else None
            if org is None:
                return error(f"找不到机构“{_short(value)}”；请填写已登记机构的代码或全称")
            return org, None
    except (ValueError, TypeError, OverflowError):
        return error(_KIND_HINTS[kind].format(value=_short(value)))
    raise AssertionError(f"unknown element kind {kind}")


_KIND_HINTS: dict[str, str] = {
    "date": "“{value}”不是有效日期；请写成 2024-03-01 的形式",
    "bool": "“{value}”应填“是”或“否”",
    "int": "“{value}”应为不小于 0 的整数",
    "float": "“{value}”应为不小于 0 的数字（不带单位）",
}


def _short(value: object, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def clean_item_values(data: dict[str, Any], profile: Profile, orgs: OrgResolver | None, only: set[str] | None = None) -> tuple[dict[str, Any], list[FieldError]]:
    """Coerce item elements present in ``data`` (all elements unless ``only`` is given)."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    unknown = set(data) - set(ITEM_BY_KEY) - {"fields", "reason"}
    errors += [FieldError(k, "不是目录条目的元素，请检查名称", k) for k in sorted(unknown)]
    for spec in ITEM_ELEMENTS:
        if only is not None and spec.key not in only:
            continue
        value, error = _coerce(spec, data.get(spec.key), profile, orgs, spec.key)
        if error:
            errors.append(error)
        else:
            values[spec.key] = value
    return values, errors


_FIELD_DEFAULTS = {spec.key: (False if spec.kind == "bool" else None) for spec in FIELD_ELEMENTS}
_FIELD_REQUIRED = [spec for spec in FIELD_ELEMENTS if spec.required]


def clean_fields(raw_fields: list[dict[str, Any]], profile: Profile) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """Coerce every 信息项; positions follow the list order.

    Only the elements a field actually carries are coerced (the rest take
    their defaults): a province has two million fields, most of them sparse.
    """
    fields: list[dict[str, Any]] = []
    errors: list[FieldError] = []
    for index, raw in enumerate(raw_fields):
        where = f"fields[{index}]"
        clean: dict[str, Any] = {**_FIELD_DEFAULTS, "position": index + 1}
        for key, value in raw.items():
            spec = FIELD_BY_KEY.get(key)
            if spec is None:
                if key not in ("id", "position"):
                    errors.append(FieldError(f"{where}.{key}", "不是信息项的元素", key))
                elif key == "id" and value is not None:
                    clean["id"] = value
                continue
            if value is None:
                continue
            value, error = _coerce(spec, value, profile, None, f"{where}.{key}")
            if error:
                errors.append(FieldError(error.field, error.message, f"第{index + 1}个信息项的{spec.label}"))
            else:
                clean[key] = value
        for spec in _FIELD_REQUIRED:
            if _blank(clean.get(spec.key)) and not any(e.field == f"{where}.{spec.key}" for e in errors):
                errors.append(FieldError(f"{where}.{spec.key}", "必填，不能为空", f"第{index + 1}个信息项的{spec.label}"))
        fields.append(clean)
    return fields, errors


def validate_entry(
    data: dict[str, Any],
    profile: Profile,
    orgs: OrgResolver | None,
    previous: dict[str, Any] | None = None,
) -> CleanEntry:
    """Validate a whole entry (item elements + ``fields``) against the profile's rules.

    ``previous`` (the current values when updating) is merged under ``data``
    so partial updates are checked as the whole entry they would produce.
    """
    merged = {**(previous or {}), **data}
    raw_fields = merged.get("fields") or []
    values, errors = clean_item_values({k: v for k, v in merged.items() if k != "fields"}, profile, orgs)
    fields, field_errors = clean_fields(raw_fields, profile)
    errors += field_errors
    # Rules run on whatever was readable, so a compiler sees every problem at once;
    # an element that failed to read is not reported a second time by a rule.
    failed = {e.field for e in errors} | {e.field.split(".", 1)[0] for e in errors}
    errors += [e for e in rules.check_entry(values, fields, profile) if e.field not in failed]
    return CleanEntry(values, fields, errors)
