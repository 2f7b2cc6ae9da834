"""Who is told what, after each commit: review steps and a request type of the test's own."""
from __future__ import annotations

import pytest
from factories import entry
from review.people import make_people
from world import TEST_TYPE, notices_of, recipients

from registry.catalog.operations import create_item
from registry.core.errors import NotFound
from registry.notifications import recipients as rules
from registry.notifications.operations import (
    list_notices,
    mark_all_read,
    mark_read,
    unread_count,
)
from registry.requests.engine import open_request, transition
from registry.requests.models import Request
from registry.review.operations import approve, return_for_rework, submit_item

SEPARATED = {"system_admin", "security_admin", "audit_admin"}


@pytest.fixture()
def people(ctx):
    people = make_people(ctx)
    ctx.session.commit()
    return people


def _everyone_told(ctx) -> set[str]:
    return {n.user.username for n in notices_of(ctx.session)}


@pytest.mark.parametrize("profile_name", ["binzhou"])
def test_a_submission_tells_the_reviewers_of_its_county_then_the_city(people, ctx):
    item = create_item(people.as_(ctx, "county_compiler"), entry(people.orgs.county_dept)).item
    step = submit_item(people.as_(ctx, "county_compiler"), item)
    assert notices_of(ctx.session) == []  # nothing before the commit: it could still roll back
    ctx.session.commit()

    assert recipients(ctx.session, step.id, "new") == {"county_reviewer"}  # not the other county's, not the city yet
    new = notices_of(ctx.session, "new")[0]
    assert new.request_type == "review" and new.title == step.title and new.read_at is None and new.due_at is None
    assert new.message.startswith("新的目录审核“企业登记信息") and "（县级）待您办理，请于" in new.message

    city_step = approve(people.as_(ctx, "county_reviewer"), step)
    ctx.session.commit()
    assert recipients(ctx.session, city_step.id, "new") == {"city_reviewer"}
    assert recipients(ctx.session, step.id, "decided") == {"county_compiler"}  # the submitter; the reviewer knows
    assert "已办结：已通过" in notices_of(ctx.session, "decided")[0].message

    return_for_rework(people.as_(ctx, "city_reviewer"), city_step, "共享依据不全")
    ctx.session.commit()
    assert recipients(ctx.session, city_step.id, "decided") == {"county_compiler"}
    assert "已退回（理由：共享依据不全）" in notices_of(ctx.session, "decided")[-1].message
    assert _everyone_told(ctx) == {"county_reviewer", "city_reviewer", "county_compiler"}

    city_item = create_item(people.as_(ctx, "compiler"), entry(people.orgs.dept)).item
    city_first = submit_item(people.as_(ctx, "compiler"), city_item)  # a city department skips the county level
    ctx.session.commit()
    assert recipients(ctx.session, city_first.id, "new") == {"city_reviewer"}


def test_a_request_tells_who_must_act_at_each_stage_and_who_asked_when_decided(people, ctx):
    asker = people.as_(ctx, "county_compiler")
    req = open_request(asker, TEST_TYPE, organisation=people.orgs.dept, requester=people.orgs.county_dept,
                       title="企业登记信息共享申请")
    ctx.session.commit()
    assert recipients(ctx.session, req.id, "new") == {"compiler"}  # the provider's compiler, not the other department's
    assert "提出方：南召县市场监督管理局" in notices_of(ctx.session, "new")[0].message

    transition(people.as_(ctx, "system"), req, "answer")
    ctx.session.commit()
    assert recipients(ctx.session, req.id, "stage") == {"compiler"}
    assert "已进入“待提供”环节" in notices_of(ctx.session, "stage")[0].message

    transition(people.as_(ctx, "compiler"), req, "refuse", "涉及商业秘密")
    ctx.session.commit()
    assert recipients(ctx.session, req.id, "decided") == {"county_compiler"}  # who asked, not the one who refused
    assert "已拒绝（理由：涉及商业秘密）" in notices_of(ctx.session, "decided")[0].message

    transition(asker, req, "escalate", "申请协调")  # the refusal goes to the authority
    ctx.session.commit()
    assert recipients(ctx.session, req.id, "stage") == {"compiler", "authority"}
    assert _everyone_told(ctx).isdisjoint(SEPARATED | {"other_compiler", "other_county_reviewer"})


def test_a_domain_can_say_who_acts_at_its_stage(people, ctx, monkeypatch):
    monkeypatch.setitem(rules.WHO_ACTS, (TEST_TYPE, "deliver"), rules.WHO_ACTS.get((TEST_TYPE, "deliver"), "compilers"))
    rules.who_acts(TEST_TYPE, "deliver", "city_reviewers")
    with pytest.raises(KeyError, match="unknown audience"):
        rules.who_acts(TEST_TYPE, "deliver", "everybody")
    req = open_request(people.as_(ctx, "system"), TEST_TYPE, organisation=people.orgs.dept, title="某申请")
    transition(people.as_(ctx, "system"), req, "answer")
    ctx.session.commit()
    assert recipients(ctx.session, req.id, "stage") == {"city_reviewer"}


def test_a_failing_notice_never_undoes_the_work_it_follows(people, ctx, monkeypatch, caplog):
    def broken(session, request):
        raise RuntimeError("recipient lookup broke")

    monkeypatch.setitem(rules.WHO_ACTS, (TEST_TYPE, None), broken)
    req = open_request(people.as_(ctx, "system"), TEST_TYPE, organisation=people.orgs.dept, title="某申请")
    ctx.session.commit()  # no exception reaches the caller
    ctx.session.expire_all()
    assert ctx.session.get(Request, req.id).title == "某申请" and notices_of(ctx.session) == []
    assert "could not write the notices" in caplog.text


def test_users_read_their_own_notices_only(people, ctx):
    first = open_request(people.as_(ctx, "system"), TEST_TYPE, organisation=people.orgs.dept, title="第一件")
    second = open_request(people.as_(ctx, "system"), TEST_TYPE, organisation=people.orgs.dept, title="第二件")
    ctx.session.commit()
    compiler = people.as_(ctx, "compiler")
    rows, total = list_notices(compiler)
    assert total == 2 and [n.request_id for n in rows] == [second.id, first.id]  # newest first
    assert unread_count(compiler) == 2

    mark_read(compiler, rows[0].id)
    assert unread_count(compiler) == 1 and [n.request_id for n in list_notices(compiler, unread=True)[0]] == [first.id]
    with pytest.raises(NotFound):
        mark_read(people.as_(ctx, "other_compiler"), rows[1].id)  # another's notice is as good as missing
    assert mark_all_read(compiler) == 1 and unread_count(compiler) == 0
    assert list_notices(people.as_(ctx, "system_admin")) == ([], 0)
