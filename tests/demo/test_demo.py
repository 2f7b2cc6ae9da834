"""The demo catalog: deterministic, valid under every profile, and loaded only once."""
from __future__ import annotations

from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select

from registry.catalog.identifiers import (
    guess_identifier_kind,
    identifier_problem,
    is_valid_region_code,
    is_valid_uscc,
)
from registry.catalog.models import CatalogItem, Field, ItemStatus
from registry.core.context import Context
from registry.core.errors import ConflictError
from registry.core.localtime import local_today
from registry.demo import vocab
from registry.demo.generator import (
    MIN_ITEMS_FOR_GROUPS,
    SEEDED_DUPLICATE_GROUPS,
    generate_entries,
    org_tree,
    published_count,
    world,
)
from registry.demo.loader import DEMO_OVERDUE, DEMO_SUBMISSIONS, load_demo
from registry.orgs.models import Organisation
from registry.profiles import available_profiles, load_profile
from registry.requests.models import Request


def _items(session) -> list[CatalogItem]:
    return list(session.scalars(select(CatalogItem).order_by(CatalogItem.id)))


# -- pure data ---------------------------------------------------------------------


def test_same_seed_same_entries_other_seed_other_entries():
    profile = load_profile("national")
    first = list(generate_entries(profile, 300, seed=7))
    assert first == list(generate_entries(profile, 300, seed=7))
    other = list(generate_entries(profile, 300, seed=8))
    assert [e["name"] for e in first] != [e["name"] for e in other]
    assert [e["fields"] for e in first] != [e["fields"] for e in other]


def test_names_and_fields_do_not_depend_on_the_profile():
    national = list(generate_entries(load_profile("national"), 200, seed=3))
    fuzhou_jx = list(generate_entries(load_profile("fuzhou_jx"), 200, seed=3))
    assert [(e["provider"], e["name"], len(e["fields"])) for e in national] == \
           [(e["provider"], e["name"], len(e["fields"])) for e in fuzhou_jx]


def test_org_tree_has_valid_unique_codes():
    tree = org_tree()
    levels = Counter(o.level for o in tree)
    assert levels["city"] == 1 and levels["county"] == len(vocab.COUNTIES) == 8
    city_departments = [o for o in tree if o.level == "department" and o.parent == vocab.CITY_CODE]
    assert len(city_departments) >= 40
    assert levels["department"] == len(city_departments) + 8 * sum(1 for d in vocab.DOMAINS if d.county_name)
    assert levels["unit"] >= 2 * levels["department"]
    assert len({o.code for o in tree}) == len(tree)
    for org in tree:
        if org.level in ("city", "county"):
            assert is_valid_region_code(org.code) and org.code == org.region_code
        else:
            assert is_valid_uscc(org.code), org
    catalog_codes = [o.catalog_code for o in tree if o.level == "department"]
    assert all(c and c.isdigit() for c in catalog_codes) and len(set(catalog_codes)) == len(catalog_codes)
    codes = {o.code for o in tree}
    assert all(o.parent is None or o.parent in codes for o in tree)


def test_field_templates_declare_what_their_names_imply():
    w = world()
    templates = [*w.by_name.values()]
    for t in templates:
        implied = guess_identifier_kind(t.name)
        assert implied in (None, t.id_kind), t.name
        if t.id_kind in ("citizen_id", "uscc"):
            assert t.pinyin["data_type"] == "C" and t.pinyin["length"] >= 18, t.name
    topics = [t.name for d in w.domains.values() for t in d.topics]
    assert len(topics) == len(set(topics)), "a topic listed by two domains would name the same data twice"


def test_entries_look_like_a_catalog():
    entries = list(generate_entries(load_profile("national"), 3000, seed=1))
    sizes = [len(e["fields"]) for e in entries]
    assert min(sizes) >= 5 and max(sizes) <= 40 and 17 <= sum(sizes) / len(sizes) <= 23
    assert {e["class_code"] for e in entries} == {"1", "2", "3"}
    assert all(e["share_type"] == "unconditional" for e in entries if e["class_code"] == "1")
    formats = Counter(e["format_class"] for e in entries)
    assert formats.most_common(1)[0][0] == "database" and formats["spreadsheet"] > formats["electronic_file"] > 0
    for e in entries:
        kinds = {f.get("identifier_kind") for f in e["fields"]}
        if e["subject"] == "natural_person":
            assert "citizen_id" in kinds
        if e["subject"] == "legal_person":
            assert "uscc" in kinds
        for f in e["fields"]:
            if f.get("identifier_kind"):
                assert identifier_problem(f["identifier_kind"], f["example_value"]) is None
    published = published_count(len(entries))
    assert all("publish_date" in e for e in entries[:published])
    assert not any("publish_date" in e for e in entries[published:])


def test_names_are_unique_except_in_the_seeded_groups():
    entries = list(generate_entries(load_profile("national"), 5000, seed=2))
    providers = defaultdict(set)
    for e in entries:
        providers[e["name"]].add(e["provider"])
    per_provider = Counter((e["provider"], e["name"]) for e in entries)
    assert max(per_provider.values()) == 1
    shared = {name for name, owners in providers.items() if len(owners) > 1}
    seeded = Counter(name for group in SEEDED_DUPLICATE_GROUPS for _, name in group.members)
    assert shared == {name for name, n in seeded.items() if n > 1}


# -- loading -------------------------------------------------------------------------


def test_load_creates_what_it_reports(ctx):
    reported: list[int] = []
    stats = load_demo(ctx, items=300, seed=1, progress=reported.append)
    session = ctx.session
    assert stats.organisations == len(org_tree()) == session.scalar(select(func.count(Organisation.id)))
    assert stats.items == 300 == session.scalar(select(func.count(CatalogItem.id)))
    assert stats.fields == session.scalar(select(func.count(Field.id)))
    statuses = Counter(item.status for item in _items(session))
    drafts = 300 - published_count(300)
    in_review = min(DEMO_SUBMISSIONS, drafts)
    expected = {ItemStatus.PUBLISHED: published_count(300), ItemStatus.SUBMITTED: in_review, ItemStatus.DRAFT: drafts - in_review}
    assert statuses == {status: n for status, n in expected.items() if n}
    steps = session.scalars(select(Request).where(Request.type == "review")).all()
    assert len(steps) == in_review and {s.level for s in steps} == {"city"}  # national: department → city
    assert sum(s.due_at < local_today() for s in steps) == DEMO_OVERDUE
    assert reported == sorted(reported) and reported[-1] == 300


def test_same_seed_gives_the_same_catalog_in_a_fresh_database(ctx):
    loads = []
    for _ in range(2):
        savepoint = ctx.session.begin_nested()
        load_demo(ctx, items=120, seed=5)
        loads.append([(i.code, i.name, i.provider.code, [(f.name, f.technical_name, f.example_value) for f in i.fields])
                      for i in _items(ctx.session)])
        savepoint.rollback()
    assert loads[0] == loads[1]


@pytest.mark.parametrize("name", available_profiles())
def test_loads_under_every_profile_with_all_its_types(session, name):
    profile = load_profile(name)
    load_demo(Context(session=session, profile=profile), items=80, seed=1)
    items = _items(session)
    assert {i.share_type.value for i in items} == set(profile.vocab("share_type").values)
    assert {i.open_type.value for i in items} == set(profile.vocab("open_type").values)
    assert {i.update_cycle for i in items} <= set(profile.vocab("update_cycle").values)
    if profile.applies("update_cycle_at_least_monthly"):
        cycles = profile.vocab("update_cycle")
        assert all((cycles.term(i.update_cycle).attrs["max_days"] or 999) <= 31 for i in items)
    assert all(i.share_basis for i in items if i.share_type.value != "unconditional")


def test_seeded_duplicate_groups_are_in_the_catalog(ctx):
    assert MIN_ITEMS_FOR_GROUPS <= 300
    load_demo(ctx, items=300, seed=1)
    items = {(i.provider.code, i.name): i for i in _items(ctx.session)}
    assert 3 <= len(SEEDED_DUPLICATE_GROUPS) <= 5
    for group in SEEDED_DUPLICATE_GROUPS:
        providers = [code for code, _ in group.members]
        assert len(set(providers)) == len(providers) >= 2, group.key
        kinds = set()
        for member in group.members:
            item = items[member]
            assert item.status is ItemStatus.PUBLISHED
            kinds.add(next(f.identifier_kind.value for f in item.fields if f.is_primary_key))
        assert len(kinds) == 1, f"{group.key}: members should share their key identifier"


def test_a_second_load_is_refused(ctx):
    load_demo(ctx, items=20, seed=1)
    with pytest.raises(ConflictError, match="演示数据已载入"):
        load_demo(ctx, items=20, seed=1)
    assert ctx.session.scalar(select(func.count(CatalogItem.id))) == 20
