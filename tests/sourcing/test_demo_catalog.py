"""The issue's done-when: the report finds the duplicates seeded into the demo catalog, and nothing else.

Each catalog is loaded once, into a database of its own, under two sizes, seeds and profiles.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from registry.core.calendar import seed_calendar
from registry.core.context import Context
from registry.core.db import make_engine
from registry.core.migrate import upgrade
from registry.demo.generator import SEEDED_DUPLICATE_GROUPS
from registry.demo.loader import load_demo
from registry.profiles import load_profile
from registry.sourcing.report import current_findings

CATALOGS = [(400, 1, "national"), (2000, 2, "fuzhou_jx")]


@pytest.fixture(scope="module", params=CATALOGS, ids=lambda c: f"{c[0]}-items-seed-{c[1]}-{c[2]}")
def demo(request, tmp_path_factory) -> Iterator[Context]:
    items, seed, profile = request.param
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    upgrade(engine)
    with Session(engine) as session:
        seed_calendar(session)
        ctx = Context(session=session, profile=load_profile(profile))
        load_demo(ctx, items=items, seed=seed)
        session.commit()
        yield ctx
    engine.dispose()


def test_the_findings_are_exactly_the_seeded_groups(demo):
    found = {frozenset((m.provider.code, m.name) for m in f.members) for f in current_findings(demo)}
    seeded = {frozenset(group.members) for group in SEEDED_DUPLICATE_GROUPS}
    assert found == seeded


def test_each_seeded_group_matches_on_its_subject_key_and_names_its_shared_fields(demo):
    by_members = {frozenset((m.provider.code, m.name) for m in f.members): f for f in current_findings(demo)}
    for group in SEEDED_DUPLICATE_GROUPS:
        finding = by_members[frozenset(group.members)]
        assert finding.fields[0].how == "identifier", group.key
        assert len({p.code for p in finding.providers}) == len(group.members), group.key
        assert 60 <= finding.score <= 100 and finding.reason.endswith("%。"), group.key
    groups = {group.key: frozenset(group.members) for group in SEEDED_DUPLICATE_GROUPS}
    household = by_members[groups["household_population"]]
    assert household.name_match == "户籍人口"
    assert sorted(name for _, name in household.fields[0].names) == ["公民身份号码", "身份证号", "身份证号码"]
    estate = by_members[groups["real_estate_registration"]]
    assert {m.key: m.how for m in estate.fields}["权利人"] == "synonym"
