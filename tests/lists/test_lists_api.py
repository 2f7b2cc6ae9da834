"""``/api/v1/responsibility-list`` and ``/api/v1/demands`` over real HTTP, with tokens of every role."""
from __future__ import annotations

from datetime import date


def _error(response, status: int) -> dict:
    assert response.status_code == status, f"{response.status_code} {response.text}"
    body = response.json()
    assert set(body) == {"code", "status", "message", "message_en", "errors"} and body["status"] == status
    return body


def _demand(office, who: str = "county_compiler", **overrides) -> dict:
    body = {"description": "需要户籍人口的身份信息", "fields": ["身份证号", "姓名"], "purpose": "核验身份",
            "scenario": "一网通办", **overrides}
    response = office.api(who).post(office.url("/demands"), json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _act(office, who: str, demand_id: int, action: str, **body):
    return office.api(who).post(office.url(f"/demands/{demand_id}/actions"), json={"action": action, **body})


def test_the_responsibility_list_pages_by_item_with_fields_contacts_and_a_version(office):
    assert _error(office.api(None).get(office.url("/responsibility-list")), 401)
    assert _error(office.api("audit_admin").get(office.url("/responsibility-list")), 403)
    reader = office.api("county_reviewer")
    whole = reader.get(office.url("/responsibility-list")).json()
    assert whole["org"] is None and whole["total"] == 2 and len(whole["version"]) == 16 and whole["as_of"]
    assert sorted(i["code"] for i in whole["items"]) == sorted([office.items["licences"], office.items["residents"]])

    first = reader.get(office.url("/responsibility-list"), params={"per_page": 1}).json()
    second = reader.get(first["next"]).json()
    assert [i["code"] for i in first["items"] + second["items"]] == sorted(i["code"] for i in whole["items"])
    assert second["next"] is None or reader.get(second["next"]).json()["items"] == []

    mine = reader.get(office.url("/responsibility-list"), params={"org": office.orgs["unit"]}).json()
    assert mine["org"]["code"] == office.orgs["dept"] and mine["org"]["contact_phone"] == "0377-6312345"
    [duty] = mine["items"]
    assert (duty["update_cycle_label"], duty["source_system"], duty["unit"]) == ("每日", "企业登记系统", "登记注册科")
    assert [f["name"] for f in duty["fields"]] == ["统一社会信用代码", "企业名称", "成立日期"]
    assert duty["department"]["contact_name"] == "张明"
    body = _error(reader.get(office.url("/responsibility-list"), params={"org": "NOPE"}), 422)
    assert body["errors"][0]["field"] == "org"


def test_a_demand_goes_through_the_api_from_county_to_delivery(office):
    created = _demand(office)
    demand_id = created["id"]
    assert (created["stage"], created["organisation"]["code"], created["requester"]["code"]) == (
        "county", office.orgs["county"], office.orgs["county_dept"])
    suggestions = office.api("county_compiler").get(office.url(f"/demands/{demand_id}/suggestions")).json()
    assert suggestions[0]["code"] == office.items["residents"]
    assert {"wanted": "身份证号", "field": "公民身份号码"} in suggestions[0]["matched_fields"]

    _error(office.api("other_county_reviewer").get(office.url(f"/demands/{demand_id}")), 404)
    _error(_act(office, "county_compiler", demand_id, "forward"), 403)
    assert _act(office, "county_reviewer", demand_id, "forward", reason="已汇总").json()["stage"] == "city"
    _error(_act(office, "city_reviewer", demand_id, "accept"), 409)
    assigned = _act(office, "city_reviewer", demand_id, "assign", provider=office.orgs["other_dept"]).json()
    assert assigned["stage"] == "answer" and assigned["organisation"]["code"] == office.orgs["other_dept"]
    assert date.fromisoformat(assigned["due_at"]) > date.fromisoformat(assigned["created_at"][:10])

    body = _error(_act(office, "other_compiler", demand_id, "decline", reason=""), 422)
    assert body["errors"][0]["field"] == "reason"
    _error(_act(office, "compiler", demand_id, "accept"), 404)  # not theirs to see
    assert _act(office, "other_compiler", demand_id, "accept").json()["stage"] == "deliver"
    _error(_act(office, "other_compiler", demand_id, "fulfil", items=[office.items["draft"]]), 422)
    refreshed = office.api("county_compiler").post(office.url(f"/demands/{demand_id}/suggestions"))
    assert refreshed.status_code == 200 and refreshed.json()[0]["code"] == office.items["residents"]
    done = _act(office, "other_compiler", demand_id, "fulfil", items=[office.items["residents"]]).json()
    assert done["state"] == "fulfilled" and done["item_code"] == office.items["residents"]
    assert [t["what"] for t in done["timeline"] if t["kind"] == "action"] == ["报送市级", "确认并转提供方", "受理", "数据已提供"]
    assert {"kind": "comment", "target": "provider"}.items() <= done["timeline"][2].items()  # who named the provider, and when

    listed = office.api("county_reviewer").get(office.url("/demands"), params={"state": "fulfilled"}).json()
    assert demand_id in {d["id"] for d in listed["items"]}
    # A closed demand's suggestions stay as they were when it was settled.
    _error(office.api("county_compiler").post(office.url(f"/demands/{demand_id}/suggestions")), 409)


def test_emergency_and_unmatched_demands(office):
    body = _error(office.api("compiler").post(office.url("/demands"), json={
        "description": "防汛转移人员核验", "purpose": "核验", "emergency": True}), 422)
    assert [e["field"] for e in body["errors"]] == ["scenario"]
    urgent = _demand(office, "compiler", emergency=True, scenario="防汛应急：转移安置群众")
    assert urgent["stage"] == "city" and urgent["data"]["emergency"] is True
    assigned = _act(office, "authority", urgent["id"], "assign", item=office.items["residents"]).json()
    assert assigned["timeline"][-1]["what"] == "确认紧急需求并转提供方" and assigned["data"]["item"]["code"] == office.items["residents"]

    nobody = _demand(office, "compiler", description="需要全市桥梁健康监测数据", fields=["桥梁编号"])
    assert nobody["data"]["suggestions"] == [] and nobody["data"]["matched"] is False
    _act(office, "city_reviewer", nobody["id"], "unmatch", reason="暂无部门采集")
    unmatched = office.api("authority").get(office.url("/demands"), params={"unmatched": "true"}).json()
    ids = {d["id"] for d in unmatched["items"]}
    assert nobody["id"] in ids and urgent["id"] not in ids
    assert office.api("other_county_reviewer").get(office.url("/demands"), params={"unmatched": "true"}).json()["total"] == 0
