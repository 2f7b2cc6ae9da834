"""The compilers' item form, generated from the declarative schema.

:func:`element_input` turns one :class:`ElementSpec` into one input; the item
form is its elements plus a table of 信息项 rows. :func:`parse_item_form`
reads a posted form back into the ``data`` the catalog operations take, and
remembers which table row each field came from so a validation error on
``fields[2].data_type`` lands in the right cell.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from registry.catalog.schema import FIELD_ELEMENTS, ITEM_ELEMENTS, ElementSpec
from registry.catalog.validation import vocabulary
from registry.core.errors import FieldError
from registry.orgs.models import Organisation, OrgLevel
from registry.profiles import Profile

_WIDGETS = {"longtext": "textarea", "vocab": "select", "org": "select", "bool": "checkbox", "date": "date"}
_ROW_KEY = re.compile(r"^fields-(\w+)-(\w+)$")
#: The token of the hidden blank row the "添加信息项" button clones.
BLANK_ROW = "__row__"


@dataclass
class Input:
    """One rendered form control: what the template needs to draw an element."""

    spec: ElementSpec
    name: str
    widget: str
    value: Any = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class FieldRow:
    """One 信息项 row of the table; ``token`` names its inputs, ``field_id`` keeps an existing field's id."""

    token: str
    field_id: int | None
    inputs: list[Input]


@dataclass
class OrgChoices:
    """Who the user may name as 提供方 and 提供方内部部门."""

    providers: list[Organisation]
    units: list[Organisation]


@dataclass
class ItemForm:
    elements: list[Input]
    rows: list[FieldRow]
    blank_row: FieldRow
    errors: list[FieldError] = field(default_factory=list)
    table_errors: list[str] = field(default_factory=list)
    version: int | None = None
    reason: str = ""


@dataclass
class Submission:
    """A posted form: the operations' ``data``, the raw values to show again, and row tokens by list position."""

    data: dict[str, Any]
    item_values: dict[str, Any]
    rows: list[tuple[str, int | None, dict[str, Any]]]
    expected_version: int | None = None
    reason: str = ""


def _org_label(org: Organisation) -> str:
    return f"　{org.name}" if org.level is OrgLevel.UNIT else org.name


def _options(spec: ElementSpec, profile: Profile, orgs: OrgChoices | None) -> list[tuple[str, str]]:
    blank = [] if spec.required else [("", gettext("（未填）"))]
    if spec.kind == "vocab":
        return blank + [(t.value, t.label) for t in vocabulary(profile, spec.vocab or spec.key).terms]
    if spec.kind == "org":
        choices = (orgs.units if spec.key == "provider_unit" else orgs.providers) if orgs else []
        return blank + [(o.code, _org_label(o)) for o in choices]
    return []


def element_input(spec: ElementSpec, profile: Profile, value: Any, name: str, orgs: OrgChoices | None = None,
                  errors: list[str] | None = None) -> Input:
    """The control for one element: a select of the profile's labels for vocabularies, a textarea for long text…"""
    return Input(spec, name, _WIDGETS.get(spec.kind, "text"), display(spec, value), _options(spec, profile, orgs), list(errors or ()))


def display(spec: ElementSpec, value: Any) -> Any:
    """A stored or posted value as the form shows it (organisations by code, lists joined, dates ISO)."""
    if spec.kind == "bool":
        return bool(value)
    if value is None:
        return ""
    if isinstance(value, Organisation):
        return value.code
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return getattr(value, "value", value)


def build_form(profile: Profile, orgs: OrgChoices, item_values: dict[str, Any], rows: list[tuple[str, int | None, dict[str, Any]]],
               errors: list[FieldError] = (), editing: bool = False) -> ItemForm:
    """The form for ``item_values`` and its field ``rows``, with ``errors`` placed next to their elements."""
    by_name = _errors_by_input(errors, [token for token, _, _ in rows])
    elements = [
        element_input(spec, profile, item_values.get(spec.key), spec.key, orgs, by_name.get(spec.key))
        for spec in ITEM_ELEMENTS if not (editing and spec.key == "code")
    ]
    return ItemForm(
        elements=elements,
        rows=[_row(profile, token, field_id, values, by_name) for token, field_id, values in rows],
        blank_row=_row(profile, BLANK_ROW, None, {}, {}),
        errors=list(errors),
        table_errors=by_name.get("fields", []),
    )


def _row(profile: Profile, token: str, field_id: int | None, values: dict[str, Any], by_name: dict[str, list[str]]) -> FieldRow:
    inputs = []
    for spec in FIELD_ELEMENTS:
        name = f"fields-{token}-{spec.key}"
        inputs.append(element_input(spec, profile, values.get(spec.key), name, errors=by_name.get(name)))
    return FieldRow(token, field_id, inputs)


def _errors_by_input(errors: list[FieldError], tokens: list[str]) -> dict[str, list[str]]:
    """Error messages by input name: ``fields[2].data_type`` is the third submitted row's data type cell."""
    out: dict[str, list[str]] = {}
    for error in errors:
        name = error.field
        if name.startswith("fields["):
            index, _, key = name[len("fields["):].partition("].")
            position = int(index) if index.isdigit() else -1
            name = f"fields-{tokens[position]}-{key}" if 0 <= position < len(tokens) and key else "fields"
        out.setdefault(name, []).append(error.message)
    return out


def rows_from_entry(entry: dict[str, Any]) -> list[tuple[str, int | None, dict[str, Any]]]:
    """The table rows of a stored entry (:func:`entry_values`), one token per field."""
    return [(str(i), f.get("id"), f) for i, f in enumerate(entry.get("fields") or [])]


def parse_item_form(form: MultiDict, editing: bool = False) -> Submission:
    """Read a posted item form into ``data`` for :func:`create_item` / :func:`update_item`.

    Rows keep the order they had on the page; rows ticked for removal and new
    rows left entirely blank are dropped.
    """
    item_values: dict[str, Any] = {}
    for spec in ITEM_ELEMENTS:
        if editing and spec.key == "code":
            continue
        item_values[spec.key] = spec.key in form if spec.kind == "bool" else form.get(spec.key, "").strip()
    rows = [row for row in _posted_rows(form) if row is not None]
    data = {key: (value if value != "" else None) for key, value in item_values.items()}
    data["fields"] = [_field_data(field_id, values) for _, field_id, values in rows]
    version = form.get("expected_version", "")
    return Submission(data, item_values, rows, int(version) if version.isdigit() else None, form.get("reason", "").strip())


def _posted_rows(form: MultiDict) -> list[tuple[str, int | None, dict[str, Any]] | None]:
    tokens: list[str] = []
    for key in form:
        match = _ROW_KEY.match(key)
        if match and match.group(1) != BLANK_ROW and match.group(1) not in tokens:
            tokens.append(match.group(1))
    return [_posted_row(form, token) for token in tokens]


def _posted_row(form: MultiDict, token: str) -> tuple[str, int | None, dict[str, Any]] | None:
    prefix = f"fields-{token}-"
    if form.get(prefix + "remove"):
        return None
    raw_id = form.get(prefix + "id", "")
    field_id = int(raw_id) if raw_id.isdigit() else None
    values = {spec.key: (prefix + spec.key in form) if spec.kind == "bool" else form.get(prefix + spec.key, "").strip()
              for spec in FIELD_ELEMENTS}
    if field_id is None and not any(values.values()):
        return None  # an added row nobody filled in
    return token, field_id, values


def _field_data(field_id: int | None, values: dict[str, Any]) -> dict[str, Any]:
    data = {key: value for key, value in values.items() if value != ""}
    if field_id is not None:
        data["id"] = field_id
    return data
