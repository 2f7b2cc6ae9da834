"""PostgreSQL's ranking shortcuts give the answers of the whole ranking.

A common word's page ranked among the name matches alone when that settles it: the same pages as ranking
every match, on every page size, page and sort, including where an item whose name lacks the word outranks
one whose name has it. A single chunk ranked by its features alone, without a pass over its matches: the
same answers, for the public and for a compiler who sees restricted fields."""
from __future__ import annotations

import pytest
from databases import is_postgres
from factories import commit_change, entry, make_org_tree

from registry.accounts.permissions import item_scope
from registry.app import Runtime
from registry.catalog import operations as ops
from registry.core.config import load_settings
from registry.core.migrate import upgrade
from registry.search import pg_backend
from registry.search.plan import Plan
from registry.search.query import SearchRequest, parse_query
from registry.search.synonyms import load_synonyms

pytestmark = pytest.mark.skipif(not is_postgres(), reason="the PostgreSQL search backend")

QUERIES = ["港口", "港口 信息", "码头", "信息"]


def _field(name: str, technical: str) -> dict:
    return {"name": name, "technical_name": technical, "data_type": "C", "length": 50}


#: (name, summary, field names), oldest first: 港口 is the whole name of one, part of two other names (a word of
#: the first, only characters of the second: jieba reads 海港 口岸), and only in the fields and summary of the
#: newest, which outranks 海港口岸信息: its field names and summary weigh more than characters of a name.
ITEMS = [
    ("江港口岸信息", "沿江口岸通关情况。", ["口岸名称"]),
    ("海港口岸信息", "沿海口岸通关情况。", ["口岸名称"]),
    ("港口", "本市港口的基本情况。", ["港口名称", "港口代码"]),
    ("码头泊位信息", "泊位的使用情况。", ["泊位编号"]),
    ("码头作业信息", "港口码头的港口作业记录。", ["港口", "港口代码", "港口名称"]),
]


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    from databases import drop_postgres_database, new_postgres_database

    url = new_postgres_database("mulu_ranking")
    runtime = Runtime(load_settings({}, instance_path=tmp_path_factory.mktemp("ranking"), database_url=url,
                                    search_backend="postgres"))
    upgrade(runtime.engine)

    def build(ctx):
        dept = make_org_tree(ctx).dept
        for name, summary, fields in ITEMS:
            item = ops.create_item(ctx, entry(dept, name=name, summary=summary,
                                              fields=[_field(f, f"F{n}") for n, f in enumerate(fields)])).item
            ops.publish_item(ctx, item)

    commit_change(runtime, build)
    yield runtime
    runtime.engine.dispose()
    drop_postgres_database(url)


def _pages(runtime, monkeypatch, large: int, text: str, per_page: int, sort: str = "relevance",
           **filters) -> list[list[tuple[str, int]]]:
    """Every page of ``text``'s public results, ranked with ``pg_backend.LARGE`` set to ``large``."""
    monkeypatch.setattr(pg_backend, "LARGE", large)
    synonyms = load_synonyms(runtime.settings.instance_path)
    filters = {k: tuple(v) for k, v in filters.items()}
    pages, page = [], 1
    with runtime.sessions() as session:
        while True:
            request = SearchRequest(text=text, page=page, per_page=per_page, filters=filters, sort=sort)
            plan = Plan(request, parse_query(text, synonyms), item_scope(session, None, True), filters, synonyms,
                        public=True)
            result = pg_backend._answer(session, plan)  # not the public cache: each ranking computed
            if not result.docs:
                return pages
            pages.append([(doc["name"], doc["score"]) for doc in result.docs])
            page += 1


@pytest.fixture()
def outcomes(monkeypatch) -> list:
    """What each try of the shortcut returned (``None``: it declined)."""
    found, tried = [], pg_backend._ranked_by_names
    monkeypatch.setattr(pg_backend, "_ranked_by_names", lambda *args: found.append(tried(*args)) or found[-1])
    return found


def test_an_item_without_the_word_in_its_name_can_outrank_one_with_it(runtime, monkeypatch):
    """The premise of the comparison below: ranking the name matches alone would get this wrong."""
    names = [hit for page in _pages(runtime, monkeypatch, 10**9, "港口", 1) for hit, _ in page]
    assert names[0] == "港口"
    assert names.index("码头作业信息") < names.index("海港口岸信息"), names


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("per_page", [1, 2, 3])
@pytest.mark.parametrize("sort", ["relevance", "updated", "published"])
def test_ranking_among_names_gives_the_pages_ranking_everything_does(runtime, monkeypatch, outcomes, text, per_page,
                                                                      sort):
    every = _pages(runtime, monkeypatch, 10**9, text, per_page, sort)
    assert not outcomes and every, "the whole ranking, never the shortcut"
    assert _pages(runtime, monkeypatch, 0, text, per_page, sort) == every
    assert outcomes, "the shortcut was tried"


def test_by_date_the_newest_comes_first_whatever_matched(runtime, monkeypatch):
    """The newest item has 港口 only in its fields; the newest name match scores far above it."""
    assert _pages(runtime, monkeypatch, 0, "港口", 1, "updated")[0][0][0] == "码头作业信息"


def test_the_shortcut_settles_pages_and_declines_others(runtime, monkeypatch, outcomes):
    """Both outcomes happen, so the comparison above covers each."""
    for text in QUERIES:
        _pages(runtime, monkeypatch, 0, text, 1)
    assert any(o is not None for o in outcomes) and any(o is None for o in outcomes)


def test_filters_and_shortcut_agree(runtime, monkeypatch):
    assert _pages(runtime, monkeypatch, 0, "港口", 1, share_type=["unconditional"]) == \
        _pages(runtime, monkeypatch, 10**9, "港口", 1, share_type=["unconditional"])


#: Single chunks of every kind (rank without a separate pass over the matches) and others (with one).
CORPUS_QUERIES = ["企业", "许可", "企", "户籍人口基本信息", "身份证号", '"工商行政处罚"', "3", "307", "公民身份号码",
                  "许可 食品", "企业登记 不存在的词"]


class _MatchedApart(pg_backend.Query):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.features_match = False


@pytest.mark.parametrize("text", CORPUS_QUERIES)
@pytest.mark.parametrize("reader", ["public", "compiler"])
def test_ranking_a_single_chunk_by_its_features_alone_changes_nothing(world, monkeypatch, text, reader):
    runtime = world.runtimes["postgres"]
    synonyms = load_synonyms(runtime.settings.instance_path)

    def answer():
        with runtime.sessions() as session:
            actor = session.merge(world.corpus.compiler, load=True) if reader == "compiler" else None
            plan = Plan(SearchRequest(text=text, per_page=100), parse_query(text, synonyms),
                        item_scope(session, actor, actor is None), {}, synonyms, public=actor is None)
            result = pg_backend._answer(session, plan)
            return result.total, [(d["code"], d["score"]) for d in result.docs], result.facets, result.relaxed

    by_features = answer()
    monkeypatch.setattr(pg_backend, "Query", _MatchedApart)
    assert answer() == by_features
