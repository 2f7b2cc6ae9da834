"""DCAT-AP export: valid against the DCAT-AP 3.0.1 SHACL shapes, faithful to the catalog, served over HTTP."""
from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest
from factories import entry, make_org_tree
from live import migrated_runtime
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from exports.base import Selection
from exports.formats import dcat
from exports.service import run_export
from registry.app import create_app
from registry.catalog.operations import create_item, publish_item
from registry.core.config import load_settings
from registry.core.context import Context
from registry.core.db import unit_of_work

SHAPES_DIR = Path(__file__).parent.parent / "data" / "dcat-ap-3.0.1"
EU = "http://publications.europa.eu/resource/authority/"
# Open namespaces: pytest probes module globals, and rdflib's closed ones warn at every unknown name.
DCAT, DCTERMS = Namespace("http://www.w3.org/ns/dcat#"), Namespace("http://purl.org/dc/terms/")
FOAF, XSD = Namespace("http://xmlns.com/foaf/0.1/"), Namespace("http://www.w3.org/2001/XMLSchema#")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    """The mandatory, range and controlled-vocabulary shapes (recommended ones only warn, so are left out)."""
    graph = Graph()
    for name in ("shapes.ttl", "range.ttl", "mdr-vocabularies.shape.ttl"):
        graph.parse(SHAPES_DIR / name)
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(SHAPES_DIR / "imports.ttl")


SH = Namespace("http://www.w3.org/ns/shacl#")


def conforms(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, str]:
    """Whether ``data`` conforms, warnings allowed (our publishers are not EU corporate bodies), and the report."""
    ok, _, text = validate(data, shacl_graph=shapes, ont_graph=ontology, allow_warnings=True, allow_infos=True)
    return ok, text


def violated_paths(data: Graph, shapes: Graph, ontology: Graph) -> set[URIRef]:
    """The properties with a violation (not a warning)."""
    _, results, _ = validate(data, shacl_graph=shapes, ont_graph=ontology, allow_warnings=True, allow_infos=True)
    return {results.value(r, SH.resultPath) for r in results.subjects(SH.resultSeverity, SH.Violation)}


def _catalog(ctx: Context) -> dict:
    orgs = make_org_tree(ctx)
    orgs.dept.contact_email = "data@nanyang.gov.cn"
    items = {
        "open": create_item(ctx, entry(orgs.dept, name="企业登记信息", open_theme="市场监管", tags=["企业", "登记"])).item,
        "conditional": create_item(ctx, entry(orgs.other_dept, name="户籍人口统计", class_code="1", item_code="01",
                                              category_code="001", open_type="conditional", open_condition="实名申请",
                                              open_basis="《开放办法》", update_cycle="quarterly", format_class="spreadsheet",
                                              format_type="xlsx", share_method_type="file")).item,
        "closed": create_item(ctx, entry(orgs.other_dept, name="案件线索", open_type="not_open", open_basis="涉及侦查",
                                         update_cycle="irregular")).item,
    }
    for item in items.values():
        publish_item(ctx, item)
    create_item(ctx, entry(orgs.dept, name="草稿条目"))
    return {k: item.code for k, item in items.items()}


def _export(ctx: Context, name: str = "dcat-ttl", public: bool = True) -> tuple[Graph, bytes]:
    out = io.BytesIO()
    run_export(ctx, name, Selection(), out, public=public)
    return Graph().parse(data=out.getvalue(), format="turtle" if name == "dcat-ttl" else "json-ld"), out.getvalue()


def _dataset(graph: Graph, code: str) -> URIRef:
    return graph.value(predicate=DCTERMS.identifier, object=Literal(code))


def test_turtle_and_json_ld_conform_to_dcat_ap(ctx, shapes, ontology):
    _catalog(ctx)
    turtle, _ = _export(ctx, "dcat-ttl")
    ok, report = conforms(turtle, shapes, ontology)
    assert ok, report
    jsonld, raw = _export(ctx, "dcat-jsonld")
    assert json.loads(raw)["@context"]["dcat"] == str(DCAT)
    assert isomorphic(turtle, jsonld)


@pytest.mark.parametrize(("broken", "path"), [
    ("dataset title", DCTERMS["title"]), ("dataset description", DCTERMS.description),
    ("catalog publisher", DCTERMS.publisher), ("agent name", FOAF.name), ("distribution access URL", DCAT.accessURL),
    ("two frequencies", DCTERMS.accrualPeriodicity), ("frequency outside the EU vocabulary", DCTERMS.accrualPeriodicity),
])
def test_the_shapes_catch_a_dropped_mandatory_property(ctx, shapes, ontology, broken, path):
    seeded = _catalog(ctx)
    graph, _ = _export(ctx)
    dataset = _dataset(graph, seeded["open"])
    catalog = graph.value(predicate=RDF_TYPE, object=DCAT.Catalog)
    if broken == "dataset title":
        graph.remove((dataset, DCTERMS["title"], None))
    elif broken == "dataset description":
        graph.remove((dataset, DCTERMS.description, None))
    elif broken == "catalog publisher":
        graph.remove((catalog, DCTERMS.publisher, None))
    elif broken == "agent name":
        graph.remove((graph.value(dataset, DCTERMS.publisher), FOAF.name, None))
    elif broken == "distribution access URL":
        graph.remove((graph.value(dataset, DCAT.distribution), DCAT.accessURL, None))
    elif broken == "two frequencies":
        graph.add((dataset, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/DAILY_2")))
    else:
        local = URIRef("https://data.nanyang.example/frequency/daily")
        graph.set((dataset, DCTERMS.accrualPeriodicity, local))
        graph.add((local, RDF_TYPE, DCTERMS.Frequency))
    assert not conforms(graph, shapes, ontology)[0], broken
    assert path in violated_paths(graph, shapes, ontology)


def test_datasets_say_what_the_catalog_says(ctx):
    seeded = _catalog(ctx)
    graph, _ = _export(ctx)
    catalog = graph.value(predicate=RDF_TYPE, object=DCAT.Catalog)
    assert graph.value(catalog, DCTERMS["title"]) == Literal("南阳市政务数据资源目录", lang="zh")
    assert graph.value(graph.value(catalog, DCTERMS.publisher), FOAF.name) == Literal("南阳市", lang="zh")
    datasets = set(graph.objects(catalog, DCAT.dataset))
    assert {str(graph.value(d, DCTERMS.identifier)) for d in datasets} == {seeded["open"], seeded["conditional"], seeded["closed"]}
    assert not any("草稿条目" in str(o) for o in graph.objects())

    opened, conditional, closed = (_dataset(graph, seeded[k]) for k in ("open", "conditional", "closed"))
    assert graph.value(opened, DCTERMS["title"]) == Literal("企业登记信息", lang="zh")
    assert set(graph.objects(opened, DCAT.keyword)) == {Literal("企业", lang="zh"), Literal("登记", lang="zh")}
    assert graph.value(graph.value(opened, DCTERMS.publisher), FOAF.name) == Literal("南阳市市场监督管理局", lang="zh")
    assert graph.value(opened, DCAT.theme) == URIRef(EU + "data-theme/ECON")  # 市场监管
    assert graph.value(conditional, DCAT.theme) == URIRef(EU + "data-theme/SOCI")  # 人口基础信息资源
    assert graph.value(closed, DCAT.theme) == URIRef(EU + "data-theme/GOVE")  # 部门目录: the default
    assert graph.value(opened, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/DAILY")
    assert graph.value(conditional, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/QUARTERLY")
    assert graph.value(closed, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/IRREG")
    rights = {k: graph.value(_dataset(graph, seeded[k]), DCTERMS.accessRights) for k in ("open", "conditional", "closed")}
    assert rights == {k: URIRef(EU + "access-right/" + v) for k, v in
                      {"open": "PUBLIC", "conditional": "RESTRICTED", "closed": "NON_PUBLIC"}.items()}
    assert graph.value(opened, DCTERMS.issued).datatype == XSD.date
    assert graph.value(opened, DCTERMS.modified).datatype == XSD.dateTime
    assert graph.value(conditional, DCAT.distribution) is not None and graph.value(closed, DCAT.distribution) is None
    assert graph.value(graph.value(conditional, DCAT.distribution), DCTERMS["format"]) == URIRef(EU + "file-type/XLSX")
    contact = graph.value(opened, DCAT.contactPoint)
    assert contact is not None and graph.value(conditional, DCAT.contactPoint) is None


def test_signed_in_exports_describe_only_the_published_catalog(ctx):
    _catalog(ctx)
    out = io.BytesIO()
    run_export(ctx, "dcat-ttl", Selection(statuses=("published", "draft")), out)
    assert "草稿条目" not in out.getvalue().decode()


def test_turtle_in_chunks_declares_each_prefix_once_and_says_the_same(ctx, monkeypatch):
    _catalog(ctx)
    whole, _ = _export(ctx)
    monkeypatch.setattr(dcat, "CHUNK", 1)
    chunked, raw = _export(ctx)
    text = raw.decode()
    prefixes = [line for line in text.splitlines() if line.startswith("@prefix")]
    assert len(prefixes) == len(set(prefixes)) and "@prefix dcat:" in text
    assert isomorphic(whole, chunked)
    assert isomorphic(whole, _export(ctx, "dcat-jsonld")[0])  # JSON-LD in chunks of one as well


@pytest.fixture()
def app(tmp_path, fresh_database_url):
    settings = load_settings({"MULU_PROFILE": "national"}, instance_path=tmp_path / "instance", database_url=fresh_database_url)
    with migrated_runtime(settings) as runtime:
        with unit_of_work(runtime.sessions) as session:
            seeded = _catalog(runtime.context(session))
        app = create_app(settings)
        if "exports_web" not in app.blueprints:  # until registry/app.py registers it
            from exports.web import bp

            app.register_blueprint(bp)
        yield app, seeded


def test_catalog_is_served_as_turtle_and_json_ld_to_anyone(app):
    app, seeded = app
    client = app.test_client()
    response = client.get("/catalog.ttl", base_url="https://data.nanyang.example")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data, format="turtle")
    catalog = URIRef("https://data.nanyang.example/catalog")
    assert (catalog, RDF_TYPE, DCAT.Catalog) in graph
    assert graph.value(catalog, FOAF.homepage) == URIRef("https://data.nanyang.example/")
    landing = graph.value(_dataset(graph, seeded["open"]), DCAT.landingPage)
    assert landing == URIRef(f"https://data.nanyang.example/items/{seeded['open']}")
    assert "草稿条目" not in response.data.decode()
    response = client.get("/catalog.jsonld", base_url="https://data.nanyang.example")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    assert isomorphic(graph, Graph().parse(data=response.data, format="json-ld"))


def test_a_catalog_of_hundreds_validates_in_reasonable_time(ctx, shapes, ontology):
    orgs = make_org_tree(ctx)
    for n in range(300):
        publish_item(ctx, create_item(ctx, entry(orgs.dept if n % 2 else orgs.other_dept, name=f"数据集{n:03d}",
                                                 tags=[f"标签{n % 7}"], open_type=("unconditional", "not_open")[n % 2],
                                                 open_basis="依据" if n % 2 else None)).item)
    started = time.perf_counter()
    graph, _ = _export(ctx)
    exported = time.perf_counter() - started
    started = time.perf_counter()
    ok, report = conforms(graph, shapes, ontology)
    took = time.perf_counter() - started
    print(f"\n300 datasets, {len(graph)} triples: export {exported:.2f}s, pyshacl {took:.2f}s")
    assert ok, report
    assert len(set(graph.subjects(RDF_TYPE, DCAT.Dataset))) == 300
