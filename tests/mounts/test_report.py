"""The mount rate per organisation and the drift report, from the stored results (no reconnecting)."""
from __future__ import annotations

from factories import entry
from mountkit import make_source_db, make_world, person_item, publish, run_sql, sources

from registry.catalog.operations import create_item
from registry.mounts.models import CheckStatus
from registry.mounts.operations import add_api_mount, add_table_mount
from registry.mounts.queries import (
    insider_org_ids,
    mount_rate_by_org,
    mount_report,
    problem_mounts,
)


def test_mount_rate_counts_published_items_with_at_least_one_mount(ctx, tmp_path):
    world = make_world(ctx)
    dept, other = world.orgs.dept, world.orgs.other_dept
    mounted = [create_item(ctx, entry(dept, name=f"条目{i}")).item for i in range(3)]
    bare = create_item(ctx, entry(dept, name="未挂接")).item
    draft = create_item(ctx, entry(dept, name="草稿")).item
    for item in [*mounted, bare]:
        publish(ctx, item)
    for item in mounted[:2]:
        add_api_mount(ctx, item, url="https://api.example.gov.cn/a")
        add_api_mount(ctx, item, url="https://api.example.gov.cn/b")  # two mounts are still one mounted item
    add_api_mount(ctx, draft, url="https://api.example.gov.cn/c")  # a draft is not in the rate
    publish(ctx, create_item(ctx, entry(other, name="他单位")).item)
    assert mount_rate_by_org(ctx) == {dept.id: (4, 2), other.id: (1, 0)}


def test_the_report_shows_each_organisations_last_results_and_the_problem_mounts(ctx, tmp_path):
    world = make_world(ctx, "compiler", "county_reviewer")
    path = tmp_path / "hr.db"
    src = sources(tmp_path, hr=make_source_db(path))
    good = person_item(ctx, world.orgs.dept)
    drifting = person_item(ctx, world.orgs.dept, name="人口基本信息（二）")
    publish(ctx, good)
    add_table_mount(ctx, good, src, connection="hr", table="person")
    run_sql(path, "ALTER TABLE person ADD COLUMN dh VARCHAR(20)")
    bad = add_table_mount(ctx, drifting, src, connection="hr", table="person")
    add_api_mount(ctx, drifting, url="https://api.example.gov.cn/x")  # not checked yet
    [line] = mount_report(ctx)
    assert (line.org_code, line.published, line.mounted, line.rate) == (world.orgs.dept.code, 1, 1, 1.0)
    assert (line.ok, line.drift, line.error, line.unchecked) == (1, 1, 0, 1)
    assert [m.id for m in problem_mounts(ctx)] == [bad.id] and bad.status is CheckStatus.DRIFT
    # Mounts name internal tables: a compiler sees their department's, a county reviewer their county's.
    assert insider_org_ids(world.as_(ctx, "compiler")) >= {world.orgs.dept.id}
    county = insider_org_ids(world.as_(ctx, "county_reviewer"))
    assert world.orgs.dept.id not in county and mount_report(ctx, county) == [] and problem_mounts(ctx, county) == []
    assert insider_org_ids(ctx) is None  # the system sees all
