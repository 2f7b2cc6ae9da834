"""The GB/T 21063.3-style XML: valid against the shipped XSD, safe with any text a name may hold."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
import xmlschema
from factories import entry, make_org_tree

from exports.base import Selection
from exports.formats.gbt21063 import NAMESPACE, SCHEMA_PATH
from exports.service import run_export
from registry.catalog.operations import create_item, publish_item
from registry.demo.loader import load_demo

NS = {"g": NAMESPACE}


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMA_PATH))


def _export(ctx, selection: Selection | None = None) -> tuple[bytes, object]:
    out = io.BytesIO()
    result = run_export(ctx, "gbt21063-xml", selection or Selection(), out)
    return out.getvalue(), result


def test_demo_catalog_exports_valid_xml(ctx, schema):
    load_demo(ctx, items=60, seed=7)
    data, result = _export(ctx, Selection(statuses=("published", "draft", "submitted")))
    schema.validate(io.BytesIO(data))  # raises with the offending path if not
    root = ET.fromstring(data)
    resources = root.findall("g:resources/g:resource", NS)
    assert result.items == len(resources) == 60
    assert result.fields == sum(len(r.findall("g:fields/g:field", NS)) for r in resources) > 0
    assert root.findtext("g:summary/g:resourceCount", namespaces=NS) == "60"
    codes = [r.findtext("g:resCode", namespaces=NS) for r in resources]
    assert codes == sorted(codes)


def test_resource_carries_the_core_elements_in_order(ctx, schema):
    orgs = make_org_tree(ctx)
    item = create_item(ctx, entry(orgs.dept, provider_unit=orgs.unit, related_codes=[], tags=["企业", "登记"])).item
    publish_item(ctx, item)
    data, _ = _export(ctx)
    schema.validate(io.BytesIO(data))
    resource = ET.fromstring(data).find("g:resources/g:resource", NS)
    tags = [child.tag.split("}")[1] for child in resource]
    assert tags == ["classification", "resTitle", "resCode", "provider", "idAbs", "format", "fields",
                    "share", "open", "updateCycle", "pubDate", "extension"]
    assert resource.findtext("g:resCode", namespaces=NS) == item.code
    assert resource.find("g:classification/g:class", NS).attrib["code"] == "3"
    assert resource.findtext("g:provider/g:rpOrgCode", namespaces=NS) == orgs.dept.code
    assert resource.findtext("g:provider/g:unit", namespaces=NS) == "登记注册科"
    share = resource.find("g:share/g:shareType", NS)
    assert (share.attrib["code"], share.text) == ("unconditional", "无条件共享")
    first = resource.find("g:fields/g:field", NS)
    assert first.attrib["position"] == "1" and first.find("g:dataType", NS).attrib["code"] == "C"
    assert first.findtext("g:length", namespaces=NS) == "18" and first.findtext("g:primaryKey", namespaces=NS) == "true"
    assert [k.text for k in resource.findall("g:extension/g:keyword", NS)] == ["企业", "登记"]


def test_special_and_control_characters_keep_the_document_valid(ctx, schema):
    orgs = make_org_tree(ctx)
    name = "A&B <企业> \"登记\" 'x' ]]> 信息"
    item = create_item(ctx, entry(orgs.dept, name=name)).item
    publish_item(ctx, item)
    # Text from old imports may hold characters XML 1.0 cannot carry; they are dropped, not written.
    item.summary = "摘要\x01含\x0b控制\x1f字符\ufffe。"
    item.fields[0].name = "代码\x08"
    ctx.session.flush()
    data, result = _export(ctx)
    schema.validate(io.BytesIO(data))
    resource = ET.fromstring(data).find("g:resources/g:resource", NS)
    assert resource.findtext("g:resTitle", namespaces=NS) == name
    assert resource.findtext("g:idAbs", namespaces=NS) == "摘要含控制字符。"
    assert resource.findtext("g:fields/g:field/g:name", namespaces=NS) == "代码"
    assert result.extra["removed_characters"] == 5
    assert b"A&amp;B &lt;\xe4" in data  # escaped, not wrapped in CDATA


def test_empty_selection_is_a_valid_empty_catalog(ctx, schema):
    data, result = _export(ctx, Selection(class_code="2"))
    schema.validate(io.BytesIO(data))
    assert result.items == 0
    assert ET.fromstring(data).findtext("g:summary/g:fieldCount", namespaces=NS) == "0"
