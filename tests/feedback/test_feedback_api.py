"""``/api/v1/open-requests``, ``/objections``, ``/corrections`` against a live server under the nanyang profile."""
from __future__ import annotations

import pytest
from feedback_world import Api, feedback_office

from registry.core.localtime import local_today

ERROR_KEYS = {"code", "status", "message", "message_en", "errors"}


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    with feedback_office(tmp_path_factory.mktemp("feedback-api"), "nanyang") as served:
        yield served


@pytest.fixture(scope="module")
def api(office):
    _, base, seeded = office
    return lambda name=None: Api(base, seeded["tokens"][name] if name else None)


@pytest.fixture(scope="module")
def seeded(office):
    return office[2]


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS and body["status"] == status
    return body


def test_an_open_request_is_filed_extended_once_and_granted(api, seeded, office):
    runtime = office[0]
    created = api("other_compiler").post("/open-requests", {"item_code": seeded["item"], "description": "请开放成立日期字段",
                                                          "purpose": "营商环境分析"})
    assert created.status_code == 201, created.text
    req = created.json()
    with runtime.sessions() as session:
        expected = runtime.context(session).calendar.add_workdays(local_today(), 10)
    assert (req["type"], req["state"], req["stage"], req["stage_label"]) == ("open_request", "open", "answer", "待答复")
    assert req["organisation"]["code"] == seeded["orgs"]["dept"] and req["requester"]["code"] == seeded["orgs"]["other_dept"]
    assert req["due_at"] == expected.isoformat() and req["due_status"] == "on_time"
    actions = f"/open-requests/{req['id']}/actions"

    refused = _error(api("other_compiler").post(actions, {"action": "grant", "answer": "自己同意"}), 403)
    assert refused["message"] == "只有数据提供部门可以答复此申请"
    extended = api("compiler").post(actions, {"action": "extend", "reason": "经局主要负责人同意延期"})
    assert extended.status_code == 200, extended.text
    assert extended.json()["due_at"] > req["due_at"]
    again = _error(api("compiler").post(actions, {"action": "extend", "reason": "再延一次"}), 409)
    assert again["message"] == "答复期限只能延长一次，该申请已延期"
    missing = _error(api("compiler").post(actions, {"action": "grant"}), 422)
    assert missing["errors"] == [{"field": "answer", "label": "答复内容", "message": "同意时须说明开放或更正了什么"}]

    granted = api("compiler").post(actions, {"action": "grant", "answer": "已列入开放目录"})
    body = granted.json()
    assert granted.status_code == 200 and body["state"] == "granted" and body["state_label"] == "同意开放"
    assert [(row["what"], row["text"]) for row in body["timeline"][1:]] == [("延期", "经局主要负责人同意延期"),
                                                                            ("同意开放", "已列入开放目录")]
    assert body["data"]["answers"][0]["text"] == "已列入开放目录"


def test_who_lists_and_reads_open_requests(api, seeded):
    req = api("other_compiler").post("/open-requests", {"item_code": seeded["item"], "description": "请开放"}).json()
    assert req["id"] in [r["id"] for r in api("authority").get("/open-requests").json()["items"]]
    assert req["id"] in [r["id"] for r in api("compiler").get("/open-requests", org=seeded["orgs"]["dept"]).json()["items"]]
    assert req["id"] not in [r["id"] for r in api("county_compiler").get("/open-requests").json()["items"]]
    assert _error(api("county_compiler").get(f"/open-requests/{req['id']}"), 404)["message"] == f"没有编号为 {req['id']} 的开放数据申请"
    assert api("other_compiler").get(f"/open-requests/{req['id']}").json()["title"].startswith("开放数据申请：")
    _error(api().get("/open-requests"), 401)
    _error(api().post("/open-requests", {"description": "匿名"}), 401)
    assert _error(api("authority").get("/open-requests", org="没有的机构"), 422)["message"] == "没有代码为“没有的机构”的机构"


def test_staff_record_a_member_of_the_public(api, seeded):
    missing = _error(api("compiler").post("/open-requests", {"description": "请开放公交站点", "applicant_kind": "public"}), 422)
    assert {e["field"] for e in missing["errors"]} == {"applicant_name", "applicant_contact"}
    created = api("compiler").post("/open-requests", {"description": "请开放公交站点", "applicant_kind": "public",
                                                      "applicant_name": "王小明", "applicant_contact": "13800000000"})
    body = created.json()
    assert created.status_code == 201 and body["requester"] is None
    assert body["organisation"]["code"] == seeded["orgs"]["city"]  # no item: the data authority answers
    assert body["data"]["requester_name"] == "王小明"
    refused = _error(api("system_admin").post("/open-requests", {"description": "x", "applicant_kind": "public",
                                                                 "applicant_name": "李四", "applicant_contact": "1"}), 403)
    assert refused["message"] == "只有工作人员可以代社会公众登记申请"


def test_a_correction_is_verified_reassigned_and_fixed(api, seeded):
    bad = _error(api("county_compiler").post("/corrections", {"item_code": seeded["item"], "description": "名称错误"}), 422)
    assert bad["errors"] == [{"field": "evidence", "label": "佐证材料", "message": "请附佐证材料（说明或链接）"}]
    created = api("county_compiler").post("/corrections", {"item_code": seeded["item"], "target": "信息项:企业名称",
                                                           "description": "名称错误", "evidence": "营业执照"})
    ticket = created.json()
    assert created.status_code == 201 and (ticket["stage"], ticket["data"]["target"]) == ("verify", "信息项:企业名称")
    actions = f"/corrections/{ticket['id']}/actions"

    assert _error(api("county_compiler").post(actions, {"action": "reassign", "organisation": seeded["orgs"]["other_dept"],
                                                        "reason": "x"}), 403)["message"] == "只有数据主管部门可以转交纠错工单"
    moved = api("authority").post(actions, {"action": "reassign", "organisation": seeded["orgs"]["other_dept"],
                                            "reason": "该字段由公安局采集"})
    assert moved.status_code == 200 and moved.json()["organisation"]["code"] == seeded["orgs"]["other_dept"]
    _error(api("compiler").post(actions, {"action": "confirm"}), 404)  # no longer theirs to see
    assert _error(api("other_compiler").post(actions, {"action": "fix", "answer": "已改"}), 409)["message"] \
        == "该事项当前为“办理中 · 待核实”，不能确认已更正"
    confirmed = api("other_compiler").post(actions, {"action": "confirm", "reason": "核实属实"}).json()
    assert (confirmed["stage"], confirmed["stage_label"]) == ("fix", "待更正")
    fixed = api("other_compiler").post(actions, {"action": "fix", "answer": "已在源头更正"}).json()
    assert (fixed["state"], fixed["state_label"], fixed["decision_reason"]) == ("corrected", "已更正", "已在源头更正")
    assert _error(api("other_compiler").post(actions, {"action": "nonsense"}), 409)["message"] == "“数据纠错”没有“nonsense”这一操作"


def test_a_correction_rejected_without_reason_is_refused(api, seeded):
    ticket = api("other_compiler").post("/corrections", {"item_code": seeded["item"], "description": "有误",
                                                         "evidence": "截图"}).json()
    actions = f"/corrections/{ticket['id']}/actions"
    assert _error(api("compiler").post(actions, {"action": "reject"}), 422)["errors"][0]["message"] == "不予更正必须填写理由"
    assert api("compiler").post(actions, {"action": "reject", "reason": "数据无误"}).json()["state"] == "refused"
    listed = api("other_compiler").get("/corrections", state="refused").json()
    assert ticket["id"] in [r["id"] for r in listed["items"]]


def test_an_objection_through_the_api(api, seeded):
    created = api("county_compiler").post("/objections", {"item_code": seeded["other_item"], "target": "open_type",
                                                          "description": "应当无条件开放"})
    body = created.json()
    assert created.status_code == 201 and body["organisation"]["code"] == seeded["orgs"]["other_dept"]
    refused = api("other_compiler").post(f"/objections/{body['id']}/actions", {"action": "refuse", "reason": "涉及个人信息"})
    assert refused.json()["state_label"] == "不予更正"
    assert _error(api("county_compiler").post(f"/objections/{body['id']}/actions",
                                              {"action": "request_review", "reason": "不服"}), 409)["message"] == "本辖区没有规定对答复的复核"
