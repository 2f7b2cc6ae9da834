"""``/api/v1/items`` as an integrator uses it: create, read, list, replace, patch, history, retire."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from api_client import ApiClient, api_entry, is_error
from api_office import as_, item_row, publish

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def dept(office) -> str:
    return office.seeded["orgs"]["dept"]


def test_create_answers_201_with_location_and_etag_and_the_code_with_a_slash_works(office):
    client = as_(office, "compiler")
    response = client.post("/items", api_entry(dept(office), name="创建测试条目"))
    assert response.status_code == 201, response.text
    item = response.json()["item"]
    assert "/" in item["code"] and item["status"] == "draft" and item["version"] == 1
    assert response.headers["ETag"] == f'"{item["code"]}@1"'
    assert response.headers["Location"] == f"{office.base}/api/v1/items/{item['code']}"
    fetched = client.get(response.headers["Location"])
    assert fetched.status_code == 200 and fetched.headers["ETag"] == response.headers["ETag"]
    assert fetched.json()["name"] == "创建测试条目" and len(fetched.json()["fields"]) == 3
    assert client.get(item["links"]["fields"].removeprefix("/api/v1")).json()[0]["name"] == "统一社会信用代码"


def test_list_pages_keep_the_filters_in_their_links(office):
    client = as_(office, "compiler")
    for n in range(3):
        client.create(api_entry(dept(office), name=f"分页测试条目{n}"))
    first = client.get("/items", params={"q": "分页测试", "per_page": 2, "sort": "name"})
    body = first.json()
    assert (body["total"], body["page"], body["per_page"]) == (3, 1, 2)
    assert [i["name"] for i in body["items"]] == ["分页测试条目0", "分页测试条目1"]
    assert body["links"]["prev"] is None
    following = parse_qs(urlsplit(body["links"]["next"]).query)
    assert following == {"q": ["分页测试"], "per_page": ["2"], "sort": ["name"], "page": ["2"]}
    second = client.get(body["links"]["next"]).json()
    assert [i["name"] for i in second["items"]] == ["分页测试条目2"] and second["links"]["next"] is None
    assert parse_qs(urlsplit(second["links"]["prev"]).query)["q"] == ["分页测试"]
    descending = client.get("/items", params={"q": "分页测试", "sort": "-name"}).json()
    assert [i["name"] for i in descending["items"]] == ["分页测试条目2", "分页测试条目1", "分页测试条目0"]


def test_list_filters_by_status_share_type_and_provider(office):
    client = as_(office, "authority")
    shared = client.create(api_entry(dept(office), name="筛选测试无条件"))
    conditional = client.create(api_entry(office.seeded["orgs"]["other_dept"], name="筛选测试有条件", share_type="conditional",
                                          share_condition="仅限本市政务部门使用", share_basis="《政务数据共享条例》第十条"))
    publish(office, shared["code"])

    def names(**params):
        return {i["name"] for i in client.get("/items", params={"q": "筛选测试", **params}).json()["items"]}

    assert names() == {"筛选测试无条件", "筛选测试有条件"}
    assert names(status="published") == {"筛选测试无条件"}
    assert names(status="draft") == {"筛选测试有条件"}
    assert names(share_type="conditional") == {"筛选测试有条件"}
    assert names(provider=office.seeded["orgs"]["other_dept"]) == {"筛选测试有条件"}
    assert names(provider="NO-SUCH-ORG") == set()
    assert conditional["share_type"] == "conditional"
    is_error(client.get("/items", params={"status": "lost"}), 422)


def test_put_replaces_the_whole_entry_and_the_same_body_twice_changes_nothing(office):
    client = as_(office, "compiler")
    item = client.create(api_entry(dept(office), name="整体替换测试", format_description="原格式说明"))
    path = f"/items/{item['code']}"
    replacement = api_entry(dept(office), name="整体替换测试", summary="替换后的摘要，说明本资源的内容与用途，字数足够。",
                            subcategory_code=item["subcategory_code"])
    replacement["fields"] = replacement["fields"][:2]
    first = client.put(path, replacement, etag=item["etag"])
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["item"]["version"] == 2 and body["pending"] is False
    assert body["item"]["format_description"] is None  # not given: cleared
    assert len(body["item"]["fields"]) == 2 and body["diff"]
    again = client.put(path, replacement, etag=first.headers["ETag"])
    assert again.status_code == 200, again.text
    assert again.json()["diff"] == {} and again.json()["item"]["version"] == 2
    assert again.headers["ETag"] == first.headers["ETag"]


def test_put_of_the_body_that_created_a_draft_keeps_its_code(office):
    client = as_(office, "compiler")
    body = api_entry(dept(office), name="重放创建内容测试")
    item = client.create(body)
    response = client.put(f"/items/{item['code']}", body, etag=item["etag"])
    assert response.status_code == 200, response.text
    assert response.json()["item"]["code"] == item["code"] and response.json()["diff"] == {}


def test_patch_changes_only_what_it_names_and_history_shows_the_diffs(office):
    client = as_(office, "compiler")
    item = client.create(api_entry(dept(office), name="局部修改测试"))
    path = f"/items/{item['code']}"
    response = client.patch(path, {"summary": "修改后的摘要，补充说明数据来源于企业登记系统。", "reason": "补充来源"}, etag=item["etag"])
    assert response.status_code == 200, response.text
    patched = response.json()["item"]
    assert patched["name"] == "局部修改测试" and patched["summary"].startswith("修改后的摘要") and patched["version"] == 2
    assert response.headers["ETag"] == f'"{item["code"]}@2"'
    history = client.get(f"{path}/history").json()
    assert [(c["kind"], c["state"]) for c in history] == [("create", "applied"), ("update", "applied")]
    assert history[1]["reason"] == "补充来源" and history[1]["actor"] == "compiler"
    assert history[1]["diff"]["item"]["summary"][1].startswith("修改后的摘要")


def test_service_rules_answer_422_with_chinese_field_errors(office):
    client = as_(office, "compiler")
    body = is_error(client.post("/items", api_entry(dept(office), share_type="conditional")), 422)
    fields = {e["field"]: e for e in body["errors"]}
    assert "share_condition" in fields
    assert CHINESE.search(fields["share_condition"]["message"]) and CHINESE.search(fields["share_condition"]["label"])
    assert body["code"] == "validation_error" and CHINESE.search(body["message"])


def test_schema_violations_answer_422_naming_the_field(office):
    client = as_(office, "compiler")
    wrong_type = is_error(client.post("/items", api_entry(dept(office), fields="三个信息项")), 422)
    assert [e["field"] for e in wrong_type["errors"]] == ["fields"]
    unknown = is_error(client.post("/items", {**api_entry(dept(office)), "colour": "red"}), 422)
    assert [e["field"] for e in unknown["errors"]] == ["colour"]
    not_json = client.post("/items", data="name=x", headers={"Content-Type": "application/x-www-form-urlencoded"}, json=None)
    assert not_json.status_code in (400, 415, 422), not_json.text


def test_writes_need_the_etag_they_read(office):
    client = as_(office, "compiler")
    item = client.create(api_entry(dept(office), name="版本测试"))
    path = f"/items/{item['code']}"
    is_error(client.patch(path, {"summary": "没有带 If-Match 的修改，不应生效。"}), 428)
    assert client.patch(path, {"format_description": "第一次修改"}, etag=item["etag"]).status_code == 200
    stale = is_error(client.patch(path, {"format_description": "基于旧版本的修改"}, etag=item["etag"]), 412)
    assert stale["code"] == "precondition_failed"
    is_error(client.put(path, api_entry(dept(office)), etag=item["etag"]), 412)
    is_error(client.post(f"{path}/retire", {"reason": "过期"}, headers={"If-Match": item["etag"]}), 412)
    assert client.get(path).json()["format_description"] == "第一次修改"


def test_editing_a_published_item_proposes_a_change_and_the_published_values_stay(office):
    client = as_(office, "compiler")
    item = client.create(api_entry(dept(office), name="已发布修改测试"))
    publish(office, item["code"])
    path = f"/items/{item['code']}"
    current = client.get(path)
    published_summary = current.json()["summary"]
    response = client.patch(path, {"summary": "提议的新摘要，须经审核后才生效，在此之前公众看到旧摘要。"}, etag=current.headers["ETag"])
    assert response.status_code == 200, response.text
    assert response.json()["pending"] is True and response.json()["change_id"]
    shown = client.get(path).json()
    assert shown["summary"] == published_summary and shown["status"] == "change_pending"
    assert ApiClient(office.base).get(path).json()["summary"] == published_summary
    assert client.get(f"{path}/history").json()[-1]["state"] == "pending"


def test_retire_a_draft_with_a_reason(office):
    client = as_(office, "compiler")
    item = client.create(api_entry(dept(office), name="注销测试"))
    path = f"/items/{item['code']}"
    is_error(client.post(f"{path}/retire", {}, headers={"If-Match": item["etag"]}), 422)
    is_error(client.post(f"{path}/retire", {"reason": "不再提供"}), 428)
    response = client.post(f"{path}/retire", {"reason": "不再提供"}, headers={"If-Match": item["etag"]})
    assert response.status_code == 200, response.text
    assert response.json()["item"]["status"] == "retired"
    assert item_row(office, item["code"])[0] == "retired"


def test_anonymous_callers_read_published_items_only_and_may_not_write(office):
    client = as_(office, "compiler")
    draft = client.create(api_entry(dept(office), name="匿名测试草稿"))
    published = client.create(api_entry(dept(office), name="匿名测试已发布"))
    publish(office, published["code"])
    anonymous = ApiClient(office.base)
    listed = anonymous.get("/items", params={"q": "匿名测试"}).json()
    assert [i["name"] for i in listed["items"]] == ["匿名测试已发布"] and listed["total"] == 1
    assert anonymous.get("/items", params={"status": "draft", "per_page": 200}).json()["total"] == 0
    is_error(anonymous.get(f"/items/{draft['code']}"), 404)
    is_error(anonymous.get(f"/items/{draft['code']}/fields"), 404)
    assert anonymous.get(f"/items/{published['code']}").status_code == 200
    is_error(anonymous.get(f"/items/{published['code']}/history"), 404)
    is_error(anonymous.post("/items", api_entry(dept(office))), 401)
    fetched = anonymous.get(f"/items/{published['code']}")
    is_error(anonymous.patch(f"/items/{published['code']}", {"name": "匿名篡改"}, etag=fetched.headers["ETag"]), 401)
    is_error(anonymous.post(f"/items/{published['code']}/retire", {"reason": "x"}, headers={"If-Match": fetched.headers["ETag"]}), 401)
    assert item_row(office, published["code"])[2] == "匿名测试已发布"


def test_unknown_codes_are_404_in_the_error_shape(office):
    client = as_(office, "compiler")
    assert is_error(client.get("/items/3070411/999999"), 404)["code"] == "not_found"
    is_error(client.patch("/items/3070411/999999", {"name": "x"}, etag='"3070411/999999@1"'), 404)
