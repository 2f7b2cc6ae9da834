"""Compiled dumping gives marshmallow's own result, value for value, or fails the same way."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import marshmallow as ma
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.api.dumping import FastDumpSchema, compiled
from registry.api.paging import page_of
from registry.catalog.api_schemas import FieldSchema, ItemSchema

ItemPage = page_of(ItemSchema)

_SCALARS = st.one_of(
    st.none(), st.text(max_size=8), st.integers(), st.floats(allow_nan=False), st.booleans(), st.binary(max_size=4),
    st.dates(), st.datetimes(), st.datetimes(timezones=st.just(timezone(timedelta(hours=8)))),
    st.lists(st.text(max_size=4), max_size=3),
)


def _body(schema: type[ma.Schema], values: st.SearchStrategy) -> st.SearchStrategy:
    """Dictionaries over the schema's keys: any may be missing, hold the expected type or a wrong one."""
    return st.fixed_dictionaries({}, optional={name: values for name in schema().dump_fields})


_FIELDS = _body(FieldSchema, _SCALARS)
_ORG = st.one_of(st.none(), st.fixed_dictionaries({}, optional={"code": _SCALARS, "name": _SCALARS, "extra": _SCALARS}))
_ITEM_VALUES = st.one_of(_SCALARS, st.lists(_FIELDS, max_size=3), _ORG)
_ITEM = _body(ItemSchema, _ITEM_VALUES).flatmap(
    lambda body: st.fixed_dictionaries({"fields": st.lists(_FIELDS, max_size=3), "provider": _ORG}).map(
        lambda nested: {**body, **nested}))
_PAGE = st.fixed_dictionaries({
    "total": st.integers(0, 10**6), "page": st.integers(1, 99), "per_page": st.integers(1, 200),
    "items": st.lists(_ITEM, max_size=3),
    "links": st.fixed_dictionaries({"self": st.text(max_size=5), "next": st.none() | st.text(max_size=5)}),
})


def _outcome(dump, body):
    try:
        return "ok", dump(body)
    except Exception as error:  # the same failure, not just a failure
        return "error", type(error)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(_PAGE)
def test_a_page_dumps_as_marshmallow_dumps_it(body):
    schema = ItemPage()
    assert _outcome(schema.dump, body) == _outcome(lambda b: ma.Schema.dump(schema, b), body)


def test_a_real_item_page_body_dumps_identically():
    moment = datetime(2026, 11, 21, 8, 30)
    field = {"id": 7, "position": 1, "name": "统一社会信用代码", "data_type": "字符型C", "length": 18, "is_sensitive": False}
    item = {"code": "101001/000001", "name": "企业登记信息", "status": "published", "version": 3, "created_at": moment,
            "updated_at": moment.replace(tzinfo=timezone.utc), "published_at": None, "publish_date": date(2026, 1, 2),
            "provider": {"code": "A", "name": "市场监督管理局"}, "provider_unit": None, "fields": [field, field],
            "links": {"self": "/api/v1/items/101001%2F000001"}}
    body = {"total": 1, "page": 1, "per_page": 50, "items": [item], "links": {"self": "x", "next": None}}
    schema = ItemPage()
    assert schema.dump(body) == ma.Schema.dump(schema, body)
    assert schema.dump(body)["items"][0]["created_at"] == "2026-11-21T08:30:00+00:00"  # marshmallow's Timestamp ran


def test_dump_hooks_renamed_keys_and_many():
    class Hooked(FastDumpSchema):
        name = ma.fields.String()

        @ma.post_dump
        def shout(self, data, **kwargs):
            return {**data, "name": data["name"].upper()}

    class Row(ma.Schema):
        name = ma.fields.String()

    class Renamed(FastDumpSchema):
        name = ma.fields.String(data_key="title", attribute="label")
        rows = ma.fields.Nested(Hooked, many=True)
        plain_rows = ma.fields.Nested(Row, many=True)

    assert compiled(Hooked()) is None and Hooked().dump({"name": "ab"}) == {"name": "AB"}
    assert Renamed().dump({"label": "x", "rows": [{"name": "c"}], "plain_rows": [{"name": "d"}]}) == \
        {"title": "x", "rows": [{"name": "C"}], "plain_rows": [{"name": "d"}]}
    assert Renamed(many=True).dump([{"label": "y"}]) == [{"title": "y"}]


@pytest.mark.parametrize("obj", [object(), {"name": b"bytes"}, {"name": 12}])
def test_objects_and_values_of_other_types_go_through_marshmallow(obj):
    class Plain(FastDumpSchema):
        name = ma.fields.String()

    assert _outcome(Plain().dump, obj) == _outcome(lambda o: ma.Schema.dump(Plain(), o), obj)
