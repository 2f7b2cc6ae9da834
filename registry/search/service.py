"""The one search function every interface calls: the public page, the back office, the CLI,
the REST API and CKAN's ``package_search``.

It applies the reader's scope (:func:`registry.accounts.permissions.item_scope`)
to results, counts and facets alike, so no interface can leak a draft by
forgetting a filter.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.permissions import item_scope
from registry.catalog.disclosure import disclosed_fields
from registry.catalog.models import CatalogItem, Field
from registry.search.backends import backend_for
from registry.search.facets import org_labels, provider_ids, resolve_filters, value_labels
from registry.search.highlight import highlight_doc
from registry.search.plan import Plan, RawResult
from registry.search.query import SearchHit, SearchRequest, SearchResponse, parse_query
from registry.search.synonyms import load_synonyms


def search(runtime, session: Session, request: SearchRequest, *, actor=None, public: bool = False) -> SearchResponse:
    """Search the catalog as ``actor`` sees it (``public=True`` for anonymous readers).

    ``runtime`` is the process's :class:`registry.app.Runtime` (settings and
    profile). Raises :class:`~registry.core.errors.ValidationError` for
    unknown filters or sorts. The response may be handed to later searches too: read it, never change it.
    """
    profile = runtime.profile
    synonyms = load_synonyms(runtime.settings.instance_path)
    filters = resolve_filters(session, profile, request.filters)
    if "provider" in filters:
        # An organisation stands for itself and everything below it; no such code matches nothing.
        filters["provider"] = tuple(str(i) for i in sorted(provider_ids(session, filters["provider"]))) or ("0",)
    plan = Plan(request, parse_query(request.text, synonyms), item_scope(session, actor, public), filters, synonyms,
                public=public)
    raw = backend_for(runtime.settings, profile).execute(session, plan)
    # A kept result keeps its response too: highlighting its page and labelling its facets was a third
    # of a repeated search's time. Nothing else goes into it (the result is kept per reader kind; labels
    # are Chinese, and screens translate them).
    if raw.memo is not None and (response := raw.memo.get("response")) is not None:
        return response
    raw.docs = _disclosed_docs(session, raw.docs, public)
    response = _response(session, profile, request, plan, raw)
    if raw.memo is not None:
        raw.memo["response"] = response
    return response


def _disclosed_docs(session: Session, docs: list[dict], public: bool) -> list[dict]:
    """The hits' stored documents with the fields this reader may see (in highlights and matched fields).

    Copies: a backend may keep its stored documents for the next search. Sensitive and secret fields
    are stored apart, shown to signed-in readers only.
    """
    if not public:
        return [{**doc, "fields": doc["fields"] + doc["hidden_fields"],
                 "field_descriptions": doc["field_descriptions"] + doc["hidden_field_descriptions"]}
                if doc.get("hidden_fields") or doc.get("hidden_field_descriptions") else doc for doc in docs]
    older = [doc for doc in docs if "hidden_fields" not in doc]
    if not older:
        return docs
    shown = _disclosed_from_database(session, older)
    return [shown.get(doc["code"], doc) for doc in docs]


def _disclosed_from_database(session: Session, docs: list[dict]) -> dict[str, dict]:
    """Public copies of documents indexed before restricted fields were stored apart (until the reindex
    that ``mulu search check`` asks for): their fields re-read from the database, one query per page."""
    codes = [doc["code"] for doc in docs]
    rows = session.execute(select(CatalogItem.code, Field.name, Field.description, Field.is_sensitive, Field.is_secret)
                           .join(Field.item).where(CatalogItem.code.in_(codes)).order_by(CatalogItem.code, Field.position))
    shown: dict[str, list] = {code: [] for code in codes}
    for row in disclosed_fields(rows, public=True):
        shown[row.code].append(row)
    return {doc["code"]: {**doc, "fields": [row.name for row in shown[doc["code"]]],
                          "field_descriptions": [row.description for row in shown[doc["code"]] if row.description]}
            for doc in docs}


def _response(session: Session, profile, request: SearchRequest, plan: Plan, raw: RawResult) -> SearchResponse:
    terms = list(raw.terms)
    if plan.field_name:
        terms += plan.synonyms.expand(plan.field_name)
    hits = [_hit(doc, terms) for doc in raw.docs]
    facets, labels = _facets(session, profile, raw.facets)
    return SearchResponse(total=raw.total, results=hits, facets=facets, page=request.page, per_page=request.per_page,
                          relaxed=raw.relaxed, facet_labels=labels)


def _hit(doc: dict, terms: list[str]) -> SearchHit:
    highlights, matched = highlight_doc(doc, terms)
    return SearchHit(
        code=doc["code"], name=doc["name"], provider=doc["provider"], summary=doc["summary"], status=doc["status"],
        share_type=doc["share_type"], open_type=doc["open_type"], update_cycle=doc["update_cycle"],
        format_class=doc["format_class"], security_grade=doc.get("security_grade"), class_code=doc["class_code"],
        item_code=doc["item_code"], publish_date=doc.get("publish_date"), updated_at=doc["updated_at"],
        score=doc.get("score", 0), highlights=highlights, matched_fields=matched,
    )


def _facets(session: Session, profile, raw: dict[str, dict[str, int]]) -> tuple[dict, dict]:
    """Facet counts keyed by public values (organisation codes, not ids), and their labels."""
    facets: dict[str, dict[str, int]] = {}
    labels: dict[str, dict[str, str]] = {}
    for name, counts in raw.items():
        if name == "provider":
            orgs = org_labels(session, [int(i) for i in counts if i.isdigit()])
            facets[name] = {orgs[int(i)][0]: n for i, n in counts.items() if i.isdigit() and int(i) in orgs}
            labels[name] = {orgs[int(i)][0]: orgs[int(i)][1] for i in counts if i.isdigit() and int(i) in orgs}
        else:
            facets[name] = counts
            labels[name] = value_labels(profile, name, list(counts))
    return facets, labels
