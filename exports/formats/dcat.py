"""The published catalog as DCAT-AP 3 (Turtle and JSON-LD), for data portals that harvest RDF.

One ``dcat:Catalog`` published by the city, one ``dcat:Dataset`` per published
item, its ``dct:accessRights`` saying whether the public may use it (开放类型:
PUBLIC / RESTRICTED / NON_PUBLIC), and EU vocabularies for themes, frequencies
and file types (mapping tables below). The EU concepts used are described in
the output itself (label, scheme, class), so the DCAT-AP SHACL shapes,
vocabulary shapes included, check the file without fetching anything.

Memory stays bounded: the graph is built :data:`CHUNK` items at a time and each
chunk serialised on its own. Turtle writes every ``@prefix`` once, before the
first triple that needs it (a prefix may be declared anywhere in a Turtle
document); JSON-LD writes one ``@context`` and appends each chunk's compacted
nodes to one ``@graph`` array. Organisations and concepts are described once,
the first time they are used; the catalog's ``dcat:dataset`` links go with
their chunk (a node may appear in several statements of either syntax).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import BinaryIO
from urllib.parse import quote

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS
from rdflib.plugins.serializers.turtle import TurtleSerializer
from sqlalchemy import select

from exports.base import PUBLISHED, ExportFormat, ExportJob, ExportResult, register
from exports.source import Entry, entries
from registry.core.i18n import N_
from registry.orgs.models import Organisation, OrgLevel

#: Items per graph: enough for the serialiser to group well, small enough to keep memory flat.
CHUNK = 500

EU = "http://publications.europa.eu/resource/authority/"
THEME_SCHEME, FREQUENCY_SCHEME = URIRef(EU + "data-theme"), URIRef(EU + "frequency")
ACCESS_SCHEME, FILE_TYPE_SCHEME = URIRef(EU + "access-right"), URIRef(EU + "file-type")
LANGUAGE_SCHEME = URIRef(EU + "language")
CHINESE = URIRef(EU + "language/ZHO")

#: Each EU vocabulary: its title and the class DCAT-AP expects its concepts to have.
SCHEMES: dict[URIRef, tuple[str, URIRef | None]] = {
    THEME_SCHEME: ("Data theme", None),
    FREQUENCY_SCHEME: ("Frequency", DCTERMS.Frequency),
    ACCESS_SCHEME: ("Access right", DCTERMS.RightsStatement),
    FILE_TYPE_SCHEME: ("File type", DCTERMS.MediaTypeOrExtent),
    LANGUAGE_SCHEME: ("Language", DCTERMS.LinguisticSystem),
}

THEME_LABELS = {
    "AGRI": "Agriculture, fisheries, forestry and food", "ECON": "Economy and finance",
    "EDUC": "Education, culture and sport", "ENER": "Energy", "ENVI": "Environment",
    "GOVE": "Government and public sector", "HEAL": "Health", "INTR": "International issues",
    "JUST": "Justice, legal system and public safety", "REGI": "Regions and cities",
    "SOCI": "Population and society", "TECH": "Science and technology", "TRAN": "Transport",
}
#: 开放主题 / 数据领域 as portals write them (national-catalog.md §4.3) → EU data theme.
OPEN_THEMES = {
    "信用服务": "ECON", "医疗卫生": "HEAL", "卫生健康": "HEAL", "社保就业": "SOCI", "公共安全": "JUST",
    "城建住房": "REGI", "城市建设": "REGI", "交通运输": "TRAN", "道路交通": "TRAN", "教育文化": "EDUC",
    "教育科技": "EDUC", "文化休闲": "EDUC", "科技创新": "TECH", "资源能源": "ENER", "生态环境": "ENVI",
    "资源环境": "ENVI", "气象服务": "ENVI", "工业农业": "AGRI", "商贸流通": "ECON", "财税金融": "ECON",
    "经济建设": "ECON", "市场监督": "ECON", "市场监管": "ECON", "安全生产": "JUST", "社会救助": "SOCI",
    "民生服务": "SOCI", "社会发展": "SOCI", "生活服务": "SOCI", "法律服务": "JUST", "地理空间": "REGI",
    "机构团体": "GOVE", "其他": "GOVE",
}
#: 1272 classification (类 + 项) → EU data theme; 部门目录 (class 3) has no subject, so falls to the default.
CLASS_THEMES = {
    ("1", "01"): "SOCI", ("1", "02"): "ECON", ("1", "03"): "REGI", ("1", "04"): "ECON", ("1", "05"): "GOVE",
    ("2", "01"): "GOVE", ("2", "02"): "HEAL", ("2", "03"): "SOCI", ("2", "04"): "HEAL", ("2", "05"): "JUST",
    ("2", "06"): "ECON", ("2", "07"): "ENER", ("2", "08"): "ECON", ("2", "09"): "REGI", ("2", "10"): "SOCI",
    ("2", "11"): "ENVI", ("2", "12"): "JUST",
}
DEFAULT_THEME = "GOVE"

#: 更新周期 → EU frequency (label).
FREQUENCIES = {
    "realtime": ("UPDATE_CONT", "continuously updated"), "hourly": ("HOURLY", "hourly"), "daily": ("DAILY", "daily"),
    "weekly": ("WEEKLY", "weekly"), "ten_days": ("MONTHLY_3", "three times a month"),
    "half_monthly": ("MONTHLY_2", "twice a month"), "monthly": ("MONTHLY", "monthly"),
    "quarterly": ("QUARTERLY", "quarterly"), "half_yearly": ("ANNUAL_2", "semiannual"), "yearly": ("ANNUAL", "annual"),
    "biennial": ("BIENNIAL", "biennial"), "irregular": ("IRREG", "irregular"), "static": ("NEVER", "never"),
}
UNKNOWN_FREQUENCY = ("UNKNOWN", "unknown")

#: 开放类型 → EU access right: the public's access (共享类型 concerns government bodies, not the public).
ACCESS_RIGHTS = {"unconditional": ("PUBLIC", "public"), "conditional": ("RESTRICTED", "restricted"),
                 "not_open": ("NON_PUBLIC", "non-public")}

#: 信息资源格式类型 (lower case) → EU file type; databases and the like have none.
FILE_TYPES = {
    "csv": "CSV", "json": "JSON", "xml": "XML", "pdf": "PDF", "doc": "DOC", "docx": "DOCX", "xls": "XLS",
    "xlsx": "XLSX", "txt": "TXT", "html": "HTML", "ppt": "PPT", "pptx": "PPTX", "jpg": "JPEG", "jpeg": "JPEG",
    "gif": "GIF", "bmp": "BMP", "png": "PNG", "tif": "TIFF", "tiff": "TIFF", "zip": "ZIP", "rdf": "RDF_XML",
}

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
NAMESPACES = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "vcard": VCARD, "skos": SKOS, "xsd": XSD, "rdf": RDF}
JSONLD_CONTEXT = {prefix: str(ns) for prefix, ns in NAMESPACES.items()}


def base_url() -> str:
    """The site's root: the request's host when serving one, else the ``MULU_PUBLIC_URL`` setting."""
    from flask import has_request_context, request

    from registry.core.config import load_settings

    if has_request_context():
        return request.url_root
    return load_settings().public_url.rstrip("/") + "/"


def theme_code(values: dict) -> str:
    """The item's EU data theme: from its 开放主题 if known, else its classification, else GOVE."""
    theme = (values.get("open_theme") or "").strip()
    if theme in OPEN_THEMES:
        return OPEN_THEMES[theme]
    return CLASS_THEMES.get((values.get("class_code"), values.get("item_code")), DEFAULT_THEME)


class CatalogGraph:
    """Builds the catalog a chunk at a time; remembers which organisations and concepts it has described."""

    def __init__(self, job: ExportJob, base: str):
        self.job, self.base = job, base
        self.catalog = URIRef(base + "catalog")
        self.described: set[URIRef] = set()

    def new_graph(self) -> Graph:
        graph = Graph(bind_namespaces="none")
        for prefix, ns in NAMESPACES.items():
            graph.bind(prefix, ns)
        return graph

    def iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(quote(p, safe="/") for p in parts))

    def concept(self, graph: Graph, scheme: URIRef, code: str, label: str) -> URIRef:
        concept = URIRef(f"{scheme}/{code}")
        if concept not in self.described:
            self.described.add(concept)
            title, cls = SCHEMES[scheme]
            graph.add((concept, RDF.type, SKOS.Concept))
            if cls is not None:
                graph.add((concept, RDF.type, cls))
            graph.add((concept, SKOS.prefLabel, Literal(label, lang="en")))
            graph.add((concept, SKOS.inScheme, scheme))
            if scheme not in self.described:
                self.described.add(scheme)
                graph.add((scheme, RDF.type, SKOS.ConceptScheme))
                graph.add((scheme, DCTERMS.title, Literal(title, lang="en")))
        return concept

    def agent(self, graph: Graph, org: Organisation) -> URIRef:
        node = self.iri("orgs", org.code)
        if node not in self.described:
            self.described.add(node)
            graph.add((node, RDF.type, FOAF.Agent))
            graph.add((node, FOAF.name, Literal(org.name, lang="zh")))
        return node

    def contact(self, graph: Graph, org: Organisation) -> URIRef | None:
        """The organisation's data contact (telephone, e-mail; never a person's name), if it has one."""
        if not (org.contact_email or org.contact_phone):
            return None
        node = URIRef(self.iri("orgs", org.code) + "#contact")
        if node not in self.described:
            self.described.add(node)
            graph.add((node, RDF.type, VCARD.Organization))
            graph.add((node, RDF.type, VCARD.Kind))
            graph.add((node, VCARD.fn, Literal(org.name, lang="zh")))
            if org.contact_email:
                graph.add((node, VCARD.hasEmail, URIRef("mailto:" + quote(org.contact_email.strip(), safe="@.+-_"))))
            if org.contact_phone:
                graph.add((node, VCARD.hasTelephone, URIRef("tel:" + quote(org.contact_phone.strip(), safe="+-"))))
        return node

    def catalog_graph(self) -> Graph:
        """The catalog itself: its title, publisher (the city), home page, language and theme taxonomy."""
        graph, profile = self.new_graph(), self.job.ctx.profile
        city = self.job.ctx.session.scalar(select(Organisation).where(Organisation.level == OrgLevel.CITY)
                                           .order_by(Organisation.id).limit(1))
        name = city.name if city else profile.label
        publisher = self.agent(graph, city) if city else self._profile_agent(graph, name)
        home = URIRef(self.base)
        graph.add((self.catalog, RDF.type, DCAT.Catalog))
        graph.add((self.catalog, DCTERMS.title, Literal(f"{name}政务数据资源目录", lang="zh")))
        graph.add((self.catalog, DCTERMS.description, Literal(
            f"{name}已发布的政务数据资源目录（{profile.regulation or profile.label}）；访问权限表明是否向社会开放。", lang="zh")))
        graph.add((self.catalog, DCTERMS.publisher, publisher))
        graph.add((self.catalog, FOAF.homepage, home))
        graph.add((home, RDF.type, FOAF.Document))
        graph.add((self.catalog, DCTERMS.language, self.concept(graph, LANGUAGE_SCHEME, "ZHO", "Chinese")))
        graph.add((self.catalog, DCAT.themeTaxonomy, THEME_SCHEME))
        if THEME_SCHEME not in self.described:
            self.described.add(THEME_SCHEME)
            graph.add((THEME_SCHEME, RDF.type, SKOS.ConceptScheme))
            graph.add((THEME_SCHEME, DCTERMS.title, Literal(SCHEMES[THEME_SCHEME][0], lang="en")))
        return graph

    def _profile_agent(self, graph: Graph, name: str) -> URIRef:
        node = self.iri("orgs", "catalog-publisher")
        graph.add((node, RDF.type, FOAF.Agent))
        graph.add((node, FOAF.name, Literal(name, lang="zh")))
        return node

    def add_dataset(self, graph: Graph, entry: Entry) -> None:
        values = entry.values
        page = self.iri("items", entry.code)  # the item's public page
        dataset = URIRef(page + "#dataset")
        graph.add((self.catalog, DCAT.dataset, dataset))
        graph.add((dataset, RDF.type, DCAT.Dataset))
        graph.add((dataset, DCTERMS.identifier, Literal(entry.code)))
        graph.add((dataset, DCTERMS.title, Literal(values["name"], lang="zh")))
        graph.add((dataset, DCTERMS.description, Literal(values.get("summary") or values["name"], lang="zh")))
        graph.add((dataset, DCTERMS.publisher, self.agent(graph, entry.provider)))
        contact = self.contact(graph, entry.provider)
        if contact is not None:
            graph.add((dataset, DCAT.contactPoint, contact))
        code = theme_code(values)
        graph.add((dataset, DCAT.theme, self.concept(graph, THEME_SCHEME, code, THEME_LABELS[code])))
        graph.add((dataset, DCTERMS.accrualPeriodicity,
                   self.concept(graph, FREQUENCY_SCHEME, *FREQUENCIES.get(values.get("update_cycle"), UNKNOWN_FREQUENCY))))
        access = ACCESS_RIGHTS.get(values.get("open_type"), ACCESS_RIGHTS["not_open"])
        graph.add((dataset, DCTERMS.accessRights, self.concept(graph, ACCESS_SCHEME, *access)))
        for tag in values.get("tags") or ():
            graph.add((dataset, DCAT.keyword, Literal(tag, lang="zh")))
        issued = values.get("publish_date") or entry.meta.get("published_at")
        if issued:
            graph.add((dataset, DCTERMS.issued, _date_literal(issued)))
        modified = entry.meta.get("data_updated_at") or entry.meta.get("updated_at")
        if modified:
            graph.add((dataset, DCTERMS.modified, _date_literal(modified)))
        graph.add((dataset, DCAT.landingPage, page))
        graph.add((page, RDF.type, FOAF.Document))
        if access[0] != "NON_PUBLIC":
            self._add_distribution(graph, dataset, page, values)

    def _add_distribution(self, graph: Graph, dataset: URIRef, page: URIRef, values: dict) -> None:
        """Where the public gets the data: the item's page (downloads and applications start there)."""
        distribution = URIRef(page + "#distribution")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCAT.accessURL, page))
        file_type = FILE_TYPES.get((values.get("format_type") or "").strip().lower())
        if file_type:
            graph.add((distribution, DCTERMS.format, self.concept(graph, FILE_TYPE_SCHEME, file_type, file_type)))


def _date_literal(value: date | datetime) -> Literal:
    if isinstance(value, datetime):
        return Literal((value if value.tzinfo else value.replace(tzinfo=UTC)).replace(microsecond=0), datatype=XSD.dateTime)
    return Literal(value, datatype=XSD.date)


def published(job: ExportJob) -> Iterator[Entry]:
    """The selection's published items (a signed-in reader's drafts are no part of the public catalog)."""
    return (e for e in entries(job) if e.status.value in PUBLISHED)


def catalog_chunks(job: ExportJob, result: ExportResult) -> Iterator[Graph]:
    """The catalog graph, then a graph per :data:`CHUNK` published items."""
    builder = CatalogGraph(job, base_url())
    yield builder.catalog_graph()
    graph, size = builder.new_graph(), 0
    for entry in published(job):
        builder.add_dataset(graph, entry)
        result.items += 1
        size += 1
        if size == CHUNK:
            yield graph
            graph, size = builder.new_graph(), 0
    if size:
        yield graph


class _ChunkTurtle(TurtleSerializer):
    """Turtle for one chunk, declaring only the prefixes earlier chunks have not."""

    def __init__(self, graph: Graph, declared: set[str]):
        super().__init__(graph)
        self.declared = declared

    def startDocument(self) -> None:  # rdflib's name
        self._started = True
        for prefix, uri in sorted(self.namespaces.items()):
            if prefix not in self.declared:
                self.declared.add(prefix)
                self.write(f"@prefix {prefix}: <{uri}> .\n")


def _write_turtle(job: ExportJob, out: BinaryIO) -> ExportResult:
    """The catalog node in readable Turtle with its prefixes, then the datasets as N-Triples lines,
    which are valid Turtle too: rdflib's Turtle writer spends two thirds of a provincial export
    computing prefixed names, the N-Triples writer none."""
    result, declared = ExportResult(), set()
    chunks = catalog_chunks(job, result)
    _ChunkTurtle(next(chunks), declared).serialize(out, encoding="utf-8")
    for graph in chunks:
        out.write(b"\n")
        graph.serialize(out, format="nt", encoding="utf-8")
    return result


def _write_jsonld(job: ExportJob, out: BinaryIO) -> ExportResult:
    result, first = ExportResult(), True
    out.write(b'{"@context": ' + json.dumps(JSONLD_CONTEXT).encode() + b',\n"@graph": [')
    for graph in catalog_chunks(job, result):
        doc = json.loads(graph.serialize(format="json-ld", context=JSONLD_CONTEXT, auto_compact=True))
        nodes = doc.get("@graph", [{k: v for k, v in doc.items() if k != "@context"}])
        for node in sorted(nodes, key=lambda n: n.get("@id", "")):
            out.write((b"\n" if first else b",\n") + json.dumps(node, ensure_ascii=False).encode())
            first = False
    out.write(b"\n]}\n")
    return result


register(ExportFormat("dcat-ttl", N_("DCAT-AP 目录（Turtle）"), ".ttl", "text/turtle", _write_turtle,
                      N_("已发布目录的 DCAT-AP 3 描述：每个条目一个数据集，访问权限表明开放类型"), public=True))
register(ExportFormat("dcat-jsonld", N_("DCAT-AP 目录（JSON-LD）"), ".jsonld", "application/ld+json", _write_jsonld,
                      N_("已发布目录的 DCAT-AP 3 描述（JSON-LD）"), public=True))
