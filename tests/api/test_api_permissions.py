"""Every role × API action, allowed and refused, under the nanyang profile (department → county → city).

Each attempt gets fresh objects, so an allowed action never changes what the next role meets; a refusal
must be 403 or 404 in the error shape, and must leave the database exactly as it was.
"""
from __future__ import annotations

from collections.abc import Callable

import pytest
from api_client import ApiClient, api_entry, is_error
from api_office import ROLES, as_
from factories import entry, uscc
from sqlalchemy import func, select

from registry.catalog.models import CatalogItem, ItemChange
from registry.catalog.operations import create_item
from registry.core.db import unit_of_work
from registry.orgs.models import Organisation
from registry.requests.models import Request, RequestEvent
from registry.review.operations import submit_item

#: action → the roles allowed to do it; every other role must be refused.
EXPECTED = {
    "create an item for department A": {"compiler", "authority"},
    "read department A's draft": {"compiler", "city_reviewer", "authority"},
    "read county X's draft": {"county_compiler", "county_reviewer", "city_reviewer", "authority"},
    "update department A's draft": {"compiler", "authority"},
    "submit department A's draft": {"compiler", "authority"},
    "retire department A's draft": {"compiler", "authority"},
    "approve at county level": {"county_reviewer"},
    "return at county level": {"county_reviewer"},
    "comment at county level": {"county_compiler", "county_reviewer", "authority"},
    "approve at city level": {"city_reviewer", "authority"},
    "return at city level": {"city_reviewer", "authority"},
    "see the county step in /reviews": {"county_reviewer"},
    "see the city step in /reviews": {"city_reviewer", "authority"},
    "create an organisation": {"authority"},
}


def snapshot(office) -> tuple:
    with unit_of_work(office.runtime.sessions, write=False) as session:
        return (
            session.execute(select(CatalogItem.code, CatalogItem.status, CatalogItem.version, CatalogItem.name,
                                   CatalogItem.summary).order_by(CatalogItem.id)).all(),
            session.execute(select(Request.id, Request.state, Request.level).order_by(Request.id)).all(),
            session.scalar(select(func.count()).select_from(RequestEvent)),
            session.scalar(select(func.count()).select_from(ItemChange)),
            session.execute(select(Organisation.code).order_by(Organisation.id)).all(),
        )


class Targets:
    """Fresh objects, made as the system, for one attempt."""

    def __init__(self, office):
        self.office = office
        self.orgs = office.seeded["orgs"]
        self.serial = 100

    def draft(self, org: str) -> str:
        with unit_of_work(self.office.runtime.sessions) as session:
            ctx = self.office.runtime.context(session)
            return create_item(ctx, entry(self.orgs[org], name=f"权限矩阵{org}草稿")).item.code

    def step(self, org: str) -> int:
        with unit_of_work(self.office.runtime.sessions) as session:
            ctx = self.office.runtime.context(session)
            return submit_item(ctx, create_item(ctx, entry(self.orgs[org], name=f"权限矩阵{org}送审")).item).id

    def etag(self, code: str) -> str:
        return ApiClient(self.office.base, self.office.seeded["tokens"]["authority"]).get(f"/items/{code}").headers["ETag"]

    def new_org_code(self) -> str:
        self.serial += 1
        return uscc(self.serial)


def actions(t: Targets) -> dict[str, Callable[[], Callable[[ApiClient], object]]]:
    """action → a preparation that makes fresh objects and returns the call to attempt on them."""
    def update():
        code = t.draft("dept")
        etag = t.etag(code)
        return lambda c: c.patch(f"/items/{code}", {"summary": "权限矩阵修改后的摘要，应只有本部门和主管部门能改。"}, etag=etag)

    def retire():
        code = t.draft("dept")
        etag = t.etag(code)
        return lambda c: c.post(f"/items/{code}/retire", {"reason": "权限测试"}, headers={"If-Match": etag})

    def sees(org):
        def prepare():
            step_id = t.step(org)

            def run(c):
                response = c.get("/reviews", params={"per_page": 200})
                assert response.status_code == 200, response.text
                return step_id in [s["id"] for s in response.json()["items"]]
            return run
        return prepare

    def on_draft(org, call):
        def prepare():
            code = t.draft(org)
            return lambda c: call(c, code)
        return prepare

    def on_step(org, call):
        def prepare():
            step_id = t.step(org)
            return lambda c: call(c, step_id)
        return prepare

    def new_org():
        code = t.new_org_code()
        return lambda c: c.post("/organisations", {"code": code, "name": "权限矩阵新机构", "level": "department", "parent": "411300"})

    return {
        "create an item for department A": lambda: lambda c: c.post("/items", api_entry(t.orgs["dept"], name="权限矩阵新建")),
        "read department A's draft": on_draft("dept", lambda c, code: c.get(f"/items/{code}")),
        "read county X's draft": on_draft("county_dept", lambda c, code: c.get(f"/items/{code}")),
        "update department A's draft": update,
        "submit department A's draft": on_draft("dept", lambda c, code: c.post(f"/items/{code}/submit", {})),
        "retire department A's draft": retire,
        "approve at county level": on_step("county_dept", lambda c, i: c.post(f"/reviews/{i}/approve", {})),
        "return at county level": on_step("county_dept", lambda c, i: c.post(f"/reviews/{i}/return", {"reason": "不完整"})),
        "comment at county level": on_step("county_dept", lambda c, i: c.post(f"/reviews/{i}/comments",
                                                                              {"text": "请补充", "target": "share_basis"})),
        "approve at city level": on_step("dept", lambda c, i: c.post(f"/reviews/{i}/approve", {})),
        "return at city level": on_step("dept", lambda c, i: c.post(f"/reviews/{i}/return", {"reason": "不完整"})),
        "see the county step in /reviews": sees("county_dept"),
        "see the city step in /reviews": sees("dept"),
        "create an organisation": new_org,
    }


def test_each_role_may_do_exactly_what_its_permissions_declare(office):
    targets = Targets(office)
    allowed: dict[str, set[str]] = {action: set() for action in EXPECTED}
    for action, prepare in actions(targets).items():
        for role in ROLES:
            attempt = prepare()
            before = snapshot(office)
            outcome = attempt(as_(office, role))
            if isinstance(outcome, bool):
                if outcome:
                    allowed[action].add(role)
                continue
            if outcome.status_code < 300:
                allowed[action].add(role)
                continue
            assert outcome.status_code in (403, 404), f"{action} as {role}: {outcome.status_code} {outcome.text}"
            is_error(outcome, outcome.status_code)
            assert snapshot(office) == before, f"{action} as {role} was refused but changed the database"
    assert allowed == EXPECTED


def test_another_departments_compiler_cannot_see_or_touch_a_draft(office):
    owner, other = as_(office, "compiler"), as_(office, "other_compiler")
    draft = owner.create(api_entry(office.seeded["orgs"]["dept"], name="别人看不到的草稿"))
    code = draft["code"]
    assert owner.get("/items", params={"q": "别人看不到"}).json()["total"] == 1
    assert as_(office, "city_reviewer").get("/items", params={"q": "别人看不到"}).json()["total"] == 1
    for who in ("other_compiler", "county_reviewer", "system_admin", "security_admin", "audit_admin"):
        client = as_(office, who)
        listed = client.get("/items", params={"q": "别人看不到"}).json()
        assert (listed["total"], listed["items"]) == (0, []), who
        assert client.get("/items", params={"status": "draft", "provider": office.seeded["orgs"]["dept"]}).json()["total"] == 0
    before = snapshot(office)
    for path in ("", "/fields", "/history", "/review"):
        body = is_error(other.get(f"/items/{code}{path}"), 404)
        assert "别人看不到" not in body["message"]
    is_error(other.patch(f"/items/{code}", {"name": "篡改"}, etag=draft["etag"]), 404)
    is_error(other.put(f"/items/{code}", api_entry(office.seeded["orgs"]["dept"]), etag=draft["etag"]), 404)
    is_error(other.post(f"/items/{code}/submit", {}), 404)
    is_error(other.post(f"/items/{code}/withdraw"), 404)
    is_error(other.post(f"/items/{code}/retire", {"reason": "x"}, headers={"If-Match": draft["etag"]}), 404)
    assert snapshot(office) == before


@pytest.mark.parametrize("who", ["other_compiler", "county_reviewer"])
def test_a_step_outside_ones_scope_is_not_found(office, who):
    step = as_(office, "compiler").post(
        f"/items/{as_(office, 'compiler').create(api_entry(office.seeded['orgs']['dept'], name='范围外审核'))['code']}/submit", {}).json()
    client = as_(office, who)
    before = snapshot(office)
    is_error(client.get(f"/reviews/{step['id']}"), 404)
    assert client.post(f"/reviews/{step['id']}/approve", {}).status_code in (403, 404)
    assert client.post(f"/reviews/{step['id']}/comments", {"text": "越权意见"}).status_code in (403, 404)
    assert snapshot(office) == before
