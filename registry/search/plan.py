"""A search made ready for a backend, and what a backend hands back.

The service (:mod:`registry.search.service`) turns a request into a
:class:`Plan` — parsed chunks, checked filters, the reader's scope — and
turns the backend's :class:`RawResult` into the public response (labels,
highlights). Backends only match, rank, count and page.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from registry.accounts.permissions import ItemScope
from registry.search.analysis import query_words
from registry.search.documents import HIDDEN
from registry.search.query import Chunk, SearchRequest
from registry.search.synonyms import Synonyms

#: Ranking weights: where a chunk matched says how telling the match is (name > field names > the rest).
GROUP_WEIGHTS = {"name": 8, "fields": 4, "meta": 2, "body": 1}
BONUS = {
    "code": 64,         # the query is (the start of) the item's resource code
    "name_exact": 32,   # the query is the item's whole name
    "name_word": 4,     # the query is a jieba word of the name, not just a run of its characters
    "field_exact": 4,   # a field of the item is named exactly so
    "text_word": 1,     # a jieba word elsewhere
    "field_filter": 8,  # field-level search: a field named exactly as asked (fuzzy mode)
}


#: The text groups that hold restricted fields' (marked) terms: field names and descriptions.
HIDDEN_GROUPS = ("fields", "body")


@dataclass
class Plan:
    """The request, with its text parsed, its filters checked and the reader's scope."""

    request: SearchRequest
    chunks: list[Chunk]
    scope: ItemScope
    filters: dict[str, tuple[str, ...]]
    synonyms: Synonyms
    public: bool = False  # anonymous: sensitive and secret fields neither match nor show

    def terms(self, texts: Iterable[str]) -> list[str]:
        """Index terms to look up for ``texts``: restricted fields' marked ones too, except for the public."""
        plain = [t for t in texts if not t.startswith(HIDDEN)]  # a typed mark must not reach them either
        return plain if self.public else plain + [HIDDEN + t for t in plain]

    def cache_key(self) -> tuple:
        """All the request depends on besides the catalog and the scope: parsed text and the words a
        relaxed search would try (synonyms included), checked filters, field criterion, sort, page and
        whether restricted terms count."""
        r = self.request
        fields = tuple(self.synonyms.expand(self.field_name)) if self.field_name else ()
        return (tuple(self.chunks), tuple(self.relaxed_chunks() or ()), tuple(sorted(self.filters.items())), fields,
                self.field_mode, r.sort, r.page, r.per_page, r.facets, self.public)

    @property
    def public_only(self) -> bool:
        """Whether the reader sees published items only: such readers' results may be shared."""
        return not (self.scope.all_items or self.scope.own_provider_ids)

    @property
    def field_name(self) -> str | None:
        return (self.request.field_name or "").strip() or None

    @property
    def field_mode(self) -> str:
        return self.request.field_mode

    @property
    def sort(self) -> str:
        return self.request.sort

    @property
    def offset(self) -> int:
        return self.request.offset

    @property
    def limit(self) -> int:
        return self.request.per_page

    @property
    def want_facets(self) -> bool:
        return self.request.facets

    @property
    def has_text(self) -> bool:
        return bool(self.chunks)

    def relaxed_chunks(self) -> list[Chunk] | None:
        """The words of the unquoted chunks, each alone enough to match — or ``None`` if that changes nothing."""
        loose = " ".join(c.text for c in self.chunks if not c.phrase)
        searched = query_words(loose) if loose else []
        # Search mode yields 南阳 and 南阳市; the finest words make the best partial matches.
        found = [w for w in searched if not any(o != w and o in w for o in searched)]
        if not found or (len(found) == 1 and len(self.chunks) == 1):
            return None
        return [Chunk(w, tuple(self.synonyms.expand(w))) for w in found]


@dataclass
class RawResult:
    """A backend's answer: the total, the page's stored documents (with ``score``) and raw facet counts.

    ``memo`` is set on a result kept for later searches (:mod:`registry.search.kept`): what the service
    derives from it is kept there too, shared by every copy handed out.
    """

    total: int
    docs: list[dict]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    relaxed: bool = False
    terms: list[str] = field(default_factory=list)
    memo: dict | None = field(default=None, compare=False, repr=False)
