"""Writing the PostgreSQL backend's index: one ``search_document`` row per item.

The tsvector holds the same terms the Whoosh index does — character bigrams
for matching, jieba words for ranking, whole names and field names, code
prefixes — distinguished by a leading mark (``~`` word, ``=`` whole value,
``#`` code) and, before that, the letter of their text group (A name, B field
names, C other metadata, D summary and descriptions). The group is in the
lexeme rather than in a tsvector weight because GIN cannot answer a weighted
tsquery alone: it rechecks every candidate row, reading its whole tsvector
(7 KB on average), which made each search linear in its matches. It is
written as a tsvector literal, so PostgreSQL's parser never re-splits what
jieba segmented. Sensitive and
secret fields' lexemes carry a further mark in front (``!``,
:data:`~registry.search.documents.HIDDEN`): only signed-in readers' queries name them.

Concurrent writers cannot leave an older version behind: the indexer locks
the items' rows ``FOR SHARE`` before reading them, so a writer committing a
newer version waits for it, and its own after-commit indexing runs later.
Rows locked by a writer in progress are skipped and retried; if the writer
keeps them, its own commit will index them.

A write that touches an item the public sees (before or after) voids the
cached public search results in the same transaction (:mod:`registry.search.pg_cache`).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from sqlalchemy import JSON, bindparam, cast, delete, func, select
from sqlalchemy.dialects.postgresql import TSVECTOR, insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from registry.accounts.permissions import PUBLIC_STATUSES
from registry.catalog.models import CatalogItem
from registry.core.db import utcnow
from registry.profiles import Profile
from registry.search.analysis import END, bigrams, normalise, words
from registry.search.documents import HIDDEN, SearchDoc, current_stamps, docs_for_codes
from registry.search.drift import Drift, compare
from registry.search.models import SearchDocument
from registry.search.pg_cache import public_changed

log = logging.getLogger(__name__)

#: The letter in front of a text group's lexemes.
GROUP_LETTERS = {"name": "A", "fields": "B", "meta": "C", "body": "D"}
#: Separates the public field names of ``field_names`` from the restricted ones.
HIDDEN_PART = "\n" + HIDDEN + "\n"
RETRIES = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)
BATCH = 500


def gram_lexeme(gram: str) -> str:
    return gram.replace(END, "$")


def quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def doc_lexemes(doc: SearchDoc) -> dict[str, set[str]]:
    """Lexeme → the letters of the groups it occurs in."""
    found: dict[str, set[str]] = {}

    def add(lexemes: Iterable[str], letter: str) -> None:
        for lexeme in lexemes:
            found.setdefault(lexeme, set()).add(letter)

    groups = {"name": doc.name_texts(), "fields": doc.field_texts(), "meta": doc.meta_texts(), "body": doc.body_texts()}
    for group, texts in groups.items():
        add((gram_lexeme(g) for g in bigrams(texts)), GROUP_LETTERS[group])
    add(("~" + w for w in words(doc.name_texts())), "A")
    add(("~" + w for w in words([*doc.field_texts(), *doc.meta_texts(), *doc.body_texts()])), "D")
    add(["=" + normalise(doc.name)], "A")
    add(("=" + normalise(n) for n in doc.field_names), "B")
    # Sensitive and secret fields: the same lexemes marked, which only signed-in readers' queries name.
    hidden_fields, hidden_body = doc.hidden_field_texts(), doc.hidden_body_texts()
    add((HIDDEN + gram_lexeme(g) for g in bigrams(hidden_fields)), "B")
    add((HIDDEN + gram_lexeme(g) for g in bigrams(hidden_body)), "D")
    add((HIDDEN + "~" + w for w in words([*hidden_fields, *hidden_body])), "D")
    add((HIDDEN + "=" + normalise(n) for n in doc.hidden_names), "B")
    classification = doc.code.split("/", 1)[0].lower()
    add(["#" + normalise(doc.code), *("#" + classification[:i] for i in range(1, len(classification) + 1))], "A")
    return found


def tsvector_literal(doc: SearchDoc) -> str:
    return " ".join(quote(letter + lexeme) for lexeme, letters in doc_lexemes(doc).items() if lexeme.strip()
                    for letter in sorted(letters))


def _upsert_statement():
    values = insert(SearchDocument).values(
        item_id=bindparam("item_id"), stamp=bindparam("stamp"), words=cast(bindparam("words"), TSVECTOR),
        field_names=bindparam("field_names"), doc=bindparam("doc", type_=JSON), indexed_at=bindparam("indexed_at"),
    )
    return values.on_conflict_do_update(
        index_elements=[SearchDocument.item_id],
        set_={k: values.excluded[k] for k in ("stamp", "words", "field_names", "doc", "indexed_at")},
    )


def field_names_text(doc: SearchDoc) -> str:
    """One normalised name a line; restricted fields' after :data:`HIDDEN_PART` (the public reads what precedes it)."""
    text = "\n" + "\n".join(normalise(n) for n in doc.field_names) + "\n"
    if doc.hidden_names:
        text += HIDDEN_PART.lstrip("\n") + "\n".join(normalise(n) for n in doc.hidden_names) + "\n"
    return text


def row(doc: SearchDoc) -> dict:
    return {
        "item_id": doc.item_id, "stamp": doc.stamp, "words": tsvector_literal(doc),
        "field_names": field_names_text(doc), "doc": doc.stored(),
        "indexed_at": utcnow(),
    }


def upsert(session: Session, docs: list[SearchDoc]) -> None:
    if docs:
        public = _touches_public(session, docs)
        session.execute(_upsert_statement(), [row(doc) for doc in docs])
        if public:
            public_changed(session)


def _touches_public(session: Session, docs: list[SearchDoc]) -> bool:
    """Whether any of these items is public now, or was when last indexed."""
    if any(doc.status in PUBLIC_STATUSES for doc in docs):
        return True
    was = SearchDocument.doc["status"].as_string()
    return bool(session.scalar(select(func.count()).where(
        SearchDocument.item_id.in_([doc.item_id for doc in docs]), was.in_(sorted(PUBLIC_STATUSES)))))


def _lock_items(session: Session, codes: list[str]) -> set[str]:
    """Share-lock the items' rows in code order; returns the codes locked (others are busy)."""
    return set(session.scalars(
        select(CatalogItem.code).where(CatalogItem.code.in_(codes)).order_by(CatalogItem.code)
        .with_for_update(read=True, skip_locked=True)
    ))


def index_codes(session: Session, profile: Profile, codes: Iterable[str]) -> int:
    """Write the current state of the given items, each in a transaction holding its row lock.

    A batch at a time: a bulk load commits 100,000 codes at once, more than one
    statement may bind (65,535 parameters).
    """
    ordered = sorted(set(codes))
    _void_public_results(session, ordered)
    return sum(_index_batch(session, profile, ordered[start:start + BATCH]) for start in range(0, len(ordered), BATCH))


def _void_public_results(session: Session, codes: list[str]) -> None:
    """Before writing, in a transaction of its own: cached public results go even if the index write
    then fails (the write itself voids them again, for searches made in between)."""
    for start in range(0, len(codes), BATCH):
        batch = codes[start:start + BATCH]
        items = dict(session.execute(select(CatalogItem.code, CatalogItem.status).where(CatalogItem.code.in_(batch))).all())
        was = SearchDocument.doc["status"].as_string()
        if len(items) < len(batch) or any(getattr(s, "value", s) in PUBLIC_STATUSES for s in items.values()) \
                or session.scalar(select(func.count()).select_from(SearchDocument).join(CatalogItem)
                                  .where(CatalogItem.code.in_(batch), was.in_(sorted(PUBLIC_STATUSES)))):
            public_changed(session)
            break
    session.commit()


def _index_batch(session: Session, profile: Profile, waiting: list[str]) -> int:
    written = 0
    for pause in (0.0, *RETRIES):
        if not waiting:
            break
        time.sleep(pause)
        locked = _lock_items(session, waiting)
        docs, _ = docs_for_codes(session, profile, locked)
        upsert(session, docs)
        gone = set(waiting) - locked - set(session.scalars(select(CatalogItem.code).where(CatalogItem.code.in_(waiting))))
        if gone:  # deleted items' rows went with them (ON DELETE CASCADE); they may have been public
            public_changed(session)
        session.commit()
        written += len(docs)
        waiting = sorted(set(waiting) - locked - gone)
    if waiting:
        log.warning("items still locked by another transaction, left for its commit: %s", ", ".join(waiting[:20]))
    return written


def reindex(engine: Engine, profile: Profile, progress: Callable[[int], None] | None = None) -> int:
    """Rewrite every row, a batch per transaction (search stays online), then drop rows of vanished items."""
    total = 0
    with Session(engine) as session:
        codes = list(session.scalars(select(CatalogItem.code).order_by(CatalogItem.id)))
        for start in range(0, len(codes), BATCH):
            batch = codes[start:start + BATCH]
            total += index_codes(session, profile, batch)
            if progress:
                progress(len(batch))
        session.execute(delete(SearchDocument).where(~SearchDocument.item_id.in_(select(CatalogItem.id))))
        public_changed(session)
        session.commit()
    return total


def check(session: Session) -> Drift:
    indexed: dict[int, list[str]] = {}
    for item_id, stamp in session.execute(select(SearchDocument.item_id, SearchDocument.stamp)):
        indexed.setdefault(item_id, []).append(stamp)
    return compare(current_stamps(session), indexed)
