"""Share requests and their use log over the REST API, under the binzhou profile (2 working days to answer)."""
from __future__ import annotations

import pytest
from share_office import Api, error_of, share_office

from registry.core.localtime import local_today


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    with share_office(tmp_path_factory.mktemp("share-api") / "instance") as served:
        yield served


def _ask(office, who="requester", **overrides):
    body = {"item": office.codes["conditional"], "fields": ["统一社会信用代码", 2, "成立日期"], "purpose": "核查涉案企业",
            "scenario": "经侦案件办理", "legal_basis": "《刑事诉讼法》第五十四条", "use_until": "2099-12-31", **overrides}
    return Api(office, who).post("/share-requests", body)


def test_ask_approve_and_log_uses_over_the_api(office):
    asked = _ask(office)
    assert asked.status_code == 201, asked.text
    req = asked.json()
    assert (req["type"], req["state"], req["stage"], req["item_code"]) == ("share_request", "open", "provider", office.codes["conditional"])
    assert req["requester"]["code"] == office.codes["other_dept"] and req["organisation"]["code"] == office.codes["dept"]
    assert req["data"]["fields"] == ["统一社会信用代码", "企业名称", "成立日期"] and req["actions"] == ["withdraw"]
    assert req["due_at"] is not None and req["due_at"] > local_today().isoformat()
    rid = req["id"]

    provider = Api(office, "provider")
    listed = provider.get("/share-requests", requester=office.codes["other_dept"])
    assert [r["id"] for r in listed.json()["items"]] == [rid] and listed.json()["items"][0]["actions"] == ["approve", "refuse"]
    assert Api(office, "county_compiler").get("/share-requests").json()["total"] == 0
    error_of(Api(office, "county_compiler").get(f"/share-requests/{rid}"), 404)
    error_of(Api(office, "county_reviewer").post(f"/share-requests/{rid}/actions", {"action": "approve", "mode": "api"}), 404)

    bad = error_of(provider.post(f"/share-requests/{rid}/actions", {"action": "approve", "fields": ["住所"], "mode": "卫星"}), 422)
    assert {e["field"] for e in bad["errors"]} == {"fields", "mode"} and "信息项“住所”不在申请的信息项中" in bad["message"]
    approved = provider.post(f"/share-requests/{rid}/actions", {"action": "approve", "fields": ["企业名称", "成立日期"],
                                                                "mode": "platform:api", "users": ["张三"], "reason": "同意"})
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["state"] == "approved" and body["data"]["approval"]["users"] == ["张三"]
    assert body["data"]["approval"]["mode"]["label"] == "大数据平台 · 接口" and body["timeline"][-1]["what"] == "同意共享"

    requester = Api(office, "requester")
    use = requester.post(f"/share-requests/{rid}/uses", {"purpose": "核验", "user_name": "张三", "fields": ["企业名称"],
                                                          "medium": "网络传输", "content": "12 条"})
    assert use.status_code == 201, use.text
    assert (use.json()["method"], use.json()["method_label"], use.json()["approver_name"]) == ("api", "接口", "provider")
    wrong = error_of(requester.post(f"/share-requests/{rid}/uses", {"purpose": "核验", "user_name": "李四",
                                                                     "fields": ["统一社会信用代码"], "medium": "光盘"}), 422)
    assert {e["field"] for e in wrong["errors"]} == {"fields", "user_name"}
    error_of(provider.post(f"/share-requests/{rid}/uses", {"purpose": "核验", "user_name": "张三", "fields": ["企业名称"],
                                                            "medium": "光盘"}), 403)
    uses = provider.get(f"/share-requests/{rid}/uses").json()
    assert uses["total"] == 1 and uses["items"][0]["content"] == "12 条"
    by_item = provider.get("/share-uses", item=office.codes["conditional"], **{"from": local_today().isoformat()}).json()
    assert [u["id"] for u in by_item["items"]] == [use.json()["id"]]
    assert provider.get("/share-uses", org=office.codes["county_dept"]).json()["total"] == 0


def test_refusal_objection_and_coordination_over_the_api(office):
    rid = _ask(office).json()["id"]
    provider, requester, authority = Api(office, "provider"), Api(office, "requester"), Api(office, "authority")
    no_reason = error_of(provider.post(f"/share-requests/{rid}/actions", {"action": "refuse"}), 422)
    assert no_reason["message"] == "理由：不同意必须填写理由"
    assert provider.post(f"/share-requests/{rid}/actions", {"action": "refuse", "reason": "无依据"}).json()["state"] == "refused"
    error_of(requester.post(f"/share-requests/{rid}/uses", {"purpose": "核验", "user_name": "张三", "fields": ["企业名称"],
                                                             "medium": "光盘"}), 409)
    objected = requester.post(f"/share-requests/{rid}/actions", {"action": "object", "reason": "依刑事诉讼法应当提供"}).json()
    assert (objected["state"], objected["stage"], objected["due_at"]) == ("open", "coordination", None)
    assert [r["id"] for r in authority.get("/share-requests", stage="coordination").json()["items"]] == [rid]
    error_of(provider.post(f"/share-requests/{rid}/actions", {"action": "approve", "mode": "api"}), 403)
    upheld = authority.post(f"/share-requests/{rid}/actions", {"action": "uphold", "reason": "提供单位意见成立"}).json()
    assert (upheld["state"], upheld["decision_reason"], upheld["actions"]) == ("refused", "提供单位意见成立", [])
    error_of(requester.post(f"/share-requests/{rid}/actions", {"action": "object", "reason": "再议"}), 409)


def test_what_cannot_be_asked_over_the_api(office):
    unconditional = error_of(_ask(office, item=office.codes["unconditional"]), 422)
    assert unconditional["errors"][0]["field"] == "item" and "无需申请" in unconditional["message"]
    refused = error_of(_ask(office, item=office.codes["not_shared"]), 422)
    assert "依据：《中华人民共和国统计法》第九条" in refused["message"]
    fields = error_of(_ask(office, fields=["法定代表人证件号码", 9]), 422)
    assert [e["message"] for e in fields["errors"]] == ["信息项“法定代表人证件号码”为不予共享，不能申请",
                                                        "序号 9 没有对应的信息项（该资源共 4 个信息项）"]
    error_of(_ask(office, "provider"), 422)  # its own department's data
    error_of(_ask(office, "system_admin"), 403)
    error_of(_ask(office, item="NO/SUCH"), 422)
    withdrawn = Api(office, "requester").post(f"/share-requests/{_ask(office).json()['id']}/actions", {"action": "withdraw"})
    assert withdrawn.json()["state"] == "withdrawn"
