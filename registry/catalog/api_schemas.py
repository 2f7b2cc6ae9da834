"""The API's item and field schemas, generated from the element specs like the forms and the template."""
from __future__ import annotations

import marshmallow as ma

from registry.api.fields import Timestamp
from registry.catalog.models import ItemStatus, ShareType
from registry.catalog.schema import FIELD_ELEMENTS, ITEM_ELEMENTS, ElementSpec


def _field(spec: ElementSpec, output: bool) -> ma.fields.Field:
    """One element as a marshmallow field; vocabularies take the profile's values or labels (the service checks)."""
    description = spec.label + (f"：{spec.help}" if spec.help else "")
    if spec.vocab:
        description += f"（词表 {spec.vocab}：规范值或中文名称均可）" if not output else f"（词表 {spec.vocab} 的规范值）"
    meta = {"metadata": {"description": description}, "allow_none": not (output and spec.required)}
    kinds = {
        "date": lambda: ma.fields.Date(**meta),
        "bool": lambda: ma.fields.Boolean(**meta),
        "int": lambda: ma.fields.Integer(**meta),
        "float": lambda: ma.fields.Float(allow_nan=False, **meta),
        "list": lambda: ma.fields.List(ma.fields.String(), **meta),
    }
    if spec.kind in kinds:
        return kinds[spec.kind]()
    if spec.kind == "org":
        meta["metadata"]["description"] = f"{spec.label}（机构代码或全称）"
    length = {"validate": ma.validate.Length(max=spec.max_length)} if spec.max_length and not output else {}
    return ma.fields.String(**meta, **length)


def _schema(name: str, specs: tuple[ElementSpec, ...], output: bool, extra: dict) -> type[ma.Schema]:
    fields = {spec.key: _field(spec, output) for spec in specs}
    fields.update(extra)
    return type(name, (ma.Schema,), {**fields, "Meta": type("Meta", (), {"ordered": True})})


FieldSchema = _schema("FieldSchema", FIELD_ELEMENTS, True, {
    "id": ma.fields.Integer(metadata={"description": "信息项编号（修改时带上以保留）"}),
    "position": ma.fields.Integer(metadata={"description": "序号"}),
})
FieldInSchema = _schema("FieldInSchema", FIELD_ELEMENTS, False, {
    "id": ma.fields.Integer(allow_none=True, metadata={"description": "已有信息项的编号；新信息项不填"}),
})
# The name is required in the specs; a missing one is the service's Chinese error, not a schema error.
FieldInSchema._declared_fields["name"].required = False


class OrgRefSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()


class ItemLinksSchema(ma.Schema):
    self = ma.fields.String()
    fields = ma.fields.String()
    history = ma.fields.String()
    review = ma.fields.String()


ItemSchema = _schema("ItemSchema", tuple(s for s in ITEM_ELEMENTS if s.kind != "org"), True, {
    "provider": ma.fields.Nested(OrgRefSchema),
    "provider_unit": ma.fields.Nested(OrgRefSchema, allow_none=True),
    "status": ma.fields.String(metadata={"description": "draft submitted in_review published change_pending retired"}),
    "status_label": ma.fields.String(),
    "version": ma.fields.Integer(metadata={"description": "版本号，即 ETag 中 @ 后的数字"}),
    "created_at": Timestamp(),
    "updated_at": Timestamp(),
    "published_at": Timestamp(allow_none=True),
    "fields": ma.fields.List(ma.fields.Nested(FieldSchema)),
    "links": ma.fields.Nested(ItemLinksSchema),
})

ItemInSchema = _schema("ItemInSchema", ITEM_ELEMENTS, False, {
    "fields": ma.fields.List(ma.fields.Nested(FieldInSchema), metadata={"description": "完整的信息项列表（修改时即替换为此列表）"}),
    "reason": ma.fields.String(load_default=None, allow_none=True, metadata={"description": "变更理由（记入历史）"}),
})
for _spec in ITEM_ELEMENTS:
    ItemInSchema._declared_fields[_spec.key].required = False


class ChangeSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "create update retire"})
    state = ma.fields.String(metadata={"description": "applied pending rejected withdrawn"})
    base_version = ma.fields.Integer()
    diff = ma.fields.Dict(metadata={"description": "字段级差异 {item: {键: [旧, 新]}, fields: {added, removed, changed}}"})
    reason = ma.fields.String(allow_none=True)
    requires_authority = ma.fields.Boolean()
    actor = ma.fields.String(allow_none=True)
    created_at = Timestamp()
    decided_at = Timestamp(allow_none=True)
    decision_reason = ma.fields.String(allow_none=True)


class WriteResultSchema(ma.Schema):
    item = ma.fields.Nested(ItemSchema)
    diff = ma.fields.Dict(metadata={"description": "本次写入的字段级差异（无变化为空）"})
    pending = ma.fields.Boolean(metadata={"description": "已发布条目的修改：已形成待审变更，发布版本保持不变"})
    change_id = ma.fields.Integer(allow_none=True)


class ReasonSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))


class ItemListArgs(ma.Schema):
    status = ma.fields.String(load_default="", validate=ma.validate.OneOf(["", *(s.value for s in ItemStatus)]))
    share_type = ma.fields.String(load_default="", validate=ma.validate.OneOf(["", *(s.value for s in ShareType)]))
    class_code = ma.fields.String(load_default="", validate=ma.validate.OneOf(["", "1", "2", "3"]))
    provider = ma.fields.String(load_default="", metadata={"description": "提供方机构代码"})
    q = ma.fields.String(load_default="", validate=ma.validate.Length(max=100), metadata={"description": "名称或代码包含"})
    sort = ma.fields.String(load_default="-updated", validate=ma.validate.OneOf(
        ["updated", "-updated", "code", "-code", "name", "-name"]))
