"""The dashboard: the authority's figures, a compiler's returned drafts, counts within each user's scope."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from client import signed_in
from factories import entry, make_org_tree
from live import seeded_office
from sqlalchemy import select

from registry.accounts.operations import create_user
from registry.catalog.operations import create_item
from registry.core.db import unit_of_work
from registry.core.localtime import local_today
from registry.requests.models import Request
from registry.review.operations import return_for_rework, submit_item

PASSWORD = "Shenhe#2026x"


def _seed(ctx) -> None:
    orgs = make_org_tree(ctx)
    for name, role, org in (("bianmu", "compiler", orgs.dept), ("other", "compiler", orgs.other_dept),
                            ("zhuguan", "authority_admin", orgs.city), ("shenji", "audit_admin", orgs.city)):
        create_user(ctx, name, role, org.code, PASSWORD)
    for i in range(3):
        create_item(ctx, entry(orgs.dept, name=f"市场监管条目{i}"))
    returned = create_item(ctx, entry(orgs.dept, name="被退回的条目")).item
    return_for_rework(ctx, submit_item(ctx, returned), "缺少共享依据")
    late = submit_item(ctx, create_item(ctx, entry(orgs.other_dept, name="公安条目")).item)
    late.due_at = local_today() - timedelta(days=2)


@pytest.fixture()
def office(tmp_path, fresh_database_url):
    with seeded_office(tmp_path / "instance", fresh_database_url, _seed) as (runtime, base, _):
        yield runtime, base


def page_of(base: str, username: str) -> str:
    status, page = signed_in(base, username, PASSWORD).request("/admin/")
    assert status == 200
    return page


def number(page: str, element_id: str) -> int:
    return int(re.search(rf'id="{element_id}">(\d+)<', page).group(1))


def test_the_authority_sees_every_organisation_and_the_overdue_step(office):
    _, base = office
    page = page_of(base, "zhuguan")
    assert number(page, "dash-overdue") == 1 and number(page, "dash-queue-overdue") == 1
    per_org = page[page.index('id="per-org"'):]
    assert "南阳市市场监督管理局" in per_org and "南阳市公安局" in per_org
    assert 'id="chart-status"' in page and "草稿" in page and "提交审核" in page  # recent activity, in Chinese


def test_a_compiler_sees_their_returned_draft_and_only_their_own_figures(office):
    _, base = office
    page = page_of(base, "bianmu")
    returned = page[page.index('id="dash-returned"'):]
    assert "被退回的条目" in returned and "缺少共享依据" in returned
    assert "南阳市公安局" not in page and number(page, "dash-overdue") == 0
    assert 'id="recent"' not in page
    other = page_of(base, "other")
    assert "被退回的条目" not in other and 'id="dash-returned"' not in other


def test_the_separated_administrators_see_no_catalog_figures(office):
    runtime, base = office
    page = page_of(base, "shenji")
    assert 'id="per-org"' not in page and "南阳市" not in page.split('id="dashboard"')[1]
    with unit_of_work(runtime.sessions) as session:
        assert session.scalar(select(Request.id).limit(1)) is not None  # there was something to leak
